package dev.kiln.mixture;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.kiln.anneal.BetaSchedule;
import dev.kiln.error.BadInputException;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Json;
import dev.kiln.loss.GaussianKl;
import dev.kiln.monitor.LossShares;
import dev.kiln.nn.Param;
import dev.kiln.optim.Optimizer;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Loop;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the mixture VAE ({@link MixtureVae}) with the logit-MoG prior ({@link LogitMogPrior}) and
 * the pots curriculum ({@link PotCurriculum}) through the one training {@link Loop}, which writes
 * the run directory:
 * <pre>
 *   RUN/config.json       the resolved config
 *   RUN/metrics.jsonl     one JSON object per epoch (keys in docs/mixture.md)
 *   RUN/checkpoint.bin    the state after the last completed epoch (parameters, optimizer, generators,
 *                         curriculum), so --resume continues bit for bit
 *   RUN/summary.json      final metrics, curriculum events, prior peakiness, timing, status
 *   RUN/usage.png         hard usage of each pot per epoch, unlock events marked
 *   RUN/decodings.png     one row per open pot: decodings of z ~ N(0, I) by that pot
 *   RUN/members.png       one row per open pot: validation samples it explains
 *   RUN/purity.md         labelled data: the majority-label table of the last epoch
 * </pre>
 * <b>One step</b> at fractional epoch t, in the order of the code:
 * <pre>
 *   kick   = the curriculum's kick is running (the epoch follows an unlock)
 *   τ      = temperature(t), at least kick.temperature during a kick
 *   mode   = routing, straight_through softened to gumbel during a kick
 *   λ      = lambda(t)·(kick ? kick.lambda_scale : 1);   β = beta(t)
 *   bias   = kick.logit_bias·(1 − u) on the new pot during a kick (u: progress through the kick)
 *   forward (z sampled); the objective and its gradient ({@link MixtureObjective}); backward
 * </pre>
 * <b>One epoch</b> ends with the validation pass (z = μ, each sample decoded by its most responsible
 * pot c* = argmax_A y): the validation objective V = mean(recon + KL of c*), usage, peakiness, purity,
 * the normality test. Then the hook that follows validation: the curriculum sees V and may open the
 * next pot for the next epoch. With {@code "new_pot": "split"} the new pot starts as a split of the
 * busiest open pot ({@link PotSplit}, {@link MixtureVae#splitPot}), takes over that pot's optimizer
 * moments ({@link #copyOptimizerState}), and both pots are re-centred on their members' mean code
 * ({@link MixtureVae#recentre}).
 */
public final class MixtureTrainer implements Loop.Task {
    public static final String USAGE_PLOT = "usage.png";
    public static final String DECODINGS = "decodings.png";
    public static final String MEMBERS = "members.png";
    public static final String PURITY = "purity.md";
    /** Samples from the prior used to report the peakiness of M and σ. */
    static final int PEAKINESS_SAMPLES = 20_000;
    private static final List<String> STEP_KEYS = List.of("temperature", "lambda", "beta", "recon", "kl", "penalty",
            "loss");
    private static final List<String> CONSOLE_KEYS = List.of("epoch", "open_pots", "kick", "temperature", "lambda",
            "recon", "kl", "penalty", "val_objective", "mean_max_responsibility", "entropy", "nmi", "purity", "usage",
            "share_penalty_pct", "event", "epoch_seconds");

    private final MixtureConfig cfg;
    private final MixtureData train;
    private final MixtureData validation;
    private final String dataSource;
    private final Path runDir;
    private final Loop loop;

    private final MixtureVae model;
    private final Optimizer optimizer;
    private final LogitMogPrior prior;
    private final MixtureObjective objective;
    private final BetaSchedule beta;
    private final BetaSchedule lambda;
    private final TemperatureSchedule temperature;
    private final PotCurriculum curriculum;
    private final GaussianKl kl = new GaussianKl();
    private final Likelihood likelihood;
    private final List<PotCurriculum.Event> events = new ArrayList<>();

    // this epoch's settings, from beginEpoch
    private boolean[] active;
    private boolean kick;
    private RoutingMode mode;
    private Validation lastValidation;
    private final PrintStream console;   // for the warnings a run ends with

    public MixtureTrainer(MixtureConfig cfg, MixtureSplit data, Path runDir, PrintStream console) {
        this.cfg = cfg;
        this.train = data.train();
        this.validation = data.validation();
        this.dataSource = data.description();
        this.runDir = runDir;
        this.console = console;
        if (train.size() == 0 || validation.size() == 0) {
            throw new BadInputException("mixture: need training and validation samples, got " + train.size() + " and "
                    + validation.size());
        }
        this.likelihood = train.likelihood();
        Rng root = new Rng(cfg.run().seed());
        Rng init = root.split();
        Rng shuffle = root.split();
        this.model = new MixtureVae(train.inputSize(), cfg.hidden(), cfg.latentDim(), cfg.pots(), likelihood, init);
        this.optimizer = cfg.run().optimizer(model.params());
        this.prior = cfg.prior();
        this.objective = new MixtureObjective(prior, likelihood);
        this.beta = cfg.beta();
        this.lambda = cfg.lambda();
        this.temperature = cfg.temperature();
        this.curriculum = new PotCurriculum(cfg.curriculum());
        this.loop = new Loop(cfg.run(), cfg.toJson(), cfg.toPrettyJson(), dataSource, this, optimizer, shuffle, runDir,
                console, false);
    }

    /** Trains from scratch, or from the run directory's checkpoint when {@code resume} is set. */
    public Loop.Result run(boolean resume) {
        return loop.run(resume);
    }

    // ------------------------------------------------------------------------------------ the loop's task

    @Override public List<Param> params() { return model.params(); }

    @Override
    public int[] trainIndices() {
        int[] all = new int[train.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return all;
    }

    @Override public List<String> stepKeys() { return STEP_KEYS; }

    @Override public List<String> consoleKeys() { return CONSOLE_KEYS; }

    @Override
    public Map<String, Rng> generators() {
        Map<String, Rng> g = new LinkedHashMap<>();
        g.put("noise_rng", model.noise());
        g.put("gumbel_rng", model.gumbel());
        return g;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s; K_max %d, D %d, routing %s, %s", dataSource, cfg.pots(), cfg.latentDim(),
                cfg.routing().configName(), prior.describe());
    }

    @Override
    public void beginEpoch(int epoch, JsonObject line) {
        active = curriculum.active();
        kick = curriculum.inKick();
        mode = kick && cfg.routing() == RoutingMode.STRAIGHT_THROUGH ? RoutingMode.GUMBEL : cfg.routing();
        line.addProperty("stage", curriculum.stage());
        line.addProperty("open_pots", Pots.count(active));
        line.add("active", Json.tree(Pots.list(active)));
        line.addProperty("kick", kick);
        line.addProperty("routing", mode.configName());
    }

    @Override
    public double[] step(int[] idx, double t) {
        PotCurriculum.Kick k = cfg.curriculum().kick();
        MixtureBatch batch = train.batch(idx);
        double tau = temperature.at(t);
        double lam = lambda.beta(t);
        float[] bias = null;
        if (kick) {
            tau = Math.max(tau, k.temperature());
            lam *= k.lambdaScale();
            if (k.logitBias() > 0) {
                bias = new float[cfg.pots()];
                bias[curriculum.kickPot()] = (float) (k.logitBias() * (1 - curriculum.kickProgress(t)));
            }
        }
        double bta = beta.beta(t);
        MixtureObjective.Value v = step(batch, new MixtureVae.Step(active, mode, (float) tau, bias, true), bta, lam);
        return new double[] {tau, lam, bta, v.recon(), v.kl(), v.penalty(), v.total()};
    }

    /**
     * One forward and backward pass of the objective (no optimizer step), adding into every
     * parameter's gradient. Package-private so that the tests can check its gradient.
     */
    MixtureObjective.Value step(MixtureBatch batch, MixtureVae.Step settings, double bta, double lam) {
        MixtureVae.Pass p = model.forward(batch.inputs(), settings);
        MixtureObjective.Value v = objective.forward(p, batch, settings.active(), bta, lam);
        model.backward(objective.backward());
        return v;
    }

    @Override
    public void validate(int epoch, JsonObject line) {
        lastValidation = validate(active);
        lastValidation.addTo(line, validation);
    }

    /** The curriculum sees the validation objective and may open (and split into) the next pot. */
    @Override
    public void afterValidation(int epoch, JsonObject line) {
        Validation v = lastValidation;
        PotCurriculum.Event event = curriculum.observe(epoch + 1, v.objective(), Normality.anyFails(v.normality()));
        line.addProperty("plateau_counter", curriculum.sinceImprovement());
        if (event == null) {
            line.add("event", JsonNull.INSTANCE);
            return;
        }
        events.add(event);
        JsonObject e = event.toJson();
        if (event.type().equals("unlock") && cfg.curriculum().newPot() == PotCurriculum.NewPot.SPLIT) {
            int parent = PotSplit.busiest(v.usage().usage(), active);
            PotSplit.Axis axis = PotSplit.principal(v.mu(), v.chosen(), parent, cfg.pots(), cfg.latentDim());
            model.splitPot(parent, event.pot(), axis, cfg.curriculum().splitMargin());
            copyOptimizerState(parent, event.pot());
            e.addProperty("parent", parent);
            e.addProperty("split_spread", axis.spread());
            Validation split = validate(curriculum.active());
            double[] after = split.usage().usage();
            e.addProperty("parent_usage_after_split", after[parent]);
            e.addProperty("child_usage_after_split", after[event.pot()]);
            for (int pot : new int[] {parent, event.pot()}) {
                model.recentre(pot, PotSplit.principal(split.mu(), split.chosen(), pot, cfg.pots(),
                        cfg.latentDim()).center());
            }
        }
        line.add("event", e);
    }

    /**
     * recon, β·kl and λ·penalty from the epoch means; the prior's penalty, the auxiliary term,
     * with seed 003's band (3–10 %). The shares are undefined in an epoch whose mean penalty is
     * below 0 (a density above 1, possible for σ &lt; 1/√(2π)).
     */
    @Override
    public List<Loop.Term> lossTerms(JsonObject line) {
        return List.of(new Loop.Term("recon", line.get("recon").getAsDouble(), null),
                new Loop.Term("kl", line.get("beta").getAsDouble() * line.get("kl").getAsDouble(), null),
                new Loop.Term("penalty", line.get("lambda").getAsDouble() * line.get("penalty").getAsDouble(),
                        LossShares.TEACHER_BAND));
    }

    @Override
    public void saveState(JsonObject h) {
        h.add("curriculum", curriculum.saveState());
        JsonArray ev = new JsonArray();
        for (PotCurriculum.Event e : events) ev.add(e.toJson());
        h.add("events", ev);
    }

    @Override
    public void restoreState(JsonObject h) {
        curriculum.restoreState(h.getAsJsonObject("curriculum"));
        events.clear();
        for (var e : h.getAsJsonArray("events")) {
            JsonObject o = e.getAsJsonObject();
            events.add(new PotCurriculum.Event(o.get("type").getAsString(), o.get("epoch").getAsInt(),
                    o.get("pot").getAsInt(), o.get("reason").getAsString()));
        }
    }

    @Override
    public void finish(List<JsonObject> lines) {
        writeReports(lines);
    }

    @Override
    public void summarize(JsonObject s, List<JsonObject> lines) {
        String warning = MixturePlots.neverUnlocked(lines, cfg.curriculum());   // a curriculum that never opened a pot
        if (warning != null) {
            console.println(cfg.run().name() + ": warning: " + warning);
            s.addProperty("warning", warning);
        }
        s.addProperty("train_samples", train.size());
        s.addProperty("validation_samples", validation.size());
        s.addProperty("curriculum", cfg.curriculum().enabled() ? cfg.curriculum().trigger().configName() : "off (all pots)");
        s.addProperty("open_pots", curriculum.openCount());
        s.addProperty("frozen", curriculum.frozen());
        JsonArray ev = new JsonArray();
        for (PotCurriculum.Event e : events) ev.add(e.toJson());
        s.add("events", ev);
        s.addProperty("prior", prior.describe());
        JsonObject peak = new JsonObject();
        for (int pots : new int[] {curriculum.openCount(), cfg.pots()}) {
            LogitMogPrior.Peakiness p = prior.priorPeakiness(pots, PEAKINESS_SAMPLES, new Rng(cfg.run().seed() + pots));
            JsonObject o = new JsonObject();
            o.addProperty("mean_max_responsibility", p.meanMaxResponsibility());
            o.addProperty("entropy", p.meanEntropy());
            peak.add(pots + "_pots", o);
        }
        s.add("prior_peakiness", peak);
    }

    // ------------------------------------------------------------------------------------ validation

    /** Everything the validation pass measured. Arrays over pots are [K]. */
    record Validation(double objective, double recon, double kl, double penalty, ChannelStats.Usage usage,
                      ChannelStats.Purity purity, Normality.PotResult[] normality, int[] chosen, float[] mu,
                      double[] meanLogit) {

        void addTo(JsonObject line, MixtureData data) {
            line.addProperty("val_objective", objective);
            line.addProperty("val_recon", recon);
            line.addProperty("val_kl", kl);
            line.addProperty("val_penalty", penalty);
            line.add("usage", Json.tree(usage.usage()));
            line.add("soft_usage", Json.tree(usage.softUsage()));
            line.addProperty("mean_max_responsibility", usage.meanMaxResponsibility());
            line.addProperty("entropy", usage.meanEntropy());
            line.add("mean_logit", Json.tree(meanLogit));
            if (purity != null) {
                line.addProperty("nmi", purity.nmi());
                line.addProperty("purity", purity.purity());
                line.add("majority_label", Json.tree(purity.majority()));
                line.add("label_table", Json.tree(purity.table()));
            }
            JsonArray jb = new JsonArray();
            JsonArray fails = new JsonArray();
            for (Normality.PotResult r : normality) {
                if (Double.isNaN(r.maxJb())) jb.add(JsonNull.INSTANCE);
                else jb.add(r.jbPerSample());
                fails.add(r.fails());
            }
            line.add("jb_per_sample", jb);
            line.add("normality_fails", fails);
        }
    }

    private Validation validate(boolean[] active) {
        int n = validation.size(), pots = cfg.pots(), dims = cfg.latentDim(), bs = cfg.run().batchSize();
        float[] resp = new float[n * pots];          // [N, K]
        float[] mu = new float[n * pots * dims];     // [N, K·D]
        int[] chosen = new int[n];                   // [N]
        int[] labels = validation.labelCount() > 0 ? new int[n] : null;
        double reconSum = 0, klSum = 0, penaltySum = 0;
        double[] meanLogit = new double[pots];       // [K]
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            MixtureBatch batch = validation.batch(idx);
            MixtureVae.Evaluation e = model.evaluate(batch.inputs(), active);
            Likelihood.Term term = likelihood.term();
            reconSum += term.forward(e.out(), batch) * idx.length;
            Tensor k = kl.forward(MixtureObjective.openColumns(e.mu(), active, dims), MixtureObjective.openColumns(e.logVar(), active, dims));
            for (int i = 0; i < idx.length; i++) {
                int c = e.chosen()[i];
                for (int d = 0; d < dims; d++) klSum += k.data[(i * pots + c) * dims + d];
            }
            for (double v : prior.negLogDensity(e.logits(), active)) penaltySum += v;
            for (int i = 0; i < idx.length * pots; i++) meanLogit[i % pots] += e.logits().data[i] / (double) n;
            System.arraycopy(e.responsibilities().data, 0, resp, from * pots, idx.length * pots);
            System.arraycopy(e.mu().data, 0, mu, from * pots * dims, idx.length * pots * dims);
            System.arraycopy(e.chosen(), 0, chosen, from, idx.length);
            if (labels != null) System.arraycopy(batch.labels(), 0, labels, from, idx.length);
        }
        ChannelStats.Usage usage = ChannelStats.usage(resp, chosen, pots);
        ChannelStats.Purity purity = labels == null ? null
                : ChannelStats.purity(chosen, labels, pots, validation.labelCount());
        Normality.PotResult[] normality = Normality.test(mu, chosen, active, dims, cfg.normalityAlpha());
        return new Validation((reconSum + klSum) / n, reconSum / n, klSum / n, penaltySum / n, usage, purity, normality,
                chosen, mu, meanLogit);
    }

    // ------------------------------------------------------------------------------------ reports

    private void writeReports(List<JsonObject> lines) {
        if (lines.isEmpty()) return;
        MixturePlots.usage(lines, cfg.pots(), cfg.run().name(), runDir.resolve(USAGE_PLOT));
        boolean[] active = curriculum.active();
        Validation v = validate(active);
        // titles and row labels: pot id, usage, majority label
        List<String> rows = MixturePlots.rowLabels(active, v.usage(), v.purity(), validation);
        MixturePlots.decodings(model, likelihood, active, cfg.decodeSamples(), cfg.run().seed(), runDir.resolve(DECODINGS),
                cfg.run().name() + ": decodings of the same z ~ N(0, I), one row per pot", rows);
        MixturePlots.members(validation, v.chosen(), active, cfg.decodeSamples(), runDir.resolve(MEMBERS),
                cfg.run().name() + ": validation samples each pot explains", rows);
        if (v.purity() != null) {
            AtomicFiles.writeString(runDir.resolve(PURITY), MixturePlots.purityTable(v.purity(), v.usage(), active,
                    validation));
        }
    }

    /**
     * Copies the optimizer's per-parameter state (Adam's m and v) of the parent pot's slices into
     * the child's, so that the two start as twins in the optimizer too. Without it the child's fresh
     * moments give it Adam steps 3–6 times the parent's for hundreds of steps (m̂/√v̂ with v still
     * small), its logit falls faster than the parent's under the same pull, and it empties
     * (measured on Fashion-MNIST; docs/mixture.md). Optimizer state arrays are aligned with the
     * parameters (array i belongs to parameter i mod P, as Adam lists m then v).
     */
    private void copyOptimizerState(int parent, int child) {
        List<Param> params = model.params();
        List<float[]> state = optimizer.stateArrays();
        List<MixtureVae.Slice> from = model.potSlices(parent), to = model.potSlices(child);
        for (int i = 0; i < state.size(); i++) {
            float[] s = state.get(i);
            int param = i % params.size();
            if (s.length != params.get(param).size()) continue;
            for (int j = 0; j < from.size(); j++) {
                if (from.get(j).param() != param) continue;
                System.arraycopy(s, from.get(j).offset(), s, to.get(j).offset(), from.get(j).length());
            }
        }
    }

    /** The model (for tests and tools that inspect a trained run). */
    MixtureVae model() {
        return model;
    }
}
