package dev.kiln.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.Map;

/**
 * The one way kiln writes JSON: Gson without HTML escaping ({@code "λ=0.1"} stays {@code "λ=0.1"},
 * not {@code "λ\u003d0.1"}), and never a bare {@code NaN} or {@code Infinity}, which no JSON parser
 * accepts: every non-finite number becomes {@code null} (a metric that is undefined this epoch,
 * e.g. the accuracy of a colour absent from the validation split).
 *
 * <p>Gson writes a {@link JsonElement} tree leniently, NaN included, whatever the builder says; so
 * {@link #line} and {@link #pretty} first replace non-finite numbers by null ({@link #finite}).
 * {@link #tree} converts Java values (arrays, maps, records of numbers) the same way.
 */
public final class Json {
    private Json() {}

    /** One line, no HTML escaping, nulls kept (a key with an undefined value stays visible). */
    private static final Gson LINE = new GsonBuilder().disableHtmlEscaping().serializeNulls()
            .serializeSpecialFloatingPointValues().create();
    private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().serializeNulls().setPrettyPrinting()
            .serializeSpecialFloatingPointValues().create();

    /** The value as a JSON tree, non-finite numbers as null. */
    public static JsonElement tree(Object value) {
        return finite(LINE.toJsonTree(value));
    }

    /** The tree on one line (metrics.jsonl, checkpoint headers). */
    public static String line(JsonElement tree) {
        return LINE.toJson(finite(tree));
    }

    /** The tree indented (config.json, summary.json, comparison.json). */
    public static String pretty(JsonElement tree) {
        return PRETTY.toJson(finite(tree));
    }

    /** Reads a JSON tree into a Java value (e.g. a long[] generator state). */
    public static <T> T read(JsonElement tree, Class<T> type) {
        return LINE.fromJson(tree, type);
    }

    /**
     * The tree with every non-finite number replaced by null; the tree itself when it holds none
     * (so the common case copies nothing), otherwise a copy.
     */
    public static JsonElement finite(JsonElement e) {
        if (!hasNonFinite(e)) return e;
        if (e.isJsonPrimitive()) return JsonNull.INSTANCE;
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            for (JsonElement x : e.getAsJsonArray()) out.add(finite(x));
            return out;
        }
        JsonObject out = new JsonObject();
        for (Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) out.add(x.getKey(), finite(x.getValue()));
        return out;
    }

    /** A copy of the object with non-finite numbers as null (the type kept for callers that add keys). */
    public static JsonObject finite(JsonObject o) {
        return (JsonObject) finite((JsonElement) o);
    }

    private static boolean hasNonFinite(JsonElement e) {
        if (e == null || e.isJsonNull()) return false;
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            return p.isNumber() && !Double.isFinite(p.getAsDouble());
        }
        if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) if (hasNonFinite(x)) return true;
            return false;
        }
        for (Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) if (hasNonFinite(x.getValue())) return true;
        return false;
    }
}
