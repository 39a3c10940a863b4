package dev.kiln.config;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kiln.error.BadInputException;
import dev.kiln.io.StrictJson;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validated reads from one JSON object of a config file. Every error names the file, the
 * key's dotted path, what was found and what is allowed; every key not read is reported as
 * unknown by {@link #rejectUnknown()}, with the list of keys that are.
 */
public final class JsonFields {
    private final String source;     // file name, for messages
    private final String path;       // dotted path of this object, "" at the top
    private final JsonObject object;
    private static final Gson PLAIN = new Gson();
    private final Set<String> known = new TreeSet<>();

    /** The largest config file read (a real one is a few hundred bytes). */
    public static final long MAX_CONFIG_BYTES = 1 << 20;

    /**
     * The top-level object of a config file, read strictly ({@link StrictJson}: a regular UTF-8
     * file of at most {@link #MAX_CONFIG_BYTES}, no duplicate keys, comments or NaN); messages name
     * the file by {@code file.getFileName()} as the field readers do.
     */
    public static JsonObject readObject(Path file) {
        return parseObject(file.getFileName() == null ? file.toString() : file.getFileName().toString(),
                StrictJson.readText(file, MAX_CONFIG_BYTES));
    }

    /** Config text parsed strictly; it must be one JSON object. */
    public static JsonObject parseObject(String source, String text) {
        JsonElement root = StrictJson.parse(source, text);
        if (!root.isJsonObject()) throw new BadInputException(source + ": the config must be a JSON object {...}");
        return root.getAsJsonObject();
    }

    public JsonFields(String source, String path, JsonObject object) {
        this.source = source;
        this.path = path;
        this.object = object;
    }

    private String where(String key) {
        return source + ": key '" + (path.isEmpty() ? key : path + "." + key) + "'";
    }

    private JsonElement get(String key) {
        known.add(key);
        JsonElement e = object.get(key);
        return e == null || e.isJsonNull() ? null : e;
    }

    public boolean has(String key) {
        return object.has(key) && !object.get(key).isJsonNull();
    }

    /** A number in [min, max] (inclusive), or the default when absent. */
    public double number(String key, double dflt, double min, double max) {
        JsonElement e = get(key);
        if (e == null) return dflt;
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw new BadInputException(where(key) + ": expected a number in [" + min + ", " + max + "], got " + e);
        }
        double v = e.getAsDouble();
        if (!(v >= min && v <= max)) {
            throw new BadInputException(where(key) + ": " + v + " is out of range; allowed [" + min + ", " + max + "]");
        }
        return v;
    }

    /** An integer in [min, max], or the default when absent. */
    public int integer(String key, int dflt, int min, int max) {
        JsonElement e = get(key);
        if (e == null) return dflt;
        BigDecimal v = integral(e);
        if (v == null) {
            throw new BadInputException(where(key) + ": expected an integer in [" + min + ", " + max + "], got " + e);
        }
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new BadInputException(where(key) + ": " + v.toPlainString() + " is out of range; allowed [" + min
                    + ", " + max + "]");
        }
        return v.intValueExact();
    }

    /** A 64-bit integer (seeds), or the default when absent; 1.5 and 1e30 are refused, not rounded or wrapped. */
    public long longInteger(String key, long dflt) {
        JsonElement e = get(key);
        if (e == null) return dflt;
        BigDecimal v = integral(e);
        if (v == null) {
            throw new BadInputException(where(key) + ": expected an integer, got " + e);
        }
        if (v.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 || v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new BadInputException(where(key) + ": " + e + " is out of range; allowed [" + Long.MIN_VALUE + ", "
                    + Long.MAX_VALUE + "]");
        }
        return v.longValueExact();
    }

    /**
     * The exact value of a JSON number that is an integer ({@code 3}, {@code 3.0}, {@code 3e2}),
     * or null for anything else ({@code 1.5}, a string, a list).
     */
    private static BigDecimal integral(JsonElement e) {
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) return null;
        BigDecimal v;
        try {
            v = e.getAsBigDecimal();
        } catch (NumberFormatException ex) {
            return null;
        }
        if (v.signum() == 0) return BigDecimal.ZERO;
        if (v.precision() - v.scale() > 40) return v.signum() > 0 ? TOO_BIG : TOO_BIG.negate();   // 1e1000000: no expansion
        BigDecimal stripped = v.stripTrailingZeros();
        return stripped.scale() <= 0 ? stripped.setScale(0) : null;
    }

    /** Stands for any integer too large for every field (so its exponent is never expanded). */
    private static final BigDecimal TOO_BIG = BigDecimal.TEN.pow(40);

    public boolean bool(String key, boolean dflt) {
        JsonElement e = get(key);
        if (e == null) return dflt;
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
            throw new BadInputException(where(key) + ": expected true or false, got " + e);
        }
        return e.getAsBoolean();
    }

    /** A string, or the default when absent. */
    public String string(String key, String dflt) {
        JsonElement e = get(key);
        if (e == null) return dflt;
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
            throw new BadInputException(where(key) + ": expected a string, got " + e);
        }
        return e.getAsString();
    }

    /** One of the allowed strings, or the default when absent. */
    public String choice(String key, String dflt, String... allowed) {
        String v = string(key, dflt);
        if (!Arrays.asList(allowed).contains(v)) {
            throw new BadInputException(where(key) + ": '" + v + "' is not allowed; allowed: "
                    + String.join(", ", allowed));
        }
        return v;
    }

    /** A list of integers, each in [min, max], or the default when absent. */
    public int[] intList(String key, int[] dflt, int min, int max) {
        JsonElement e = get(key);
        if (e == null) return dflt;
        if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw new BadInputException(where(key) + ": expected a non-empty list of integers, got " + e);
        }
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            BigDecimal v = integral(x);
            if (v == null || v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
                throw new BadInputException(where(key) + "[" + i + "]: expected an integer in [" + min + ", " + max
                        + "], got " + x);
            }
            out[i] = v.intValueExact();
        }
        return out;
    }

    /** A nested object as its own field reader, or null when absent. */
    public JsonFields object(String key) {
        JsonElement e = get(key);
        if (e == null) return null;
        if (!e.isJsonObject()) throw new BadInputException(where(key) + ": expected an object, got " + e);
        return new JsonFields(source, path.isEmpty() ? key : path + "." + key, e.getAsJsonObject());
    }

    /**
     * Every entry not read yet, as plain Java values (Double, String, Boolean, List), marking them
     * all known: for parameter maps that another component validates, such as a schedule's.
     */
    public Map<String, Object> remainingValues() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            if (known.contains(e.getKey())) continue;
            known.add(e.getKey());
            out.put(e.getKey(), PLAIN.fromJson(e.getValue(), Object.class));
        }
        return out;
    }

    /** Rejects any key that no read asked for, listing the keys that are allowed here. */
    public void rejectUnknown() {
        List<String> unknown = new ArrayList<>();
        for (String k : object.keySet()) if (!known.contains(k)) unknown.add(k);
        if (!unknown.isEmpty()) {
            throw new BadInputException(where(unknown.get(0)) + ": unknown key; allowed keys"
                    + (path.isEmpty() ? "" : " in '" + path + "'") + ": " + String.join(", ", known));
        }
    }

    public String source() {
        return source;
    }
}
