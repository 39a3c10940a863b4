package dev.kiln.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kiln.config.JsonFields;
import dev.kiln.config.Overrides;
import dev.kiln.error.BadInputException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A sweep: a base config, a list of named configurations (each a set of overrides of the base),
 * and a list of seeds; every configuration × seed is one training run, in
 * {@code OUT/<configuration>/seed_<seed>/}. As a file ({@code kiln sweep --plan FILE}):
 * <pre>
 * {
 *   "name": "collapse_demo",                       // title of the summary and the report
 *   "description": "…",                            // optional, shown in the report
 *   "base": { …a training config… },
 *   "seeds": [1, 2, 3],
 *   "configurations": [                            // optional; default: the base alone
 *     {"name": "naive", "description": "…", "set": {"schedule.max_beta": 2.0, "loss": "ce"}}
 *   ]
 * }
 * </pre>
 * The keys of {@code "set"} are dotted paths, applied like {@code --set} ({@link Overrides}). Every
 * point is validated as a training config when the plan is built, so a bad key or value in any
 * configuration is refused before the first run starts.
 *
 * @param name           the sweep's name
 * @param description    what it tests ("" when none)
 * @param base           the base config, as JSON
 * @param configurations in table order
 * @param seeds          in order, distinct
 */
public record SweepPlan(String name, String description, JsonObject base, List<Configuration> configurations,
                        List<Long> seeds) {

    /** One configuration: its name (also the run name in its configs) and its overrides of the base. */
    public record Configuration(String name, String description, List<Overrides.Override> set) {
        public Configuration {
            set = List.copyOf(set);
        }
    }

    /** One run: a configuration at a seed, its validated config, and its directory under the sweep's OUT. */
    public record Point(Configuration configuration, long seed, TrainConfig config, String dir) {}

    public SweepPlan {
        base = base.deepCopy();
        configurations = List.copyOf(configurations);
        seeds = List.copyOf(seeds);
        if (configurations.isEmpty()) throw new BadInputException(name + ": a sweep needs at least one configuration");
        if (seeds.isEmpty()) throw new BadInputException(name + ": a sweep needs at least one seed");
        if (new LinkedHashSet<>(seeds).size() != seeds.size()) {
            throw new BadInputException(name + ": seeds must be distinct, got " + seeds);
        }
        Set<String> names = new LinkedHashSet<>();
        for (Configuration c : configurations) {
            if (!names.add(c.name())) throw new BadInputException(name + ": configuration '" + c.name() + "' appears twice");
            if (!c.name().matches("[A-Za-z0-9._=,+-]+")) {
                throw new BadInputException(name + ": configuration name '" + c.name() + "' may hold only letters, "
                        + "digits and . _ = , + - (it names a directory)");
            }
        }
    }

    /** A plan of the base config alone. */
    public static SweepPlan ofBase(JsonObject base, String baseName, List<Long> seeds) {
        return new SweepPlan(baseName, "", base, List.of(new Configuration(safe(baseName), "", List.of())), seeds);
    }

    /** Parses a plan file; {@code source} names it in messages. */
    public static SweepPlan parse(String source, String text) {
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new BadInputException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) throw new BadInputException(source + ": a sweep plan must be a JSON object");
        JsonObject o = root.getAsJsonObject().deepCopy();
        JsonElement cs = o.remove("configurations");   // a list of objects, read below
        JsonFields f = new JsonFields(source, "", o);
        String name = f.string("name", "sweep");
        String description = f.string("description", "");
        if (f.object("base") == null) throw new BadInputException(source + ": key 'base' (a training config) is required");
        JsonObject base = o.getAsJsonObject("base");
        int[] seedList = f.intList("seeds", new int[] {1}, 0, Integer.MAX_VALUE);
        List<Configuration> configurations = new ArrayList<>();
        if (cs == null || cs.isJsonNull()) {
            configurations.add(new Configuration(safe(name), "", List.of()));
        } else {
            if (!cs.isJsonArray() || cs.getAsJsonArray().isEmpty()) {
                throw new BadInputException(source + ": key 'configurations': expected a non-empty list of objects");
            }
            JsonArray a = cs.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                String where = source + ": configurations[" + i + "]";
                if (!a.get(i).isJsonObject()) throw new BadInputException(where + ": expected an object");
                JsonFields c = new JsonFields(source, "configurations[" + i + "]", a.get(i).getAsJsonObject());
                String cname = c.string("name", null);
                if (cname == null) throw new BadInputException(where + ": key 'name' is required");
                String cdesc = c.string("description", "");
                JsonFields set = c.object("set");
                List<Overrides.Override> overrides = set == null ? List.of()
                        : Overrides.fromObject(where + ".set", a.get(i).getAsJsonObject().getAsJsonObject("set"));
                c.rejectUnknown();
                configurations.add(new Configuration(cname, cdesc, overrides));
            }
        }
        f.rejectUnknown();
        List<Long> seeds = new ArrayList<>();
        for (int s : seedList) seeds.add((long) s);
        return new SweepPlan(name, description, base, configurations, seeds);
    }

    /** A copy with other seeds. */
    public SweepPlan withSeeds(List<Long> newSeeds) {
        return new SweepPlan(name, description, base, configurations, newSeeds);
    }

    /** A copy with overrides applied to the base (before each configuration's own). */
    public SweepPlan withBaseOverrides(List<Overrides.Override> overrides) {
        return new SweepPlan(name, description, Overrides.apply(base, overrides), configurations, seeds);
    }

    /**
     * A copy where every configuration is crossed with every combination of the grid's values:
     * axis {@code key=v1,v2} × axis {@code key2=w1,w2} gives four children per configuration,
     * named {@code parent,key=v1,key2=w1} (just {@code key=v1,key2=w1} for a plan of the base alone).
     */
    public SweepPlan withGrid(List<Axis> grid) {
        if (grid.isEmpty()) return this;
        List<Configuration> out = new ArrayList<>();
        boolean single = configurations.size() == 1 && configurations.get(0).set().isEmpty();
        for (Configuration c : configurations) {
            List<List<Overrides.Override>> combos = new ArrayList<>();
            combos.add(List.of());
            for (Axis axis : grid) {
                List<List<Overrides.Override>> next = new ArrayList<>();
                for (List<Overrides.Override> combo : combos) {
                    for (Overrides.Override v : axis.values()) {
                        List<Overrides.Override> l = new ArrayList<>(combo);
                        l.add(v);
                        next.add(l);
                    }
                }
                combos = next;
            }
            for (List<Overrides.Override> combo : combos) {
                List<String> parts = new ArrayList<>();
                if (!single) parts.add(c.name());
                for (Overrides.Override o : combo) parts.add(safe(o.key() + "=" + o.value().toString().replace("\"", "")));
                List<Overrides.Override> set = new ArrayList<>(c.set());
                set.addAll(combo);
                out.add(new Configuration(String.join(",", parts), c.description(), set));
            }
        }
        return new SweepPlan(name, description, base, out, seeds);
    }

    /** One axis of a grid: a key and the values it takes, from {@code --grid key=v1,v2,…}. */
    public record Axis(String key, List<Overrides.Override> values) {
        /** Parses {@code key=v1,v2,…}; commas inside brackets, braces or quotes do not split. */
        public static Axis parse(String arg) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || eq == arg.length() - 1) {
                throw new BadInputException("--grid '" + arg + "': expected key.path=value1,value2,… "
                        + "e.g. free_bits.lambda=0,0.05,0.1");
            }
            String key = arg.substring(0, eq);
            List<Overrides.Override> values = new ArrayList<>();
            for (String v : splitTopLevel(arg.substring(eq + 1))) values.add(Overrides.parse("--grid", key + "=" + v));
            return new Axis(key, values);
        }

        static List<String> splitTopLevel(String s) {
            List<String> out = new ArrayList<>();
            int depth = 0, start = 0;
            boolean quoted = false;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' && (i == 0 || s.charAt(i - 1) != '\\')) quoted = !quoted;
                else if (!quoted && (ch == '{' || ch == '[')) depth++;
                else if (!quoted && (ch == '}' || ch == ']')) depth--;
                else if (!quoted && depth == 0 && ch == ',') {
                    out.add(s.substring(start, i));
                    start = i + 1;
                }
            }
            out.add(s.substring(start));
            return out;
        }
    }

    /**
     * Every point, configuration by configuration and seed by seed, each validated as a training
     * config: the base, then the configuration's overrides, then its name and the seed.
     */
    public List<Point> points(String source) {
        List<Point> out = new ArrayList<>();
        for (Configuration c : configurations) {
            for (long seed : seeds) {
                List<Overrides.Override> set = new ArrayList<>(c.set());
                set.add(Overrides.parse("name", "name=\"" + c.name() + "\""));
                set.add(Overrides.seed(seed));
                JsonObject tree = Overrides.apply(base, set);
                String where = source + " configuration '" + c.name() + "' seed " + seed;
                TrainConfig cfg = TrainConfig.parse(where, tree.toString());
                out.add(new Point(c, seed, cfg, c.name() + "/seed_" + seed));
            }
        }
        return out;
    }

    /** A name made safe for a directory: anything but letters, digits and . _ = , + - becomes '_'. */
    static String safe(String s) {
        String out = s.replaceAll("[^A-Za-z0-9._=,+-]", "_");
        return out.isEmpty() ? "run" : out;
    }
}
