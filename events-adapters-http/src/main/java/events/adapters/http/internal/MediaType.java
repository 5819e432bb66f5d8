package events.adapters.http.internal;

import java.util.Locale;

/** The essence ({@code type/subtype}, lower case) and the charset parameter of a Content-Type value. */
record MediaType(String essence, String charset) {

    static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
    static final String CLOUDEVENTS_BATCH_JSON = "application/cloudevents-batch+json";

    /** Null for a null or blank header. */
    static MediaType parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        // -1 keeps empty parts: ";" splits into two empty strings, not into none.
        String[] parts = header.split(";", -1);
        String essence = parts[0].strip().toLowerCase(Locale.ROOT);
        String charset = null;
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip();
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                charset = param.substring(eq + 1).strip().replace("\"", "");
            }
        }
        return new MediaType(essence, charset);
    }

    boolean isCloudEvents() {
        return essence.startsWith("application/cloudevents");
    }

    /** {@code application/json}, {@code text/json} and every {@code x/y+json}. */
    boolean isJson() {
        return essence.equals("application/json") || essence.equals("text/json") || essence.endsWith("+json");
    }

    boolean isText() {
        return essence.startsWith("text/");
    }
}
