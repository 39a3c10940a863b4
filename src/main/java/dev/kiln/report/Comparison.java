package dev.kiln.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.error.BadInputException;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs compared as a researcher reads them: grouped by configuration (the resolved config.json
 * without its seed), with the mean ± sd and a 95% interval over seeds ({@link Stats}) of each
 * final metric, the minimum KL/dim over the evaluated epochs, and how many seeds collapsed and
 * when. Written as {@code comparison.md}, {@code comparison.json}, and for pandas
 * {@code runs.csv} (one row per run) and {@code metrics.csv} (one row per run and epoch).
 */
public final class Comparison {

    /** The metrics summarized per group: key in the JSON, column title, whether shown as a percentage. */
    public record Metric(String key, String title, boolean percent) {}

    public static final List<Metric> METRICS = List.of(
            new Metric("beta", "final β", false),
            new Metric("kl_per_dim_mean", "KL/dim", false),
            new Metric("kl_per_dim_min", "min KL/dim", false),
            new Metric("active_units", "active units", false),
            new Metric("non_black_acc", "non-black acc", true),
            new Metric("majority_share", "majority share", true));

    /** The per-epoch columns of metrics.csv, in metrics.jsonl's key names. */
    public static final List<String> EPOCH_COLUMNS = List.of("epoch", "beta", "recon", "loss", "kl_raw", "kl_after",
            "kl_per_dim_mean", "active_units", "mutual_information", "accuracy", "non_black_acc", "majority_share",
            "val_recon_ce", "collapse", "epoch_seconds");

    /** One run directory as read back. */
    public record Run(Path dir, String name, long seed, JsonObject config, JsonObject summary, List<JsonObject> epochs) {
        /** A final metric, or the minimum of KL/dim over evaluated epochs; NaN when absent. */
        public double metric(String key) {
            if (key.equals("kl_per_dim_min")) {
                double min = Double.NaN;
                for (JsonObject e : epochs) {
                    if (e.has("kl_per_dim_mean")) {
                        double v = e.get("kl_per_dim_mean").getAsDouble();
                        min = Double.isNaN(min) ? v : Math.min(min, v);
                    }
                }
                return min;
            }
            JsonObject f = summary.has("final") ? summary.getAsJsonObject("final") : new JsonObject();
            return f.has(key) && !f.get(key).isJsonNull() ? f.get(key).getAsDouble() : Double.NaN;
        }

        /** The epoch the collapse detector first fired at, or null. */
        public Integer collapseEpoch() {
            JsonElement e = summary.get("collapse_epoch");
            return e == null || e.isJsonNull() ? null : e.getAsInt();
        }
    }

    /** Runs of one configuration, over seeds. */
    public record Group(String name, JsonObject config, List<Run> runs) {
        public Stats stats(String key) {
            double[] v = new double[runs.size()];
            for (int i = 0; i < v.length; i++) v[i] = runs.get(i).metric(key);
            return Stats.of(v);
        }

        public int collapsed() {
            int n = 0;
            for (Run r : runs) if (r.collapseEpoch() != null) n++;
            return n;
        }

        /** Collapse epochs over the seeds that collapsed. */
        public Stats collapseEpoch() {
            List<Double> v = new ArrayList<>();
            for (Run r : runs) if (r.collapseEpoch() != null) v.add((double) r.collapseEpoch());
            return Stats.of(v.stream().mapToDouble(Double::doubleValue).toArray());
        }

        public List<Long> seeds() {
            return runs.stream().map(Run::seed).toList();
        }
    }

    private final List<Group> groups;

    private Comparison(List<Group> groups) {
        this.groups = List.copyOf(groups);
    }

    public List<Group> groups() {
        return groups;
    }

