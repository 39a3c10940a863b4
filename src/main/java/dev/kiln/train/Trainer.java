package dev.kiln.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.kiln.anneal.Annealing;
import dev.kiln.anneal.BetaController;
import dev.kiln.anneal.Metrics;
import dev.kiln.data.GridDataset;
import dev.kiln.data.TaskSplit;
import dev.kiln.error.BadInputException;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsDiagnostics;
import dev.kiln.io.Json;
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
import dev.kiln.monitor.LossShares;
import dev.kiln.monitor.MutualInformation;
import dev.kiln.nn.Param;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the convolutional β-VAE on padded ARC grids through the one training {@link Loop}, which
 * writes the run directory:
 * <pre>
 *   RUN/config.json      the resolved config (defaults filled in)
 *   RUN/metrics.jsonl    one JSON object per epoch (keys documented in docs/training.md)
 *   RUN/checkpoint.bin   the state after the last completed epoch, written atomically
 *   RUN/summary.json     the final metrics, timing and status
 * </pre>
 * One step: forward with a sampled z; the objective ({@link BetaVaeObjective}: reconstruction +
 * β·KL with free bits, or capacity) at fractional epoch t; backward through the whole model. One
 * epoch ends with the controller's update, then an evaluation on the validation split (z = μ).
 */
public final class Trainer implements Loop.Task {
    public static final String CHECKPOINT = RunDirectory.CHECKPOINT;
    public static final String METRICS = RunDirectory.METRICS;
    public static final String SUMMARY = RunDirectory.SUMMARY;
    private static final int CELLS = GridDataset.CELLS;
    private static final int CLASSES = GridDataset.CLASSES;
    private static final List<String> STEP_KEYS = List.of("beta", "recon", "loss", "kl_raw", "kl_after");
    private static final List<String> CONSOLE_KEYS = List.of("epoch", "beta", "recon", "kl_raw", "kl_after",
            "kl_per_dim_mean", "active_units", "non_black_acc", "majority_share", "free_bits_verdict", "collapse",
            "collapse_warnings", "share_kl_pct", "epoch_seconds");

    private final TrainConfig cfg;
    private final GridDataset data;
    private final String dataSource;
    private final Loop loop;

    private final int[] trainIdx;
    private final int[] valIdx;
    private final Vae vae;
    private final Annealing annealing;
    private final FreeBits freeBits;
    private final BetaVaeObjective objective;
    private final CollapseDetector detector;
    private final GaussianKl kl = new GaussianKl();
    private final Path runDir;            // where the reconstruction pictures go

    // First epoch at which the detector fired while the KL term was on (β > 0), -1 if none. At β = 0 a
    // model that has not yet learned the colours trips the same thresholds, but that is underfitting,
    // not posterior collapse: the warnings are still logged, the epoch is not counted as a collapse.
    private int collapseEpoch = -1;

    public Trainer(TrainConfig cfg, GridDataset data, String dataSource, Path runDir, PrintStream console,
                   boolean progressBar) {
        this.cfg = cfg;
        this.data = data;
        this.dataSource = dataSource;
        this.runDir = runDir;
        TaskSplit split = TaskSplit.of(data, cfg.valFraction(), cfg.splitSeed());
        this.trainIdx = split.train();
        this.valIdx = split.validation();
        if (trainIdx.length == 0 || valIdx.length == 0) {
            throw new BadInputException("the data has " + data.groupCount() + " task(s); a train/validation split "
                    + "needs at least 2 (val_fraction " + cfg.valFraction() + ")");
        }
        float[] classWeights = inverseFrequencyWeights(classCounts(data, trainIdx), cfg.classWeightPower());  // [10]
        ClassLoss recon = switch (cfg.loss()) {
            case CE -> new CrossEntropy(Reduction.MEAN);
            case WEIGHTED_CE -> new CrossEntropy(Reduction.MEAN, classWeights);
            case FOCAL -> new FocalLoss(Reduction.MEAN, (float) cfg.focalGamma(), classWeights);
        };
        Rng root = new Rng(cfg.run().seed());
        Rng init = root.split();
        Rng shuffle = root.split();
        this.vae = Architectures.arcConv(cfg.channels1(), cfg.channels2(), cfg.hidden(), cfg.latentDim(), init);
        this.annealing = cfg.annealing();
        this.freeBits = cfg.freeBits();
        this.objective = new BetaVaeObjective(recon, annealing, freeBits, CELLS);
        this.detector = new CollapseDetector(cfg.collapse());
        this.loop = new Loop(cfg.run(), cfg.toJson(), cfg.toPrettyJson(), dataSource, this,
                cfg.run().optimizer(vae.params()), shuffle, runDir, console, progressBar);
    }

