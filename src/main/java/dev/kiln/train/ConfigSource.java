package dev.kiln.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kiln.config.JsonFields;
import dev.kiln.error.BadInputException;
import dev.kiln.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every config parser does the same way: read the file, parse the JSON object, and read a
 * schedule object ({@code {"type": ..., parameters...}}). Errors are bad input (exit code 2) that
 * name the file, the key and, for a read failure, the OS reason.
 */
public final class ConfigSource {
    private ConfigSource() {}

    /** The text of a config file. */
    public static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read config: " + e.getMessage(), e);
        }
    }

    /** The JSON object of config text; {@code source} names it in messages. */
    public static JsonObject readObject(String source, String text) {
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new BadInputException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) throw new BadInputException(source + ": the config must be a JSON object");
        return root.getAsJsonObject();
    }

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
