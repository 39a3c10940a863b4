package dev.kiln.train;

import com.google.gson.JsonObject;
import dev.kiln.error.BadInputException;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a sweep's points on a pool of local worker threads, one training run per point in
 * {@code OUT/<configuration>/seed_<seed>/}, each run's console in its own {@code train.log}.
 *
 * <p>Resumable: a point whose run directory holds a summary of all its epochs is skipped; one with
 * a checkpoint (an interrupted run) is resumed from it, bit-identically; the rest start fresh. A
 * directory that holds a run of another config is refused before anything runs, so nothing of the
 * user's is overwritten.
 *
 * <p>Threads: all runs in the process share the fast backend's one kernel pool (cores − 1 helper
 * threads, the calling thread working too), so W workers keep at most W + cores − 1 threads busy.
 * One worker already uses every core for the large layers; more workers fill the gaps that small
 * layers and the per-epoch evaluation leave. The default, one worker per 4 cores, keeps that
 * oversubscription mild.
 */
public final class SweepRunner {
    public static final String LOG = "train.log";

    /** What happened to one point: "skipped" (already done), "completed", "diverged" or "failed". */
    public record Outcome(SweepPlan.Point point, String state, double seconds, String message) {}

    private SweepRunner() {}

    /** Workers by default: one per 4 available processors, at least one. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
    }

    /**
     * A sweep checked and its data loaded, before anything is written: every run directory takes
     * its point (absent, empty, resumable, or done with the same config), and the data loads.
     *
     * @param data the grids of each point
     */
    public record Prepared(List<SweepPlan.Point> points, Path out, Map<SweepPlan.Point, ArcData> data) {}

    /**
     * Checks {@code points} (a shard of the plan's) against {@code out} and loads their data,
     * touching nothing.
     *
     * @param dataDir an ARC directory, or null for the synthetic grids each config asks for
     */
    public static Prepared prepare(List<SweepPlan.Point> points, Path out, Path dataDir) {
        // Each run chooses its backend for its own worker thread (Backends.use in Loop.run), so points
        // may mix backends.
        ArcData arc = dataDir == null ? null : ArcData.load(dataDir, 0);
        for (SweepPlan.Point p : points) requireSameConfigOrNone(out.resolve(p.dir()), p.config());
        Map<Integer, ArcData> synthetic = new HashMap<>();
        Map<SweepPlan.Point, ArcData> data = new java.util.LinkedHashMap<>();
        for (SweepPlan.Point p : points) {
            data.put(p, arc != null ? arc : synthetic.computeIfAbsent(p.config().syntheticGrids(), n -> ArcData.load(null, n)));
        }
        return new Prepared(points, out, data);
    }

    /** {@link #prepare}, then {@link #run(Prepared, int, PrintStream)}. */
    public static List<Outcome> run(List<SweepPlan.Point> points, Path out, Path dataDir, int workers,
                                    PrintStream console) {
        if (workers < 1) throw new BadInputException("--workers must be ≥ 1, got " + workers);
        return run(prepare(points, out, dataDir), workers, console);
    }

    /** Trains every prepared point on {@code workers} threads; a done run is skipped, an interrupted one resumed. */
    public static List<Outcome> run(Prepared prepared, int workers, PrintStream console) {
        if (workers < 1) throw new BadInputException("--workers must be ≥ 1, got " + workers);
        List<SweepPlan.Point> points = prepared.points();
        Path out = prepared.out();
        AtomicInteger started = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "kiln-sweep-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (SweepPlan.Point p : points) {
                ArcData data = prepared.data().get(p);
                futures.add(pool.submit(() -> one(p, out.resolve(p.dir()), data, points.size(), started, console)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("sweep interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a sweep worker failed", e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether the directory holds a finished run of {@code cfg}: a summary covering all its epochs. */
    public static boolean isDone(Path dir, TrainConfig cfg) {
        Path summary = dir.resolve(RunDirectory.SUMMARY);
        if (!Files.exists(summary)) return false;
        JsonObject s = read(summary);
        String status = s.get("status").getAsString();
        return "diverged".equals(status) || s.get("epochs").getAsInt() >= cfg.epochs();
    }

    private static Outcome one(SweepPlan.Point p, Path dir, ArcData data, int total, AtomicInteger started,
                               PrintStream console) {
        String label = p.configuration().name() + " seed " + p.seed();
        if (isDone(dir, p.config())) {
            synchronized (console) {
                console.printf(Locale.ROOT, "[%d/%d] %s: done before, skipped%n", started.incrementAndGet(), total, label);
            }
            return new Outcome(p, "skipped", 0, "");
        }
        boolean resuming = Files.exists(dir.resolve(RunDirectory.CHECKPOINT));
        synchronized (console) {
            console.printf(Locale.ROOT, "[%d/%d] %s: %s%n", started.incrementAndGet(), total, label,
                    resuming ? "resuming from its checkpoint" : "started");
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir);
            try (PrintStream log = new PrintStream(new FileOutputStream(dir.resolve(LOG).toFile(), true), true,
                    StandardCharsets.UTF_8)) {
                Loop.Result r = new Trainer(p.config(), data.grids(), data.description(), dir, log, false).run(true);
                double seconds = (System.nanoTime() - t0) / 1e9;
                String state = r.summary().get("status").getAsString();
                String line = describe(r.summary());
                synchronized (console) {
                    console.printf(Locale.ROOT, "      %s: %s in %.0f s: %s%n", label, state, seconds, line);
                }
                return new Outcome(p, state, seconds, line);
            }
        } catch (IOException | RuntimeException e) {
            double seconds = (System.nanoTime() - t0) / 1e9;
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            synchronized (console) {
                console.printf(Locale.ROOT, "      %s: failed after %.0f s: %s (log: %s)%n", label, seconds, msg,
                        dir.resolve(LOG));
            }
            return new Outcome(p, "failed", seconds, msg);
        }
    }

    private static String describe(JsonObject summary) {
        if (!summary.has("final")) return "no epoch finished";
        JsonObject f = summary.getAsJsonObject("final");
        return String.format(Locale.ROOT, "β %.3f, KL/dim %.3f, non-black acc %.1f%%, collapse epoch %s",
                f.get("beta").getAsDouble(), f.has("kl_per_dim_mean") ? f.get("kl_per_dim_mean").getAsDouble() : Double.NaN,
                f.has("non_black_acc") ? 100 * f.get("non_black_acc").getAsDouble() : Double.NaN,
                summary.get("collapse_epoch").isJsonNull() ? "none" : summary.get("collapse_epoch").getAsString());
    }

    /** Refuses a directory whose config.json is of another config (only 'epochs' may differ, as for resume). */
    static void requireSameConfigOrNone(Path dir, TrainConfig cfg) {
        Path file = dir.resolve(RunDirectory.CONFIG);
        if (!Files.exists(file)) return;
        JsonObject saved = read(file);
        JsonObject now = cfg.toJson();
        saved.remove("epochs");
        now.remove("epochs");
        if (!saved.equals(now)) {
            throw new BadInputException(dir + " holds a run of another config (" + file + " differs from the sweep's "
                    + "point); choose another --out, or move that directory away");
        }
    }

    private static JsonObject read(Path file) {
        try {
            return dev.kiln.config.JsonFields.readObject(file);   // strict; errors give the line and column
        } catch (BadInputException e) {
            throw new BadInputException(file + " (the config of an earlier run): " + e.getMessage(), e);
        }
    }
}