    /** Trains from scratch, or from the run directory's checkpoint when {@code resume} is set. */
    public Loop.Result run(boolean resume) {
        return loop.run(resume);
    }

    // ------------------------------------------------------------------------------------ the loop's task

    @Override public List<Param> params() { return vae.params(); }

    @Override public int[] trainIndices() { return trainIdx; }

    @Override public List<String> stepKeys() { return STEP_KEYS; }

    @Override public List<String> consoleKeys() { return CONSOLE_KEYS; }

    @Override public Map<String, Rng> generators() { return Map.of("noise_rng", vae.noise()); }

    @Override
    public String describe() {
        return trainIdx.length + " train / " + valIdx.length + " validation grids (" + dataSource + ")";
    }

    @Override public void beginEpoch(int epoch, JsonObject line) {}

    @Override
    public double[] step(int[] idx, double t) {
        GridDataset.Batch batch = data.batch(idx);
        Vae.Pass pass = vae.forward(batch.oneHot(), true);
        BetaVaeObjective.Value v = objective.forward(pass.out().reshape(idx.length, CLASSES, CELLS), batch.targets(),
                pass.mu(), pass.logVar(), t);
        BetaVaeObjective.Grads g = objective.backward();
        vae.backward(g.dLogits().reshape(pass.out().shape()), g.dMu(), g.dLogVar());
        return new double[] {v.beta(), v.recon(), v.total(), v.klRaw(), v.klAfter()};
    }

    @Override
    public void validate(int epoch, JsonObject line) {
        FreeBitsDiagnostics fb = FreeBitsDiagnostics.of(line.get("kl_raw").getAsDouble(),
                line.get("kl_after").getAsDouble());
        line.addProperty("penalty_reduction_pct", fb.penaltyReductionPct());
        line.addProperty("free_bits_verdict", freeBits == null ? "off" : fb.verdict().configName());
        boolean evaluate = (epoch + 1) % cfg.evalEvery() == 0 || epoch + 1 == cfg.epochs();
        if (evaluate) evaluate(epoch, line);
        // reconstructions of the same validation grids at chosen epochs (recon/ in the run directory)
        if (ReconPictures.due(epoch + 1, cfg.epochs())) {
            ReconPictures.write(vae, data, valIdx, epoch + 1, line, runDir, cfg.run().name());
        }
    }

    /** A β controller sees the epoch's mean KL and reconstruction and sets the next epoch's β. */
    @Override
    public void afterValidation(int epoch, JsonObject line) {
        if (annealing instanceof BetaController c) {
            c.update(new Metrics(line.get("kl_raw").getAsDouble(), line.get("recon").getAsDouble()));
        }
    }

    /**
     * recon (weight 1) and the KL penalty (loss − recon: β·kl_after, or capacity's), the penalty
     * with seed 003's band for an auxiliary term ({@link LossShares#TEACHER_BAND}, 3–10 %).
     */
    @Override
    public List<Loop.Term> lossTerms(JsonObject line) {
        double recon = line.get("recon").getAsDouble();
        double penalty = Math.max(0, line.get("loss").getAsDouble() - recon);   // ≥ 0 up to rounding
        return List.of(new Loop.Term("recon", recon, null), new Loop.Term("kl", penalty, LossShares.TEACHER_BAND));
    }

