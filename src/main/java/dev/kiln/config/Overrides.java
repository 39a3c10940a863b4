package dev.kiln.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.kiln.error.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Command-line edits of a JSON config: {@code --set key.path=value}, applied to the JSON tree
 * before the config's normal parse, so that an override is validated exactly like the same key in
 * the file (an unknown key or a bad value is refused by the parser, naming the key).
 *
 * <p>The value is read as JSON when it looks like JSON (a number, {@code true}, {@code false},
 * {@code null}, or text starting with {@code {}, {@code [} or a double quote), and as a plain
 * string otherwise, so {@code loss=focal} and {@code loss="focal"} mean the same. {@code null}
 * removes the key, which gives it back its default. Missing objects on the path are created
 * ({@code free_bits.lambda=0.1} in a config without {@code free_bits}); a path through a value
 * that is not an object is refused.
 */
public final class Overrides {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_]+");

    /** One {@code key.path=value} edit; {@code text} is what the user wrote, for messages. */
    public record Override(List<String> path, JsonElement value, String text) {
        public Override {
            path = List.copyOf(path);
        }

        public String key() {
            return String.join(".", path);
        }
    }

    private Overrides() {}

    /** Parses {@code key.path=value}; {@code option} names the flag in messages (e.g. "--set"). */
    public static Override parse(String option, String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new BadInputException(option + " '" + arg + "': expected key.path=value, e.g. "
                    + "free_bits.lambda=0.1 or loss=focal");
        }
        String key = arg.substring(0, eq);
        List<String> path = List.of(key.split("\\.", -1));
        for (String s : path) {
            if (!SEGMENT.matcher(s).matches()) {
                throw new BadInputException(option + " '" + arg + "': key '" + key + "' is not a dotted path of "
                        + "names (letters, digits, _)");
            }
        }
        return new Override(path, value(option, arg, arg.substring(eq + 1)), arg);
    }

    /** Parses every argument with {@link #parse}. */
    public static List<Override> parseAll(String option, List<String> args) {
        List<Override> out = new ArrayList<>();
        for (String a : args) out.add(parse(option, a));
        return out;
    }

    /** The overrides of a JSON object of dotted keys (a sweep plan's {@code "set"}), in file order. */
    public static List<Override> fromObject(String where, JsonObject set) {
        List<Override> out = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : set.entrySet()) {
            List<String> path = List.of(e.getKey().split("\\.", -1));
            for (String s : path) {
                if (!SEGMENT.matcher(s).matches()) {
                    throw new BadInputException(where + ": key '" + e.getKey() + "' is not a dotted path of names "
                            + "(letters, digits, _)");
                }
            }
            out.add(new Override(path, e.getValue(), e.getKey() + "=" + e.getValue()));
        }
        return out;
    }

    /** The value part: JSON when it looks like JSON, else the text as a string. */
    static JsonElement value(String option, String arg, String raw) {
        boolean json = NUMBER.matcher(raw).matches() || raw.equals("true") || raw.equals("false")
                || raw.equals("null") || raw.startsWith("{") || raw.startsWith("[") || raw.startsWith("\"");
        if (!json) return new JsonPrimitive(raw);
        try {
            return JsonParser.parseString(raw);
        } catch (JsonParseException e) {
            throw new BadInputException(option + " '" + arg + "': the value is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** A copy of {@code root} with the overrides applied in order (later ones win). */
    public static JsonObject apply(JsonObject root, List<Override> overrides) {
        JsonObject out = root.deepCopy();
        for (Override o : overrides) {
            JsonObject at = out;
            for (int i = 0; i < o.path().size() - 1; i++) {
                String seg = o.path().get(i);
                JsonElement next = at.get(seg);
                if (next == null || next.isJsonNull()) {
                    next = new JsonObject();
                    at.add(seg, next);
                } else if (!next.isJsonObject()) {
                    throw new BadInputException("'" + o.text() + "': key '" + String.join(".", o.path().subList(0, i + 1))
                            + "' is " + next + ", not an object, so it has no key '" + o.path().get(i + 1) + "'");
                }
                at = next.getAsJsonObject();
            }
            String last = o.path().get(o.path().size() - 1);
            if (o.value().isJsonNull()) at.remove(last);
            else at.add(last, o.value().deepCopy());
        }
        return out;
    }

    /** How a config source is named in messages once overrides are applied: "naive.json with --set loss=ce". */
    public static String describe(String source, List<Override> overrides) {
        if (overrides.isEmpty()) return source;
        List<String> texts = new ArrayList<>();
        for (Override o : overrides) texts.add(o.text());
        return source + " with " + String.join(", ", texts);
    }

    /** Reads a JSON config file as a tree, to apply overrides to; errors name the file and the OS reason. */
    public static JsonObject readObject(Path file) {
        return JsonFields.readObject(file);                 // the strict reader every config goes through
    }

    /** {@code seed=N} as an override (the {@code --seed} flag). */
    public static Override seed(long seed) {
        return new Override(List.of("seed"), new JsonPrimitive(seed), "seed=" + seed);
    }
}
