package dev.kiln.config;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kiln.error.BadInputException;

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
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())
                || e.getAsDouble() != Math.rint(e.getAsDouble())) {
            throw new BadInputException(where(key) + ": expected an integer in [" + min + ", " + max + "], got " + e);
        }
        double v = e.getAsDouble();
        if (v < min || v > max) {
            throw new BadInputException(where(key) + ": " + (long) v + " is out of range; allowed [" + min + ", "
                    + max + "]");
        }
        return (int) v;
    }

    /** A long integer (seeds), or the default when absent. */
    public long longInteger(String key, long dflt) {
        JsonElement e = get(key);
        if (e == null) return dflt;
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw new BadInputException(where(key) + ": expected an integer, got " + e);
        }
        return e.getAsLong();
    }

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
            if (!(x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber())
                    || x.getAsDouble() != Math.rint(x.getAsDouble()) || x.getAsDouble() < min || x.getAsDouble() > max) {
                throw new BadInputException(where(key) + "[" + i + "]: expected an integer in [" + min + ", " + max
                        + "], got " + x);
            }
            out[i] = x.getAsInt();
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
