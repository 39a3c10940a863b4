package dev.kiln.train;

import com.google.gson.JsonObject;
import dev.kiln.config.JsonFields;
import dev.kiln.error.BadInputException;
import dev.kiln.io.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every config parser does the same way: read a schedule object ({@code {"type": ...,
 * parameters...}}). Reading and strict parsing of the file itself is {@link JsonFields#readObject}.
 * Errors are bad input (exit code 2) that name the file and the key.
 */
public final class ConfigSource {
    private ConfigSource() {}

    /**
     * A schedule as a config names it.
     *
     * @param type   the toolkit type, e.g. "linear_warmup"
     * @param params its parameters, by key
     */
    public record Schedule(String type, Map<String, Object> params) {
        public Schedule {
            params = new LinkedHashMap<>(params);
        }

        /** {@code {"type": type, params...}}, as the parser reads it. */
        public JsonObject toJson() {
            JsonObject out = new JsonObject();
            out.addProperty("type", type);
            Json.tree(params).getAsJsonObject().entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
            return out;
        }
    }

    /**
     * The schedule object under {@code key} of {@code parent}, or {@code dflt} when the key is absent.
     * The type is required; the parameters are validated by the caller (which knows whether a
     * controller is allowed).
     *
     * @param name    the key's dotted name in messages, e.g. "prior.lambda"
     * @param allowed the allowed types, for the message of a missing type
     */
    public static Schedule schedule(JsonFields parent, String key, String name, Schedule dflt, String allowed) {
        JsonFields s = parent.object(key);
        if (s == null) return dflt;
        String type = s.string("type", null);
        if (type == null) {
            throw new BadInputException(parent.source() + ": key '" + name + ".type' is required; allowed: " + allowed);
        }
        return new Schedule(type, s.remainingValues());
    }
}
