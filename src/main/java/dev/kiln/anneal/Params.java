package dev.kiln.anneal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one annealing type's parameters from a map (parsed JSON: numbers, strings, booleans,
 * lists; or command-line strings). Every error names the type, the parameter and what is allowed.
 */
final class Params {
    private final String type;
    private final Map<String, ?> values;

    Params(String type, Map<String, ?> values, List<String> allowed) {
        this.type = type;
        this.values = values == null ? Map.of() : values;
        for (String key : this.values.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(type + ": unknown parameter '" + key + "'; allowed: "
                        + (allowed.isEmpty() ? "(none)" : String.join(", ", allowed)));
            }
        }
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    /** A required number; {@code meaning} completes the message when it is missing. */
    double required(String key, String meaning) {
        if (!has(key)) {
            throw new IllegalArgumentException(type + ": parameter '" + key + "' is required (" + meaning + ")");
        }
        return number(key);
    }

    int integer(String key, int fallback) {
        if (!has(key)) return fallback;
        double v = number(key);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(type + ": parameter '" + key + "' must be a whole number, got " + raw(key));
        }
        return (int) v;
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        Object v = values.get(key);
        if (v instanceof Boolean b) return b;
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new IllegalArgumentException(type + ": parameter '" + key + "' must be true or false, got '" + v + "'");
    }

    String string(String key, String fallback) {
        return has(key) ? values.get(key).toString().trim() : fallback;
    }

    Object raw(String key) {
        return values.get(key);
    }

    private double number(String key) {
        Object v = values.get(key);
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(type + ": parameter '" + key + "' must be a number, got '" + v + "'");
            }
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(type + ": parameter '" + key + "' must be a finite number, got " + v);
        }
        return d;
    }
}
