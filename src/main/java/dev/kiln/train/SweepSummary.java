package dev.kiln.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Json;
import dev.kiln.report.Comparison;
import dev.kiln.report.SweepReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's own summary, over every point of the plan whose run has finished (whichever shard ran
 * it): {@code sweep.json} (the plan's points and their directories), the comparison files and
 * {@code report.html} ({@link Comparison}, {@link SweepReport}).
 */
public final class SweepSummary {
    public static final String PLAN = "sweep.json";

    private SweepSummary() {}

    /** Writes sweep.json: the plan's name, seeds and every point with its directory and resolved config. */
    public static void writePlan(SweepPlan plan, List<SweepPlan.Point> points, Path out) {
        JsonObject o = new JsonObject();
        o.addProperty("name", plan.name());
        o.addProperty("description", plan.description());
        JsonArray seeds = new JsonArray();
        plan.seeds().forEach(seeds::add);
        o.add("seeds", seeds);
        JsonArray ps = new JsonArray();
        for (SweepPlan.Point p : points) {
            JsonObject j = new JsonObject();
            j.addProperty("configuration", p.configuration().name());
            j.addProperty("seed", p.seed());
            j.addProperty("dir", p.dir());
            j.add("config", p.config().toJson());
            ps.add(j);
        }
        o.add("points", ps);
        AtomicFiles.writeString(out.resolve(PLAN), Json.pretty(o));
    }

    /**
     * Summarizes the finished points (in plan order) and writes the comparison and the report.
     *
     * @param notes paragraphs for the top of the report
     * @return the comparison, or null when no point has finished yet
     */
    public static Comparison write(SweepPlan plan, List<SweepPlan.Point> points, Path out, List<String> notes) {
        List<Comparison.Run> runs = new ArrayList<>();
        for (SweepPlan.Point p : points) {
            Path dir = out.resolve(p.dir());
            if (Files.exists(dir.resolve(RunDirectory.SUMMARY))) runs.add(Comparison.readRun(dir));
        }
        if (runs.isEmpty()) return null;
        Comparison c = Comparison.of(runs);
        c.write(out, plan.name());
        List<String> all = new ArrayList<>();
        if (!plan.description().isEmpty()) all.add(plan.description());
        all.addAll(notes);
        if (runs.size() < points.size()) {
            all.add(runs.size() + " of the sweep's " + points.size() + " runs have finished; the table covers those.");
        }
        Map<String, String> described = new LinkedHashMap<>();
        for (SweepPlan.Configuration conf : plan.configurations()) {
            List<String> sets = new ArrayList<>();
            for (var s : conf.set()) sets.add(s.key() + " = " + s.value());
            String d = conf.description().isEmpty() ? "" : conf.description() + " ";
            described.put(conf.name(), d + (sets.isEmpty() ? "(the base config)" : "Overrides: " + String.join("; ", sets)));
        }
        SweepReport.write(c, out, new SweepReport.Page(plan.name(), all, described));
        return c;
    }
}
