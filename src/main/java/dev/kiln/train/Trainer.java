package dev.kiln.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.anneal.Annealing;
import dev.kiln.anneal.BetaController;
import dev.kiln.anneal.Metrics;
import dev.kiln.backend.Backends;
import dev.kiln.error.BadInputException;
import dev.kiln.data.GridDataset;
import dev.kiln.data.TaskSplit;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsDiagnostics;
import dev.kiln.io.AtomicFiles;
import dev.kiln.loss.ClassLoss;
import dev.kiln.loss.CrossEntropy;
import dev.kiln.loss.FocalLoss;
import dev.kiln.loss.GaussianKl;
import dev.kiln.loss.Reduction;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.monitor.ActiveUnits;
import dev.kiln.monitor.CollapseDetector;
import dev.kiln.monitor.ConfusionMatrix;
import dev.kiln.monitor.LatentStats;
import dev.kiln.monitor.MutualInformation;
import dev.kiln.nn.Param;
import dev.kiln.optim.Adam;
import dev.kiln.optim.GradClip;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.Sgd;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Trains the convolutional β-VAE on padded ARC grids and writes a run directory:
 * <pre>
 *   RUN/config.json      the resolved config (defaults filled in)
 *   RUN/metrics.jsonl    one JSON object per epoch (keys documented in docs/training.md)
 *   RUN/checkpoint.bin   the state after the last completed epoch, written atomically
 *   RUN/summary.json     the final metrics, timing and status
 * </pre>
 * One step: β (or a controller's β) at fractional epoch t; forward with a sampled z; the
 * reconstruction term (per-cell mean); the KL matrix and its penalty ({@link KlTerm}: free bits,
 * β); backward through the whole model; clip; optimizer step. One epoch ends with the controller's
 * update, an evaluation on the validation split, a metrics line and a checkpoint.
 *
 * <p>Determinism: every random draw comes from generators seeded by the config's seed, whose
 * states are checkpointed with the parameters and optimizer moments, so a run killed and resumed
 * with {@code --resume} ends with exactly the metrics of an uninterrupted run.
 */
public final class Trainer {
    static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    public static final String CHECKPOINT = RunDirectory.CHECKPOINT;
    public static final String METRICS = RunDirectory.METRICS;
    public static final String SUMMARY = RunDirectory.SUMMARY;
    private static final int CELLS = GridDataset.CELLS;
    private static final int CLASSES = GridDataset.CLASSES;

    private final TrainConfig cfg;
    private final GridDataset data;
    private final String dataSource;
    private final Path runDir;
    private final RunDirectory files;
    private final PrintStream console;
    private final boolean progressBar;

    private final int[] trainIdx;
    private final int[] valIdx;
    private final Vae vae;
    private final Optimizer optimizer;
    private final Annealing annealing;
    private final FreeBits freeBits;
    private final CollapseDetector detector;
    private final ClassLoss recon;        // per-cell mean over [B, 10, 900] logits
    private final float[] classWeights;   // [10], null for plain CE
    private final Rng shuffle;
    private final GaussianKl kl = new GaussianKl();

    private int startEpoch;
    private int collapseEpoch = -1;       // first epoch at which the detector fired, -1 if none

    /** What a run returns: every epoch's metrics line, and the summary. */
    public record Result(List<JsonObject> metrics, JsonObject summary) {}

    public Trainer(TrainConfig cfg, GridDataset data, String dataSource, Path runDir, PrintStream console,
                   boolean progressBar) {
        this.cfg = cfg;
        this.data = data;
        this.dataSource = dataSource;
        this.runDir = runDir;
        this.files = new RunDirectory(runDir);
        this.console = console;
        this.progressBar = progressBar;
        Backends.use(Backends.pick(cfg.backend()));

        TaskSplit split = TaskSplit.of(data, cfg.valFraction(), cfg.splitSeed());
        this.trainIdx = split.train();
        this.valIdx = split.validation();
        if (trainIdx.length == 0 || valIdx.length == 0) {
            throw new BadInputException("the data has " + data.groupCount() + " task(s); a train/validation split "
                    + "needs at least 2 (val_fraction " + cfg.valFraction() + ")");
        }
        this.classWeights = inverseFrequencyWeights(classCounts(data, trainIdx), cfg.classWeightPower());
        this.recon = switch (cfg.loss()) {
            case "ce" -> new CrossEntropy(Reduction.MEAN);
            case "weighted_ce" -> new CrossEntropy(Reduction.MEAN, classWeights);
            default -> new FocalLoss(Reduction.MEAN, (float) cfg.focalGamma(), classWeights);
        };

        Rng root = new Rng(cfg.seed());
        Rng init = root.split();
        this.shuffle = root.split();
        this.vae = Architectures.arcConv(cfg.channels1(), cfg.channels2(), cfg.hidden(), cfg.latentDim(), init);
        this.optimizer = switch (cfg.optimizer()) {
            case "adam" -> new Adam(vae.params(), new Adam.Config((float) cfg.lr(), 0.9f, 0.999f, 1e-8f,
                    (float) cfg.weightDecay(), false));
            case "adamw" -> new Adam(vae.params(), Adam.Config.adamW((float) cfg.lr(), (float) cfg.weightDecay()));
            default -> new Sgd(vae.params(), new Sgd.Config((float) cfg.lr(), (float) cfg.momentum(),
                    (float) cfg.weightDecay()));
        };
        this.annealing = cfg.annealing();
        this.freeBits = cfg.freeBits();
        this.detector = new CollapseDetector(cfg.collapse());
    }

    /** Trains from scratch, or from the run directory's checkpoint when {@code resume} is set. */
    public Result run(boolean resume) {
        List<JsonObject> lines = files.open(resume, cfg.toJson(), cfg.toPrettyJson(), this::restore);
        long wallStart = System.nanoTime();
        String status = "completed";
        String failure = null;
        console.printf(Locale.ROOT, "%s: %d train / %d validation grids (%s), %d parameters, backend %s%n",
                cfg.name(), trainIdx.length, valIdx.length, dataSource, parameterCount(), Backends.current().name());
        if (startEpoch > 0) console.printf(Locale.ROOT, "%s: resumed after epoch %d%n", cfg.name(), startEpoch);
        for (int epoch = startEpoch; epoch < cfg.epochs(); epoch++) {
            JsonObject line;
            try {
                line = epoch(epoch);
            } catch (NonFiniteException e) {
                status = "diverged";
                failure = "epoch " + (epoch + 1) + ": " + e.getMessage() + "; the last good checkpoint ("
                        + (epoch == 0 ? "none" : "after epoch " + epoch) + ") is kept in " + runDir.resolve(CHECKPOINT);
                console.println(cfg.name() + ": stopped, " + failure);
                break;
            }
            lines.add(line);
            files.appendMetrics(line);
            writeCheckpoint(epoch + 1);
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        JsonObject summary = summary(lines, status, failure, wall);
        AtomicFiles.writeString(runDir.resolve(SUMMARY), PRETTY.toJson(summary));
        return new Result(lines, summary);
    }

    // ------------------------------------------------------------------------------------ one epoch

    private JsonObject epoch(int epoch) {
        long t0 = System.nanoTime();
        int[] order = trainIdx.clone();
        shuffle.shuffle(order);
        int b = cfg.batchSize();
        int steps = (order.length + b - 1) / b;
        double sumRecon = 0, sumRaw = 0, sumAfter = 0, sumBeta = 0, sumTotal = 0;
        for (int step = 0; step < steps; step++) {
            int from = step * b, to = Math.min(order.length, from + b);
            int[] idx = java.util.Arrays.copyOfRange(order, from, to);
            GridDataset.Batch batch = data.batch(idx);
            double t = epoch + (double) step / steps;                    // fractional epoch

            optimizer.zeroGrad();
            Vae.Pass pass = vae.forward(batch.oneHot(), true);
            double r = recon.forward(pass.out().reshape(idx.length, CLASSES, CELLS), batch.targets());
            Tensor klMatrix = kl.forward(pass.mu(), pass.logVar());     // [B, D]
            KlTerm term = KlTerm.of(annealing, freeBits, klMatrix, t, CELLS);
            double total = NonFiniteException.check("objective", r + term.penalty());

            GaussianKl.Grads g = kl.backward(term.gradient());
            Tensor dOut = recon.backward().reshape(pass.out().shape());
            vae.backward(dOut, g.dMu(), g.dLogVar());
            if (cfg.gradClip() > 0) {
                double norm = GradClip.clipGlobalNorm(optimizer.params(), cfg.gradClip());
                NonFiniteException.check("gradient norm", norm);
            }
            optimizer.step();

            sumRecon += r;
            sumRaw += term.klRaw();
            sumAfter += term.klAfter();
            sumBeta += term.weight();
            sumTotal += total;
            if (progressBar) progress(epoch, step + 1, steps, total);
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double reconMean = sumRecon / steps, rawMean = sumRaw / steps, afterMean = sumAfter / steps;
        if (annealing instanceof BetaController c) c.update(new Metrics(rawMean, reconMean));

        JsonObject line = new JsonObject();
        line.addProperty("epoch", epoch + 1);
        line.addProperty("beta", sumBeta / steps);
        line.addProperty("recon", reconMean);
        line.addProperty("loss", sumTotal / steps);
        line.addProperty("kl_raw", rawMean);
        line.addProperty("kl_after", afterMean);
        FreeBitsDiagnostics fb = FreeBitsDiagnostics.of(rawMean, afterMean);
        line.addProperty("penalty_reduction_pct", fb.penaltyReductionPct());
        line.addProperty("free_bits_verdict", freeBits == null ? "off" : fb.verdict().configName());
        boolean evaluate = (epoch + 1) % cfg.evalEvery() == 0 || epoch + 1 == cfg.epochs();
        if (evaluate) evaluate(epoch, line);
        // issue 13 hook: reconstruction pictures of fixed validation grids (all logic in ReconPictures)
        if (ReconPictures.due(epoch + 1, cfg.epochs())) {
            ReconPictures.write(vae, data, valIdx, epoch + 1, line, runDir, cfg.name());
        }
        line.addProperty("train_seconds", trainSeconds);
        line.addProperty("epoch_seconds", (System.nanoTime() - t0) / 1e9);
        if (progressBar) console.print("\r\033[K");
        console.println(format(line));
        return line;
    }

    /** Validation metrics, added to {@code line}: all computed on the held-out split with z = μ. */
    private void evaluate(int epoch, JsonObject line) {
        int n = valIdx.length, dims = cfg.latentDim(), b = cfg.batchSize();
        float[] mu = new float[n * dims];        // [N, D]
        float[] logVar = new float[n * dims];    // [N, D]
        float[] klAll = new float[n * dims];     // [N, D]
        ConfusionMatrix confusion = new ConfusionMatrix(CLASSES);
        CrossEntropy ce = new CrossEntropy(Reduction.SUM);
        double ceSum = 0;
        for (int from = 0; from < n; from += b) {
            int to = Math.min(n, from + b);
            int[] idx = java.util.Arrays.copyOfRange(valIdx, from, to);
            GridDataset.Batch batch = data.batch(idx);
            Vae.Pass pass = vae.forward(batch.oneHot(), false);
            Tensor logits = pass.out().reshape(idx.length, CLASSES, CELLS);
            ceSum += ce.forward(logits, batch.targets());
            Tensor k = kl.forward(pass.mu(), pass.logVar());
            System.arraycopy(pass.mu().data, 0, mu, from * dims, pass.mu().size());
            System.arraycopy(pass.logVar().data, 0, logVar, from * dims, pass.logVar().size());
            System.arraycopy(k.data, 0, klAll, from * dims, k.size());
            confusion.add(argmax(logits), batch.targets());
        }
        double[] klPerDim = LatentStats.klPerDim(klAll, n, dims);
        double klPerDimMean = LatentStats.klPerDimMean(klPerDim);
        ActiveUnits au = ActiveUnits.of(mu, n, dims);
        double mi = MutualInformation.estimate(mu, logVar, n, dims, cfg.miSamples(), new Rng(cfg.seed() * 1_000_003L + epoch));
        double nonBlack = confusion.nonMajorityAccuracy(0);
        double majorityShare = confusion.majorityShare(0);
        List<CollapseDetector.Warning> warnings =
                detector.observe(new CollapseDetector.Evaluation(klPerDimMean, nonBlack, majorityShare));
        boolean collapse = !warnings.isEmpty();
        if (collapse && collapseEpoch < 0) collapseEpoch = epoch + 1;

        line.addProperty("val_recon_ce", ceSum / ((double) n * CELLS));
        line.add("kl_per_dim", GSON.toJsonTree(klPerDim));
        line.addProperty("kl_per_dim_mean", klPerDimMean);
        line.addProperty("active_units", au.count());
        line.addProperty("collapsed_dims", LatentStats.collapsedDims(klPerDim, LatentStats.DEFAULT_COLLAPSED_KL).length);
        line.addProperty("mutual_information", mi);
        line.add("per_class_acc", GSON.toJsonTree(nanToNull(confusion.perClassAccuracy())));
        line.addProperty("accuracy", confusion.accuracy());
        line.addProperty("non_black_acc", nonBlack);
        line.addProperty("majority_share", majorityShare);
        line.addProperty("collapse", collapse);
        JsonArray w = new JsonArray();
        for (CollapseDetector.Warning warning : warnings) w.add(warning.kind().code());
        line.add("collapse_warnings", w);
    }

    // ------------------------------------------------------------------------------------ state

    private void writeCheckpoint(int epochsDone) {
        JsonObject h = new JsonObject();
        h.add("shuffle_rng", GSON.toJsonTree(shuffle.saveState()));
        h.add("noise_rng", GSON.toJsonTree(vae.noise().saveState()));
        if (annealing instanceof BetaController c) h.add("controller", GSON.toJsonTree(c.saveState()));
        h.add("detector", GSON.toJsonTree(detector.saveState()));
        h.addProperty("collapse_epoch", collapseEpoch);
        files.writeCheckpoint(epochsDone, cfg.toJson(), h, vae.params(), optimizer);
    }

    private void restore(Checkpoint c) {
        JsonObject h = c.header();
        startEpoch = RunDirectory.epochsDone(c);
        RunDirectory.restoreModel(c, vae.params(), optimizer);
        shuffle.restoreState(GSON.fromJson(h.get("shuffle_rng"), long[].class));
        vae.noise().restoreState(GSON.fromJson(h.get("noise_rng"), long[].class));
        if (annealing instanceof BetaController ctl) ctl.restoreState(GSON.fromJson(h.get("controller"), double[].class));
        detector.restoreState(GSON.fromJson(h.get("detector"), int[].class));
        collapseEpoch = h.get("collapse_epoch").getAsInt();
    }

    private JsonObject summary(List<JsonObject> lines, String status, String failure, double wall) {
        JsonObject s = new JsonObject();
        s.addProperty("name", cfg.name());
        s.addProperty("status", status);
        if (failure != null) s.addProperty("failure", failure);
        s.addProperty("data", dataSource);
        s.addProperty("train_grids", trainIdx.length);
        s.addProperty("validation_grids", valIdx.length);
        s.addProperty("parameters", parameterCount());
        s.addProperty("backend", Backends.current().name());
        s.addProperty("epochs", lines.size());
        s.addProperty("schedule", annealing.describe());
        s.addProperty("free_bits", freeBits == null ? "off" : freeBits.mode().name().toLowerCase(Locale.ROOT)
                + " λ=" + freeBits.lambda() + " nats/dim");
        if (collapseEpoch > 0) s.addProperty("collapse_epoch", collapseEpoch);
        else s.add("collapse_epoch", com.google.gson.JsonNull.INSTANCE);
        s.addProperty("wall_seconds_this_session", wall);
        double epochSeconds = 0;
        for (JsonObject o : lines) epochSeconds += o.get("epoch_seconds").getAsDouble();
        s.addProperty("seconds_per_epoch", lines.isEmpty() ? 0 : epochSeconds / lines.size());
        if (!lines.isEmpty()) s.add("final", lines.get(lines.size() - 1));
        return s;
    }

    // ------------------------------------------------------------------------------------ helpers

    /** Cells of each colour over the given grids' padded canvases. */
    static long[] classCounts(GridDataset data, int[] indices) {
        long[] counts = new long[CLASSES];
        for (int i : indices) {
            for (int s = 0; s < CELLS; s++) counts[data.cell(i, s)]++;
        }
        return counts;
    }

    /**
     * Inverse-frequency class weights w_c = f_c^−p, with f_c the share of cells of colour c,
     * normalized so that Σ_c f_c·w_c = 1: the average weight over all cells is 1, so the weighted
     * loss stays on the scale of the plain one. p = 0 gives all ones; p = 1 gives each colour the
     * same total weight. A colour absent from the data gets the largest weight of the others.
     */
    static float[] inverseFrequencyWeights(long[] counts, double power) {
        long total = 0;
        for (long c : counts) total += c;
        double[] w = new double[counts.length];
        double maxW = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                w[c] = Math.pow((double) counts[c] / total, -power);
                maxW = Math.max(maxW, w[c]);
            }
        }
        double norm = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) w[c] = maxW;
            norm += (double) counts[c] / total * w[c];
        }
        float[] out = new float[counts.length];
        for (int c = 0; c < counts.length; c++) out[c] = (float) (w[c] / norm);
        return out;
    }

    /** The class of highest logit per cell of [B, C, S] logits, [B·S]. */
    static int[] argmax(Tensor logits) {
        int batch = logits.dim(0), classes = logits.dim(1), cells = logits.dim(2);
        int[] out = new int[batch * cells];
        for (int b = 0; b < batch; b++) {
            int base = b * classes * cells;
            for (int s = 0; s < cells; s++) {
                int best = 0;
                float bestV = logits.data[base + s];
                for (int c = 1; c < classes; c++) {
                    float v = logits.data[base + c * cells + s];
                    if (v > bestV) {
                        bestV = v;
                        best = c;
                    }
                }
                out[b * cells + s] = best;
            }
        }
        return out;
    }

    private static Double[] nanToNull(double[] x) {
        Double[] out = new Double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = Double.isNaN(x[i]) ? null : x[i];
        return out;
    }

    private long parameterCount() {
        long n = 0;
        for (Param p : vae.params()) n += p.size();
        return n;
    }

    private void progress(int epoch, int step, int steps, double loss) {
        int width = 30, filled = step * width / steps;
        console.printf(Locale.ROOT, "\r%s epoch %d/%d [%s%s] %3d%% loss %.4f", cfg.name(), epoch + 1, cfg.epochs(),
                "#".repeat(filled), ".".repeat(width - filled), step * 100 / steps, loss);
        console.flush();
    }

    /** The console line of one epoch: every label is the metrics.jsonl key of the number after it. */
    static String format(JsonObject m) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "epoch %3d  beta %.4f  recon %.4f  kl_raw %.4f  kl_after %.4f",
                m.get("epoch").getAsInt(), m.get("beta").getAsDouble(), m.get("recon").getAsDouble(),
                m.get("kl_raw").getAsDouble(), m.get("kl_after").getAsDouble()));
        if (m.has("kl_per_dim_mean")) {
            sb.append(String.format(Locale.ROOT,
                    "  kl_per_dim_mean %.4f  active_units %d  non_black_acc %.3f  majority_share %.3f",
                    m.get("kl_per_dim_mean").getAsDouble(), m.get("active_units").getAsInt(),
                    m.get("non_black_acc").getAsDouble(), m.get("majority_share").getAsDouble()));
        }
        sb.append("  free_bits_verdict ").append(m.get("free_bits_verdict").getAsString());
        if (m.has("collapse")) {
            sb.append(m.get("collapse").getAsBoolean() ? "  collapse " + m.get("collapse_warnings") : "  collapse no");
        }
        sb.append(String.format(Locale.ROOT, "  (%.1fs)", m.get("epoch_seconds").getAsDouble()));
        return sb.toString();
    }
}