    /** Groups runs by their config without the seed, in the order their first run is given. */
    public static Comparison of(List<Run> runs) {
        Map<JsonObject, List<Run>> byConfig = new LinkedHashMap<>();
        for (Run r : runs) {
            JsonObject key = r.config().deepCopy();
            key.remove("seed");
            byConfig.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<Group> groups = new ArrayList<>();
        Map<String, Integer> used = new LinkedHashMap<>();
        for (Map.Entry<JsonObject, List<Run>> e : byConfig.entrySet()) {
            String name = e.getValue().get(0).name();
            int k = used.merge(name, 1, Integer::sum);
            groups.add(new Group(k == 1 ? name : name + " (" + k + ")", e.getKey(), e.getValue()));
        }
        return new Comparison(groups);
    }

    /**
     * Reads run directories. A directory without summary.json but with run directories below it
     * (a sweep's output) stands for all of them, in path order.
     */
    public static List<Run> read(List<Path> dirs) {
        List<Run> out = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) throw new BadInputException(d + ": not a directory");
            if (Files.exists(d.resolve("summary.json"))) {
                out.add(readRun(d));
                continue;
            }
            List<Path> below;
            try (Stream<Path> s = Files.walk(d)) {
                below = s.filter(p -> p.getFileName().toString().equals("summary.json")).map(Path::getParent)
                        .sorted().toList();
            } catch (IOException e) {
                throw new BadInputException(d + ": cannot list: " + e.getMessage(), e);
            }
            if (below.isEmpty()) throw new BadInputException(d + ": no summary.json here or below; not a run directory");
            for (Path p : below) out.add(readRun(p));
        }
        return out;
    }

    /** Reads one run directory: summary.json, config.json and metrics.jsonl. */
    public static Run readRun(Path dir) {
        JsonObject summary = readObject(dir.resolve("summary.json"));
        JsonObject config = readObject(dir.resolve("config.json"));
        List<JsonObject> epochs = new ArrayList<>();
        Path metrics = dir.resolve("metrics.jsonl");
        if (Files.exists(metrics)) {
            try {
                int n = 0;
                for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                    n++;
                    if (line.isBlank()) continue;
                    try {
                        epochs.add(JsonParser.parseString(line).getAsJsonObject());
                    } catch (RuntimeException e) {
                        throw new BadInputException(metrics + ": line " + n + " is not a JSON object", e);
                    }
                }
            } catch (IOException e) {
                throw new BadInputException(metrics + ": cannot read: " + e.getMessage(), e);
            }
        }
        String name = config.has("name") ? config.get("name").getAsString() : dir.getFileName().toString();
        long seed = config.has("seed") ? config.get("seed").getAsLong() : 0;
        return new Run(dir, name, seed, config, summary, epochs);
    }

    private static JsonObject readObject(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new BadInputException(file + ": not a JSON object: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------ outputs

    /** {@code mean ± sd [lo, hi]}, or the single value, or "—". */
    static String cell(Stats s, boolean percent, int decimals) {
        if (s.n() == 0) return "—";
        double k = percent ? 100 : 1;
        String unit = percent ? "%" : "";
        String f = "%." + decimals + "f";
        String mean = String.format(Locale.ROOT, f, k * s.mean()) + unit;
        if (s.n() == 1) return mean;
        return mean + " ± " + String.format(Locale.ROOT, f, k * s.sd()) + " ["
                + String.format(Locale.ROOT, f, k * s.ciLow()) + ", " + String.format(Locale.ROOT, f, k * s.ciHigh())
                + "]";
    }

    private static int decimals(Metric m) {
        return m.percent() ? 1 : m.key().equals("active_units") ? 1 : 3;
    }

    /** The table as Markdown: one row per configuration. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| configuration | seeds |");
        for (Metric m : METRICS) sb.append(' ').append(m.title()).append(" |");
        sb.append(" collapsed | collapse epoch |\n|---|---|");
        for (int i = 0; i < METRICS.size(); i++) sb.append("---|");
        sb.append("---|---|\n");
        for (Group g : groups) {
            sb.append("| ").append(g.name()).append(" | ").append(g.runs().size()).append(" |");
            for (Metric m : METRICS) sb.append(' ').append(cell(g.stats(m.key()), m.percent(), decimals(m))).append(" |");
            sb.append(' ').append(g.collapsed()).append('/').append(g.runs().size()).append(" | ")
                    .append(g.collapsed() == 0 ? "none" : cell(g.collapseEpoch(), false, 1)).append(" |\n");
        }
        sb.append("\nEach cell: mean ± sd [95% interval of the mean, Student's t] over seeds, on the validation "
                + "split at the last epoch; min KL/dim is the lowest over the evaluated epochs; collapsed counts the "
                + "seeds whose collapse detector fired, and collapse epoch averages the first epoch it fired over "
                + "those seeds.\n");
        return sb.toString();
    }

    /** The table as JSON: per group its seeds, run directories and every statistic. */
    public JsonArray json() {
        JsonArray out = new JsonArray();
        for (Group g : groups) {
            JsonObject o = new JsonObject();
            o.addProperty("name", g.name());
            JsonArray seeds = new JsonArray();
            g.seeds().forEach(seeds::add);
            o.add("seeds", seeds);
            JsonArray dirs = new JsonArray();
            g.runs().forEach(r -> dirs.add(r.dir().toString()));
            o.add("runs", dirs);
            for (Metric m : METRICS) o.add(m.key(), statsJson(g.stats(m.key())));
            o.addProperty("collapsed", g.collapsed());
            o.addProperty("collapsed_fraction", (double) g.collapsed() / g.runs().size());
            o.add("collapse_epoch", statsJson(g.collapseEpoch()));
            o.add("config", g.config());
            out.add(o);
        }
        return out;
    }

    private static JsonObject statsJson(Stats s) {
        JsonObject o = new JsonObject();
        o.addProperty("n", s.n());
        put(o, "mean", s.mean());
        put(o, "sd", s.sd());
        JsonArray ci = new JsonArray();
        if (Double.isNaN(s.ciLow())) ci.add(JsonNull.INSTANCE); else ci.add(s.ciLow());
        if (Double.isNaN(s.ciHigh())) ci.add(JsonNull.INSTANCE); else ci.add(s.ciHigh());
        o.add("ci95", ci);
        return o;
    }

    private static void put(JsonObject o, String k, double v) {
        if (Double.isNaN(v)) o.add(k, JsonNull.INSTANCE); else o.addProperty(k, v);
    }

    /** runs.csv: one row per run, its final metrics. */
    public String runsCsv() {
        StringBuilder sb = new StringBuilder("configuration,seed,dir,status,epochs");
        for (Metric m : METRICS) sb.append(',').append(m.key());
        sb.append(",collapse_epoch\n");
        for (Group g : groups) {
            for (Run r : g.runs()) {
                sb.append(csv(g.name())).append(',').append(r.seed()).append(',').append(csv(r.dir().toString()))
                        .append(',').append(csv(r.summary().has("status") ? r.summary().get("status").getAsString() : ""))
                        .append(',').append(r.epochs().size());
                for (Metric m : METRICS) sb.append(',').append(num(r.metric(m.key())));
                sb.append(',').append(r.collapseEpoch() == null ? "" : r.collapseEpoch()).append('\n');
            }
        }
        return sb.toString();
    }

    /** metrics.csv: one row per run and epoch (empty cells where an epoch was not evaluated). */
    public String metricsCsv() {
        StringBuilder sb = new StringBuilder("configuration,seed");
        for (String c : EPOCH_COLUMNS) sb.append(',').append(c);
        sb.append('\n');
        for (Group g : groups) {
            for (Run r : g.runs()) {
                for (JsonObject e : r.epochs()) {
                    sb.append(csv(g.name())).append(',').append(r.seed());
                    for (String c : EPOCH_COLUMNS) {
                        sb.append(',');
                        JsonElement v = e.get(c);
                        if (v == null || v.isJsonNull()) continue;
                        if (v.getAsJsonPrimitive().isBoolean()) sb.append(v.getAsBoolean());
                        else sb.append(num(v.getAsDouble()));
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** The JSON table as pretty-printed text. */
    public static String toJson(Comparison c) {
        return Json.pretty(c.json());
    }

    /** Writes comparison.md (with a title line), comparison.json, runs.csv and metrics.csv into {@code out}. */
    public void write(Path out, String title) {
        AtomicFiles.writeString(out.resolve("comparison.md"), "# " + title + "\n\n" + markdown());
        AtomicFiles.writeString(out.resolve("comparison.json"), Json.pretty(json()));
        AtomicFiles.writeString(out.resolve("runs.csv"), runsCsv());
        AtomicFiles.writeString(out.resolve("metrics.csv"), metricsCsv());
    }
}