    @Override
    public void saveState(JsonObject h) {
        if (annealing instanceof BetaController c) h.add("controller", Json.tree(c.saveState()));
        h.add("detector", Json.tree(detector.saveState()));
        h.addProperty("collapse_epoch", collapseEpoch);
    }

    @Override
    public void restoreState(JsonObject h) {
        if (annealing instanceof BetaController ctl) ctl.restoreState(Json.read(h.get("controller"), double[].class));
        detector.restoreState(Json.read(h.get("detector"), int[].class));
        collapseEpoch = h.get("collapse_epoch").getAsInt();
    }

    @Override public void finish(List<JsonObject> lines) {}

    @Override
    public void summarize(JsonObject s, List<JsonObject> lines) {
        s.addProperty("train_grids", trainIdx.length);
        s.addProperty("validation_grids", valIdx.length);
        s.addProperty("schedule", annealing.describe());
        s.addProperty("free_bits", freeBits == null ? "off" : freeBits.mode().name().toLowerCase(Locale.ROOT)
                + " λ=" + freeBits.lambda() + " nats/dim");
        if (collapseEpoch > 0) s.addProperty("collapse_epoch", collapseEpoch);
        else s.add("collapse_epoch", JsonNull.INSTANCE);
    }

    // ------------------------------------------------------------------------------------ validation

    /** Validation metrics, added to {@code line}: all computed on the held-out split with z = μ. */
    private void evaluate(int epoch, JsonObject line) {
        int n = valIdx.length, dims = cfg.latentDim(), b = cfg.run().batchSize();
        float[] mu = new float[n * dims];        // [N, D]
        float[] logVar = new float[n * dims];    // [N, D]
        float[] klAll = new float[n * dims];     // [N, D]
        ConfusionMatrix confusion = new ConfusionMatrix(CLASSES);
        CrossEntropy ce = new CrossEntropy(Reduction.SUM);
        double ceSum = 0;
        for (int from = 0; from < n; from += b) {
            int to = Math.min(n, from + b);
            int[] idx = Arrays.copyOfRange(valIdx, from, to);
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
        double mi = MutualInformation.estimate(mu, logVar, n, dims, cfg.miSamples(), new Rng(cfg.run().seed() * 1_000_003L + epoch));
        double nonBlack = confusion.nonMajorityAccuracy(0);
        double majorityShare = confusion.majorityShare(0);
        List<CollapseDetector.Warning> warnings =
                detector.observe(new CollapseDetector.Evaluation(klPerDimMean, nonBlack, majorityShare));
        boolean collapse = !warnings.isEmpty();
        if (collapse && line.get("beta").getAsDouble() > 0 && collapseEpoch < 0) collapseEpoch = epoch + 1;

        line.addProperty("val_recon_ce", ceSum / ((double) n * CELLS));
        line.add("kl_per_dim", Json.tree(klPerDim));
        line.addProperty("kl_per_dim_mean", klPerDimMean);
        line.addProperty("active_units", au.count());
        line.addProperty("collapsed_dims", LatentStats.collapsedDims(klPerDim, LatentStats.DEFAULT_COLLAPSED_KL).length);
        line.addProperty("mutual_information", mi);
        line.add("per_class_acc", Json.tree(confusion.perClassAccuracy()));
        line.addProperty("accuracy", confusion.accuracy());
        line.addProperty("non_black_acc", nonBlack);
        line.addProperty("majority_share", majorityShare);
        line.addProperty("collapse", collapse);
        JsonArray w = new JsonArray();
        for (CollapseDetector.Warning warning : warnings) w.add(warning.kind().code());
        line.add("collapse_warnings", w);
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
}
