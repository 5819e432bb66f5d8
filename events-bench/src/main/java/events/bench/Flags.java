package events.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The command-line flags of the benchmark programs: {@code --name value} or {@code --name=value}. */
record Flags(Map<String, String> values) {
    static Flags parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                values.put(a.substring(0, eq), a.substring(eq + 1));
            } else if (a.startsWith("--") && i + 1 < args.length) {
                values.put(a, args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
        }
        return new Flags(values);
    }

    String value(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    int intValue(String name, int otherwise, int min, int max) {
        int v = values.containsKey(name) ? Integer.parseInt(values.get(name)) : otherwise;
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        }
        return v;
    }

    /** A list of integers separated by spaces or commas ({@code "16 32 64"}), each between min and max. */
    List<Integer> intList(String name, String otherwise, int min, int max) {
        List<Integer> list = new ArrayList<>();
        for (String item : value(name, otherwise).trim().split("[\\s,]+")) {
            int v = Integer.parseInt(item);
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
            }
            list.add(v);
        }
        return list;
    }
}
