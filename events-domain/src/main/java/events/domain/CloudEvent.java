package events.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A CloudEvents 1.0.2 event as published. Constructing one validates it completely: an instance always
 * satisfies every rule of the product (SPEC section 3), and an invalid one fails with an
 * {@link InvalidEventException} naming every failing attribute.
 *
 * <p>{@code time} keeps its original text; extension values are {@link String}, {@link Integer} or
 * {@link Boolean}; {@code data} is kept as published (see {@link EventData}).
 */
public record CloudEvent(
        String specVersion,
        String id,
        String source,
        String type,
        String subject,
        String time,
        String dataContentType,
        String dataSchema,
        Map<String, Object> extensions,
        EventData data) {

    /** The longest event type accepted: polls match type patterns against stored types, at a cost that grows with it. */
    public static final int MAX_TYPE_LENGTH = 1024;
    public static final String SPEC_VERSION = "1.0";
    public static final String RESOURCE = "resource";
    public static final String RESOURCE_INSTANCE = "resourceinstance";
    public static final String ALTERNATIVE_SUBJECT = "alternativesubject";

    /** Context attribute names that can never be extension names. */
    public static final Set<String> RESERVED_NAMES = Set.of(
            "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema",
            "data", "data_base64");

    /** Sources recently found valid: publishers repeat them, and checking them is not free. */
    private static final RecentlyValid VALID_SOURCES = new RecentlyValid(CloudEvent::isUriReference);

    public CloudEvent {
        List<Violation> violations = new ArrayList<>();
        if (!SPEC_VERSION.equals(specVersion)) {
            violations.add(new Violation("specversion", specVersion == null ? "is required" : "must be 1.0"));
        }
        if (requireNonEmpty("id", id, violations)) {
            requireAllowable("id", id, violations);
        }
        if (requireNonEmpty("source", source, violations) && requireAllowable("source", source, violations)
                && !VALID_SOURCES.test(source)) {
            violations.add(new Violation("source", "must be a URI-reference"));
        }
        if (requireNonEmpty("type", type, violations) && requireAllowable("type", type, violations)
                && type.length() > MAX_TYPE_LENGTH) {
            // Polls match type patterns against stored types: a long type would make that matching expensive.
            violations.add(new Violation("type", "must be at most " + MAX_TYPE_LENGTH + " characters"));
        }
        if (subject != null && subject.isEmpty()) {
            violations.add(new Violation("subject", "must not be empty when present"));
        } else if (subject != null) {
            requireAllowable("subject", subject, violations);
        }
        if (time != null && !isRfc3339(time)) {
            violations.add(new Violation("time", "must be an RFC 3339 timestamp"));
        }
        if (dataContentType != null && dataContentType.isBlank()) {
            violations.add(new Violation("datacontenttype", "must not be empty when present"));
        } else if (dataContentType != null) {
            requireAllowable("datacontenttype", dataContentType, violations);
        }
        if (dataSchema != null && requireAllowable("dataschema", dataSchema, violations)
                && !isAbsoluteUri(dataSchema)) {
            violations.add(new Violation("dataschema", "must be an absolute URI"));
        }
        if (data instanceof EventData.Base64 b64 && !isBase64(b64.base64())) {
            violations.add(new Violation("data_base64", "must be base64"));
        }
        extensions = normalizeExtensions(extensions, violations);
        Object resource = extensions.get(RESOURCE);
        if (resource == null) {
            violations.add(new Violation(RESOURCE, "is required"));
        } else if (!(resource instanceof String urn) || !ResourceUrn.isValid(urn)) {
            violations.add(new Violation(RESOURCE, "must be " + ResourceUrn.RULE));
        }
        for (String name : List.of(RESOURCE_INSTANCE, ALTERNATIVE_SUBJECT)) {
            Object value = extensions.get(name);
            if (value != null && (!(value instanceof String s) || s.isEmpty())) {
                violations.add(new Violation(name, "must be a non-empty string"));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this event's attributes. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.specVersion = specVersion;
        b.id = id;
        b.source = source;
        b.type = type;
        b.subject = subject;
        b.time = time;
        b.dataContentType = dataContentType;
        b.dataSchema = dataSchema;
        b.extensions.putAll(extensions);
        b.data = data;
        return b;
    }

    /** The resource URN the event concerns (extension {@code resource}). */
    public String resource() {
        return (String) extensions.get(RESOURCE);
    }

    /** Extension {@code alternativesubject}, or null. */
    public String alternativeSubject() {
        return (String) extensions.get(ALTERNATIVE_SUBJECT);
    }

    /** Extension {@code resourceinstance}, or null. */
    public String resourceInstance() {
        return (String) extensions.get(RESOURCE_INSTANCE);
    }

    /**
     * The value of a context attribute or extension as text (extension integers and booleans in their JSON
     * form), or null when the event does not have it. {@code data} is not an attribute.
     */
    public String attributeText(String name) {
        return switch (name) {
            case "specversion" -> specVersion;
            case "id" -> id;
            case "source" -> source;
            case "type" -> type;
            case "subject" -> subject;
            case "time" -> time;
            case "datacontenttype" -> dataContentType;
            case "dataschema" -> dataSchema;
            default -> {
                Object value = extensions.get(name);
                yield value == null ? null : String.valueOf(value);
            }
        };
    }

    private static boolean requireNonEmpty(String name, String value, List<Violation> violations) {
        if (value == null || value.isEmpty()) {
            violations.add(new Violation(name, "is required and must not be empty"));
            return false;
        }
        return true;
    }

    /**
     * CloudEvents' String type: no control characters (U+0000 to U+001F, U+007F to U+009F), no surrogate code
     * points (a Java string's unpaired surrogates) and no Unicode noncharacters. Adds a violation otherwise.
     */
    private static boolean requireAllowable(String name, String value, List<Violation> violations) {
        if (!isAllowableText(value)) {
            violations.add(new Violation(name,
                    "must not contain control characters, unpaired surrogates or Unicode noncharacters"));
            return false;
        }
        return true;
    }

    private static boolean isAllowableText(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xD800 && cp <= 0xDFFF)
                    || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static Map<String, Object> normalizeExtensions(Map<String, Object> raw, List<Violation> violations) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> normalized = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (name == null || !isAttributeName(name)) {
                violations.add(new Violation(String.valueOf(name), "attribute names use only a-z and 0-9"));
                continue;
            }
            if (RESERVED_NAMES.contains(name)) {
                violations.add(new Violation(name, "is not an extension name"));
                continue;
            }
            if (value instanceof String text) {
                // resource has a stricter rule of its own (checked with its name after this)
                if (name.equals(RESOURCE) || requireAllowable(name, text, violations)) {
                    normalized.put(name, value);
                }
            } else if (value instanceof Boolean || value instanceof Integer) {
                normalized.put(name, value);
            } else if (value instanceof Long || value instanceof Short || value instanceof Byte
                    || value instanceof java.math.BigInteger) {
                Number n = (Number) value;
                if (n instanceof java.math.BigInteger big ? big.bitLength() < 32
                        : n.longValue() >= Integer.MIN_VALUE && n.longValue() <= Integer.MAX_VALUE) {
                    normalized.put(name, n.intValue());
                } else {
                    violations.add(new Violation(name, "integer is outside the 32-bit range"));
                }
            } else if (value == null) {
                violations.add(new Violation(name, "must not be null"));
            } else {
                violations.add(new Violation(name, "must be a string, a 32-bit integer or a boolean"));
            }
        }
        return Collections.unmodifiableMap(normalized);
    }

    /**
     * RFC 3339 section 5.6 {@code date-time}: {@code 2026-11-27T10:15:30.5+01:00}, {@code t}/{@code z} in
     * either case, any number of fraction digits, leap seconds ({@code :60}) and offsets up to 23:59.
     */
    static boolean isRfc3339(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || (t.charAt(10) != 'T' && t.charAt(10) != 't')
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return false;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
            return false;
        }
        int i = 19;
        if (i < n && t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i == n - 1) {
            return t.charAt(i) == 'Z' || t.charAt(i) == 'z';
        }
        if (i != n - 6 || (t.charAt(i) != '+' && t.charAt(i) != '-') || t.charAt(i + 3) != ':') {
            return false;
        }
        int offsetHours = digits(t, i + 1, 2);
        int offsetMinutes = digits(t, i + 4, 2);
        return offsetHours >= 0 && offsetHours <= 23 && offsetMinutes >= 0 && offsetMinutes <= 59;
    }

    /** The number written with {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Whether {@code name} is a valid attribute name: lower-case ASCII letters and digits, at least one. */
    static boolean isAttributeName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUriReference(String value) {
        try {
            new URI(value);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isAbsoluteUri(String value) {
        try {
            return new URI(value).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isBase64(String value) {
        try {
            java.util.Base64.getDecoder().decode(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Mutable builder; {@link #build()} validates. Extensions keep insertion order. */
    public static final class Builder {
        private String specVersion = SPEC_VERSION;
        private String id;
        private String source;
        private String type;
        private String subject;
        private String time;
        private String dataContentType;
        private String dataSchema;
        private final Map<String, Object> extensions = new LinkedHashMap<>();
        private EventData data;

        private Builder() {
        }

        public Builder specVersion(String v) { this.specVersion = v; return this; }
        public Builder id(String v) { this.id = v; return this; }
        public Builder source(String v) { this.source = v; return this; }
        public Builder type(String v) { this.type = v; return this; }
        public Builder subject(String v) { this.subject = v; return this; }
        public Builder time(String v) { this.time = v; return this; }
        public Builder dataContentType(String v) { this.dataContentType = v; return this; }
        public Builder dataSchema(String v) { this.dataSchema = v; return this; }
        public Builder resource(String urn) { return extension(RESOURCE, urn); }
        public Builder data(EventData v) { this.data = v; return this; }
        public Builder jsonData(String json) { return data(new EventData.Json(json)); }

        /** Sets an extension; a null value removes it. */
        public Builder extension(String name, Object value) {
            if (value == null) {
                extensions.remove(name);
            } else {
                extensions.put(name, value);
            }
            return this;
        }

        public CloudEvent build() {
            return new CloudEvent(specVersion, id, source, type, subject, time, dataContentType, dataSchema,
                    new LinkedHashMap<>(extensions), data);
        }
    }
}
