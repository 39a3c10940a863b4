package dev.kiln.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.kiln.backend.Backends;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Json;
import dev.kiln.monitor.LossShares;
import dev.kiln.nn.Param;
import dev.kiln.optim.GradClip;
import dev.kiln.optim.Optimizer;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.NonFiniteException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one training loop, shared by every model (the β-VAE's {@link Trainer}, the mixture VAE's
 * trainer). It owns what every run does the same way; a {@link Task} supplies what differs.
 * <pre>
 *   open RUN/ (fresh, or resumed from checkpoint.bin)                   {@link RunDirectory}
 *   with the config's backend on this thread (given back at the end)    {@link Backends#use}
 *   for each epoch:
 *     task.beginEpoch                      per-epoch settings (e.g. the curriculum's kick)
 *     shuffle the training indices         (the loop's own generator, checkpointed)
 *     for each step s of ⌈N/B⌉, at fractional epoch t = epoch + s/steps:
 *       zero the gradients; task.step      forward + backward of the objective
 *       clip the global gradient norm      (grad_clip &gt; 0)
 *       optimizer step
 *     the epoch's mean of every step value (task.stepKeys) into the metrics line
 *     task.validate                        the validation pass
 *     task.afterValidation                 the hooks that follow it (controller update,
 *                                          pot unlock, split, kick)
 *     loss shares (seed 003), timing; print the line; append it to metrics.jsonl; checkpoint
 *   a non-finite loss or gradient stops the run as "diverged", keeping the last good checkpoint
 *   task.finish; summary.json
 * </pre>
 * Determinism: every random draw comes from generators seeded by the config's seed; the shuffle
 * generator and the task's {@link Task#generators} are checkpointed with the parameters and the
 * optimizer's moments, so a run killed and resumed ends with exactly the metrics of an
 * uninterrupted one.
 */
public final class Loop {

    /** What a model plugs into the loop. */
    public interface Task {
        /** The parameters the optimizer updates (in checkpoint order). */
        List<Param> params();

        /** The indices of the training samples, in their unshuffled order. */
        int[] trainIndices();

        /** The keys of the numbers {@link #step} returns; each is logged as the epoch's mean; one is "loss". */
        List<String> stepKeys();

        /** The keys the console line shows, in order, each a metrics.jsonl key. */
        List<String> consoleKeys();

        /** Generators besides the shuffle, by checkpoint key (e.g. the reparameterization noise). */
        Map<String, Rng> generators();

        /** One line after the run's name, e.g. the data and the model. */
        String describe();

        /** Called before the epoch's first step; adds the epoch's settings to {@code line}. */
        void beginEpoch(int epoch, JsonObject line);

        /**
         * Forward and backward of one batch, adding into the zeroed parameter gradients.
         *
         * @param idx training indices of the batch
         * @param t   fractional epoch
         * @return the step's numbers, in the order of {@link #stepKeys}
         */
        double[] step(int[] idx, double t);

        /** After the epoch's steps: the validation pass. {@code line} already holds the step means; add to it. */
        void validate(int epoch, JsonObject line);

        /**
         * The hooks that follow validation and shape the next epoch: a β controller's update, the
         * curriculum's pot unlock, split and kick. May add to {@code line}.
         */
        void afterValidation(int epoch, JsonObject line);

        /** The weighted terms of the objective, from the epoch's line, for the loss shares. */
        List<Term> lossTerms(JsonObject line);

        /** Adds the task's own state to a checkpoint header. */
        void saveState(JsonObject header);

        /** Restores what {@link #saveState} wrote. */
        void restoreState(JsonObject header);

        /** After the last epoch (or divergence): reports, plots. */
        void finish(List<JsonObject> lines);

        /** Adds the task's entries to summary.json. */
        void summarize(JsonObject summary, List<JsonObject> lines);
    }

    /**
     * One weighted term w·L of the objective, for the loss shares.
     *
     * @param name     as in the metrics keys, e.g. "kl"
     * @param weighted w·L, the epoch's mean (may be below 0, e.g. a log-density)
     * @param band     the healthy share, or null for none
     */
    public record Term(String name, double weighted, LossShares.Band band) {}

    /** What a run returns: every epoch's metrics line, and the summary. */
    public record Result(List<JsonObject> metrics, JsonObject summary) {}

    private final LoopConfig cfg;
    private final JsonObject resolvedConfig;
    private final String prettyConfig;
    private final String dataSource;
    private final Task task;
    private final Optimizer optimizer;
    private final Rng shuffle;
    private final Path runDir;
    private final RunDirectory files;
    private final PrintStream console;
    private final boolean progressBar;
    private int startEpoch;

    /**
     * @param cfg            the loop's part of the config
     * @param resolvedConfig the whole resolved config (config.json; a resume must match it)
     * @param prettyConfig   the same as config.json holds it
     * @param shuffle        the shuffle generator (split from the seed by the trainer, after init)
     */
    public Loop(LoopConfig cfg, JsonObject resolvedConfig, String prettyConfig, String dataSource, Task task,
                Optimizer optimizer, Rng shuffle, Path runDir, PrintStream console, boolean progressBar) {
        this.cfg = cfg;
        this.resolvedConfig = resolvedConfig;
        this.prettyConfig = prettyConfig;
        this.dataSource = dataSource;
        this.task = task;
        this.optimizer = optimizer;
        this.shuffle = shuffle;
        this.runDir = runDir;
        this.files = new RunDirectory(runDir, console);
        this.console = console;
        this.progressBar = progressBar;
    }

    /** Trains from scratch, or from the run directory's checkpoint when {@code resume} is set. */
    public Result run(boolean resume) {
        try (Backends.Scope backend = Backends.use(Backends.pick(cfg.backend()))) {
            return runLocked(resume);
        } finally {
            files.close();                                  // releases the run directory's lock
        }
    }

    private Result runLocked(boolean resume) {
        {
            List<JsonObject> lines = files.open(resume, resolvedConfig, prettyConfig, this::restore);
            long wallStart = System.nanoTime();
            String status = "completed";
            String failure = null;
            console.printf(Locale.ROOT, "%s: %s; %d parameters, backend %s%n", cfg.name(), task.describe(),
                    parameterCount(), Backends.current().name());
            if (startEpoch > 0) console.printf(Locale.ROOT, "%s: resumed after epoch %d%n", cfg.name(), startEpoch);
            for (int epoch = startEpoch; epoch < cfg.epochs(); epoch++) {
                JsonObject line;
                try {
                    line = epoch(epoch);
                } catch (NonFiniteException e) {
                    status = "diverged";
                    failure = "epoch " + (epoch + 1) + ": " + e.getMessage() + "; the last good checkpoint ("
                            + (epoch == 0 ? "none" : "after epoch " + epoch) + ") is kept in "
                            + runDir.resolve(RunDirectory.CHECKPOINT);
                    if (progressBar) console.print("\r\033[K");
                    console.println(cfg.name() + ": stopped, " + failure);
                    break;
                }
                lines.add(line);
                files.appendMetrics(line);
                writeCheckpoint(epoch + 1);
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            task.finish(lines);
            JsonObject summary = summary(lines, status, failure, wall);
            AtomicFiles.writeString(runDir.resolve(RunDirectory.SUMMARY), Json.pretty(summary));
            return new Result(lines, summary);
        }
    }

    // ------------------------------------------------------------------------------------ one epoch

    private JsonObject epoch(int epoch) {
        long t0 = System.nanoTime();
        JsonObject line = new JsonObject();
        line.addProperty("epoch", epoch + 1);
        task.beginEpoch(epoch, line);
        int[] order = task.trainIndices().clone();
        shuffle.shuffle(order);
        int b = cfg.batchSize();
        int steps = (order.length + b - 1) / b;
        List<String> keys = task.stepKeys();
        int lossIndex = keys.indexOf("loss");
        double[] sums = new double[keys.size()];
        for (int step = 0; step < steps; step++) {
            int[] idx = Arrays.copyOfRange(order, step * b, Math.min(order.length, (step + 1) * b));
            double t = epoch + (double) step / steps;                            // fractional epoch
            optimizer.zeroGrad();
            double[] values = task.step(idx, t);
            if (cfg.gradClip() > 0) {
                NonFiniteException.check("gradient norm", GradClip.clipGlobalNorm(optimizer.params(), cfg.gradClip()));
            }
            optimizer.step();
            for (int k = 0; k < sums.length; k++) sums[k] += values[k];
            if (progressBar) progress(epoch, step + 1, steps, values[lossIndex]);
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        for (int k = 0; k < sums.length; k++) line.addProperty(keys.get(k), sums[k] / steps);
        task.validate(epoch, line);
        task.afterValidation(epoch, line);
        addShares(line, task.lossTerms(line));
        line.addProperty("train_seconds", trainSeconds);
        line.addProperty("epoch_seconds", (System.nanoTime() - t0) / 1e9);
        if (progressBar) console.print("\r\033[K");
        line = Json.finite(line);
        console.println(format(line, task.consoleKeys()));
        return line;
    }

    /**
     * Seed 003's "contribution of each term": for every weighted term w·L of the objective,
     * {@code share_<term>_pct} = 100·w·L / Σ w·L, and, for a term with a health band,
     * {@code share_<term>_health} ({@code below_band}, {@code in_band}, {@code above_band};
     * {@code undefined} when the shares are not defined: a zero total, or a term below 0, such as
     * a log-density penalty above 1). See {@link LossShares}.
     */
    static void addShares(JsonObject line, List<Term> terms) {
        boolean defined = true;
        for (Term t : terms) defined &= t.weighted() >= 0;
        List<LossShares.Share> shares = defined
                ? LossShares.of(terms.stream().map(t -> new LossShares.Term(t.name(), t.weighted(), 1.0, t.band())).toList())
                : null;
        for (int i = 0; i < terms.size(); i++) {
            Term t = terms.get(i);
            double pct = defined ? shares.get(i).sharePct() : Double.NaN;
            line.addProperty("share_" + t.name() + "_pct", pct);
            if (t.band() != null) {
                LossShares.Health h = defined ? shares.get(i).health() : LossShares.Health.UNDEFINED;
                line.addProperty("share_" + t.name() + "_health", h.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    // ------------------------------------------------------------------------------------ state

    private void writeCheckpoint(int epochsDone) {
        JsonObject h = new JsonObject();
        h.add("shuffle_rng", Json.tree(shuffle.saveState()));
        for (Map.Entry<String, Rng> g : task.generators().entrySet()) h.add(g.getKey(), Json.tree(g.getValue().saveState()));
        task.saveState(h);
        files.writeCheckpoint(epochsDone, resolvedConfig, h, task.params(), optimizer);
    }

    private void restore(Checkpoint c) {
        JsonObject h = c.header();
        startEpoch = RunDirectory.epochsDone(c);
        RunDirectory.restoreModel(c, task.params(), optimizer);
        shuffle.restoreState(Json.read(h.get("shuffle_rng"), long[].class));
        for (Map.Entry<String, Rng> g : task.generators().entrySet()) {
            g.getValue().restoreState(Json.read(h.get(g.getKey()), long[].class));
        }
        task.restoreState(h);
    }

    private JsonObject summary(List<JsonObject> lines, String status, String failure, double wall) {
        JsonObject s = new JsonObject();
        s.addProperty("name", cfg.name());
        s.addProperty("status", status);
        if (failure != null) s.addProperty("failure", failure);
        s.addProperty("data", dataSource);
        s.addProperty("parameters", parameterCount());
        s.addProperty("backend", Backends.current().name());
        s.addProperty("epochs", lines.size());
        task.summarize(s, lines);
        s.addProperty("wall_seconds_this_session", wall);
        double epochSeconds = 0;
        for (JsonObject o : lines) epochSeconds += o.get("epoch_seconds").getAsDouble();
        s.addProperty("train_wall_seconds", epochSeconds);
        s.addProperty("seconds_per_epoch", lines.isEmpty() ? 0 : epochSeconds / lines.size());
        if (!lines.isEmpty()) s.add("final", lines.get(lines.size() - 1));
        return s;
    }

    // ------------------------------------------------------------------------------------ console

    private long parameterCount() {
        long n = 0;
        for (Param p : task.params()) n += p.size();
        return n;
    }

    private void progress(int epoch, int step, int steps, double loss) {
        int width = 30, filled = step * width / steps;
        console.printf(Locale.ROOT, "\r%s epoch %d/%d [%s%s] %3d%% loss %.4f", cfg.name(), epoch + 1, cfg.epochs(),
                "#".repeat(filled), ".".repeat(width - filled), step * 100 / steps, loss);
        console.flush();
    }

    /**
     * The console line of one epoch: each of {@code keys} that the line has, as {@code key value},
     * so that every label is the metrics.jsonl key of the number after it. Whole numbers print as
     * integers, others with 4 significant decimals, arrays of numbers with 2; an object (a
     * curriculum event) prints its "type" and "pot".
     */
    public static String format(JsonObject line, List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String key : keys) {
            JsonElement v = line.get(key);
            if (v == null) continue;
            if (sb.length() > 0) sb.append("  ");
            sb.append(key).append(' ').append(value(v, "%.4f"));
        }
        return sb.toString();
    }

    private static String value(JsonElement v, String numberFormat) {
        if (v.isJsonNull()) return "null";
        if (v.isJsonArray()) {
            StringBuilder sb = new StringBuilder("[");
            JsonArray a = v.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) sb.append(i > 0 ? " " : "").append(value(a.get(i), "%.2f"));
            return sb.append(']').toString();
        }
        if (v.isJsonObject()) {
            JsonObject o = v.getAsJsonObject();
            return (o.has("type") ? o.get("type").getAsString() : "{…}") + (o.has("pot") ? "(pot " + o.get("pot") + ")" : "");
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        if (!p.isNumber()) return p.getAsString();
        Number n = p.getAsNumber();
        if (n instanceof Integer || n instanceof Long) return n.toString();
        return String.format(Locale.ROOT, numberFormat, n.doubleValue());
    }
}
