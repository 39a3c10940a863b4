package dev.kiln.mixture;

import dev.kiln.io.AtomicFiles;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.kiln.anneal.BetaSchedule;
import dev.kiln.backend.Backends;
import dev.kiln.error.BadInputException;
import dev.kiln.loss.GaussianKl;
import dev.kiln.nn.Param;
import dev.kiln.optim.Adam;
import dev.kiln.optim.GradClip;
import dev.kiln.optim.Optimizer;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Checkpoint;
import dev.kiln.train.RunDirectory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Trains the mixture VAE ({@link MixtureVae}) with the logit-MoG prior ({@link LogitMogPrior}) and
 * the pots curriculum ({@link PotCurriculum}), and writes a run directory:
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
 *   forward (z sampled), then, per sample b, in nats:
 *     recon_b   = −log p(x_b | out_b)
 *     KL_b      = Σ_k q[b, k]·KL(q(z_k | x_b) ‖ N(0, I))
 *     penalty_b = −log p_mix(y_b)       (raw logits, open pots)
 *   L = mean_b (recon_b + β·KL_b + λ·penalty_b)
 *   ∂L/∂KL[b, k, d] = β·q[b, k]/B;  ∂L/∂q[b, k] = β·KL[b, k]/B (open pots; closed q are 0 anyway)
 *   backward, clip, optimizer step
 * </pre>
 * <b>One epoch</b> ends with the validation pass (z = μ, each sample decoded by its most responsible
 * pot c* = argmax_A y): the validation objective V = mean(recon + KL of c*), usage, peakiness, purity,
 * the normality test; then the curriculum sees V and may open the next pot for the next epoch. With
 * {@code "new_pot": "split"} the new pot starts as a split of the busiest open pot ({@link PotSplit},
 * {@link MixtureVae#splitPot}), takes over that pot's optimizer moments ({@link #copyOptimizerState}),
 * and both pots are re-centred on their members' mean code ({@link MixtureVae#recentre}).
 */
public final class MixtureTrainer {
    static final Gson GSON = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create();
    static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    public static final String METRICS = RunDirectory.METRICS;
    public static final String CHECKPOINT = RunDirectory.CHECKPOINT;
    public static final String SUMMARY = RunDirectory.SUMMARY;
    public static final String USAGE_PLOT = "usage.png";
    public static final String DECODINGS = "decodings.png";
    public static final String MEMBERS = "members.png";
    public static final String PURITY = "purity.md";
    /** Samples from the prior used to report the peakiness of M and σ. */
    static final int PEAKINESS_SAMPLES = 20_000;

    private final MixtureConfig cfg;
    private final MixtureData train;
    private final MixtureData validation;
    private final String dataSource;
    private final Path runDir;
    private final RunDirectory files;
    private final PrintStream console;

    private final MixtureVae model;
    private final Optimizer optimizer;
    private final LogitMogPrior prior;
    private final BetaSchedule beta;
    private final BetaSchedule lambda;
    private final TemperatureSchedule temperature;
    private final PotCurriculum curriculum;
    private final Rng shuffle;
    private final GaussianKl kl = new GaussianKl();
    private final Likelihood likelihood;
    private final List<PotCurriculum.Event> events = new ArrayList<>();
    private int startEpoch;

    /** What a run returns: every epoch's metrics line, and the summary. */
    public record Result(List<JsonObject> metrics, JsonObject summary) {}

    public MixtureTrainer(MixtureConfig cfg, MixtureSplit data, Path runDir, PrintStream console) {
        this.cfg = cfg;
        this.train = data.train();
        this.validation = data.validation();
        this.dataSource = data.description();
        this.runDir = runDir;
        this.files = new RunDirectory(runDir);
        this.console = console;
        Backends.use(Backends.pick(cfg.backend()));
        if (train.size() == 0 || validation.size() == 0) {
            throw new BadInputException("mixture: need training and validation samples, got " + train.size() + " and "
                    + validation.size());
        }
        this.likelihood = train.likelihood();
        Rng root = new Rng(cfg.seed());
        Rng init = root.split();
        this.shuffle = root.split();
        this.model = new MixtureVae(train.inputSize(), cfg.hidden(), cfg.latentDim(), cfg.pots(), likelihood, init);
        this.optimizer = new Adam(model.params(), cfg.optimizer().equals("adamw")
                ? Adam.Config.adamW((float) cfg.lr(), (float) cfg.weightDecay())
                : new Adam.Config((float) cfg.lr(), 0.9f, 0.999f, 1e-8f, (float) cfg.weightDecay(), false));
        this.prior = cfg.prior();
        this.beta = cfg.beta();
        this.lambda = cfg.lambda();
        this.temperature = cfg.temperature();
        this.curriculum = new PotCurriculum(cfg.curriculum());
    }

    /** Trains from scratch, or from the run directory's checkpoint when {@code resume} is set. */
    public Result run(boolean resume) {
        List<JsonObject> lines = files.open(resume, cfg.toJson(), cfg.toPrettyJson(), this::restore);
        long wallStart = System.nanoTime();
        String status = "completed";
        String failure = null;
        console.printf(Locale.ROOT, "%s: %s; %d parameters, K_max %d, D %d, routing %s, %s, backend %s%n", cfg.name(),
                dataSource, parameterCount(), cfg.pots(), cfg.latentDim(), cfg.routing().configName(), prior.describe(),
                Backends.current().name());
        if (startEpoch > 0) console.printf(Locale.ROOT, "%s: resumed after epoch %d%n", cfg.name(), startEpoch);
        for (int epoch = startEpoch; epoch < cfg.epochs(); epoch++) {
            JsonObject line;
            try {
                line = epoch(epoch);
            } catch (NonFiniteException e) {
                status = "diverged";
                failure = "epoch " + (epoch + 1) + ": " + e.getMessage();
                console.println(cfg.name() + ": stopped, " + failure);
                break;
            }
            lines.add(line);
            files.appendMetrics(line);
            writeCheckpoint(epoch + 1);
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        writeReports(lines);
        JsonObject summary = summary(lines, status, failure, wall);
        String warning = MixturePlots.neverUnlocked(lines, cfg.curriculum());   // issue 13 hook
        if (warning != null) {
            console.println(cfg.name() + ": warning: " + warning);
            summary.addProperty("warning", warning);
        }
        AtomicFiles.writeString(runDir.resolve(SUMMARY), PRETTY.toJson(summary));
        return new Result(lines, summary);
    }

    // ------------------------------------------------------------------------------------ one epoch

    private JsonObject epoch(int epoch) {
        long t0 = System.nanoTime();
        boolean[] active = curriculum.active();
        boolean kick = curriculum.inKick();
        PotCurriculum.Kick k = cfg.curriculum().kick();
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        shuffle.shuffle(order);
        int bs = cfg.batchSize();
        int steps = (order.length + bs - 1) / bs;
        double sumRecon = 0, sumKl = 0, sumPenalty = 0, sumLoss = 0, sumTau = 0, sumLambda = 0, sumBeta = 0;
        RoutingMode mode = kick && cfg.routing() == RoutingMode.STRAIGHT_THROUGH ? RoutingMode.GUMBEL : cfg.routing();
        for (int step = 0; step < steps; step++) {
            int[] idx = Arrays.copyOfRange(order, step * bs, Math.min(order.length, (step + 1) * bs));
            MixtureBatch batch = train.batch(idx);
            double t = epoch + (double) step / steps;                             // fractional epoch
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
            StepLoss loss = step(batch, new MixtureVae.Step(active, mode, (float) tau, bias, true), bta, lam);
            if (cfg.gradClip() > 0) {
                NonFiniteException.check("gradient norm", GradClip.clipGlobalNorm(optimizer.params(), cfg.gradClip()));
            }
            optimizer.step();
            sumRecon += loss.recon();
            sumKl += loss.kl();
            sumPenalty += loss.penalty();
            sumLoss += loss.total();
            sumTau += tau;
            sumLambda += lam;
            sumBeta += bta;
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;

        JsonObject line = new JsonObject();
        line.addProperty("epoch", epoch + 1);
        line.addProperty("stage", curriculum.stage());
        line.addProperty("open_pots", Pots.count(active));
        line.add("active", GSON.toJsonTree(Pots.list(active)));
        line.addProperty("kick", kick);
        line.addProperty("routing", mode.configName());
        line.addProperty("temperature", sumTau / steps);
        line.addProperty("lambda", sumLambda / steps);
        line.addProperty("beta", sumBeta / steps);
        line.addProperty("recon", sumRecon / steps);
        line.addProperty("kl", sumKl / steps);
        line.addProperty("penalty", sumPenalty / steps);
        line.addProperty("loss", sumLoss / steps);
        Validation v = validate(active);
        v.addTo(line, validation);
        PotCurriculum.Event event = curriculum.observe(epoch + 1, v.objective(), Normality.anyFails(v.normality()));
        line.addProperty("plateau_counter", curriculum.sinceImprovement());
        if (event != null) {
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
        } else {
            line.add("event", JsonNull.INSTANCE);
        }
        line.addProperty("train_seconds", trainSeconds);
        line.addProperty("epoch_seconds", (System.nanoTime() - t0) / 1e9);
        console.println(format(line));
        return line;
    }

    /** The four numbers of one step, each the batch mean in nats per sample. */
    record StepLoss(double recon, double kl, double penalty, double total) {}

    /**
     * One forward and backward pass of the objective (no optimizer step), adding into every
     * parameter's gradient after zeroing them: the step the class comment describes. Package-private
     * so that the tests can check its gradient.
     */
    StepLoss step(MixtureBatch batch, MixtureVae.Step settings, double bta, double lam) {
        optimizer.zeroGrad();
        return objective(model, prior, likelihood, kl, batch, settings, bta, lam, true);
    }

    /** The objective of one batch; with {@code backward}, its gradient is added into the parameters. */
    static StepLoss objective(MixtureVae model, LogitMogPrior prior, Likelihood likelihood, GaussianKl kl,
                              MixtureBatch batch, MixtureVae.Step settings, double bta, double lam, boolean backward) {
        int b = batch.size(), pots = model.pots(), dims = model.latentDim();
        boolean[] active = settings.active();
        MixtureVae.Pass p = model.forward(batch.inputs(), settings);
        Likelihood.Term term = likelihood.term();
        double recon = term.forward(p.out(), batch);
        Tensor klMatrix = kl.forward(openColumns(p.mu(), active, dims), openColumns(p.logVar(), active, dims));  // [B, K·D]
        float[] klPot = new float[b * pots];                                       // [B, K]
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < pots; c++) {
                double s = 0;
                for (int d = 0; d < dims; d++) s += klMatrix.data[(i * pots + c) * dims + d];
                klPot[i * pots + c] = (float) s;
            }
        }
        double klTerm = 0;
        for (int i = 0; i < b * pots; i++) klTerm += (double) p.responsibilities().data[i] * klPot[i];
        klTerm /= b;
        double penalty = prior.forward(p.logits(), active);
        double total = NonFiniteException.check("objective", recon + bta * klTerm + lam * penalty);
        if (backward) {
            Tensor dKl = klMatrix.zerosLike();                                     // [B, K·D]
            Tensor dQ = p.responsibilities().zerosLike();                          // [B, K]
            for (int i = 0; i < b; i++) {
                for (int c = 0; c < pots; c++) {
                    if (!active[c]) continue;
                    float q = p.responsibilities().data[i * pots + c];
                    for (int d = 0; d < dims; d++) dKl.data[(i * pots + c) * dims + d] = (float) (bta * q / b);
                    dQ.data[i * pots + c] = (float) (bta * klPot[i * pots + c] / b);
                }
            }
            GaussianKl.Grads g = kl.backward(dKl);
            model.backward(new MixtureVae.Grads(term.backward(), dQ, prior.backward(lam), g.dMu(), g.dLogVar()));
        }
        return new StepLoss(recon, klTerm, penalty, total);
    }

    /**
     * A copy of a [B, K·D] posterior parameter with the closed pots' columns set to 0, so that their
     * KL is exactly 0 and never computed from whatever their untrained heads emit (the KL weights
     * them by q = 0 anyway; this also keeps an overflow there from stopping the run).
     */
    static Tensor openColumns(Tensor x, boolean[] active, int dims) {
        Tensor out = x.copy();
        int batch = x.dim(0), pots = active.length;
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pots; k++) {
                if (!active[k]) java.util.Arrays.fill(out.data, (b * pots + k) * dims, (b * pots + k + 1) * dims, 0f);
            }
        }
        return out;
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
            line.add("usage", GSON.toJsonTree(usage.usage()));
            line.add("soft_usage", GSON.toJsonTree(usage.softUsage()));
            line.addProperty("mean_max_responsibility", usage.meanMaxResponsibility());
            line.addProperty("entropy", usage.meanEntropy());
            line.add("mean_logit", GSON.toJsonTree(meanLogit));
            if (purity != null) {
                line.addProperty("nmi", purity.nmi());
                line.addProperty("purity", purity.purity());
                line.add("majority_label", GSON.toJsonTree(purity.majority()));
                line.add("label_table", GSON.toJsonTree(purity.table()));
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
        int n = validation.size(), pots = cfg.pots(), dims = cfg.latentDim(), bs = cfg.batchSize();
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
            Tensor k = kl.forward(openColumns(e.mu(), active, dims), openColumns(e.logVar(), active, dims));
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
        MixturePlots.usage(lines, cfg.pots(), cfg.name(), runDir.resolve(USAGE_PLOT));
        boolean[] active = curriculum.active();
        Validation v = validate(active);
        // issue 13 hook: titles and row labels (pot id, usage, majority label), all logic in MixturePlots
        List<String> rows = MixturePlots.rowLabels(active, v.usage(), v.purity(), validation);
        MixturePlots.decodings(model, likelihood, active, cfg.decodeSamples(), cfg.seed(), runDir.resolve(DECODINGS),
                cfg.name() + ": decodings of the same z ~ N(0, I), one row per pot", rows);
        MixturePlots.members(validation, v.chosen(), active, cfg.decodeSamples(), runDir.resolve(MEMBERS),
                cfg.name() + ": validation samples each pot explains", rows);
        if (v.purity() != null) {
            AtomicFiles.writeString(runDir.resolve(PURITY), MixturePlots.purityTable(v.purity(), v.usage(), active,
                    validation));
        }
    }

    private JsonObject summary(List<JsonObject> lines, String status, String failure, double wall) {
        JsonObject s = new JsonObject();
        s.addProperty("name", cfg.name());
        s.addProperty("status", status);
        if (failure != null) s.addProperty("failure", failure);
        s.addProperty("data", dataSource);
        s.addProperty("train_samples", train.size());
        s.addProperty("validation_samples", validation.size());
        s.addProperty("parameters", parameterCount());
        s.addProperty("backend", Backends.current().name());
        s.addProperty("epochs", lines.size());
        s.addProperty("curriculum", cfg.curriculum().enabled() ? cfg.curriculum().trigger().configName() : "off (all pots)");
        s.addProperty("open_pots", curriculum.openCount());
        s.addProperty("frozen", curriculum.frozen());
        JsonArray ev = new JsonArray();
        for (PotCurriculum.Event e : events) ev.add(e.toJson());
        s.add("events", ev);
        s.addProperty("prior", prior.describe());
        JsonObject peak = new JsonObject();
        for (int pots : new int[] {curriculum.openCount(), cfg.pots()}) {
            LogitMogPrior.Peakiness p = prior.priorPeakiness(pots, PEAKINESS_SAMPLES, new Rng(cfg.seed() + pots));
            JsonObject o = new JsonObject();
            o.addProperty("mean_max_responsibility", p.meanMaxResponsibility());
            o.addProperty("entropy", p.meanEntropy());
            peak.add(pots + "_pots", o);
        }
        s.add("prior_peakiness", peak);
        s.addProperty("wall_seconds_this_session", wall);
        double epochSeconds = 0;
        for (JsonObject o : lines) epochSeconds += o.get("epoch_seconds").getAsDouble();
        s.addProperty("train_wall_seconds", epochSeconds);
        s.addProperty("seconds_per_epoch", lines.isEmpty() ? 0 : epochSeconds / lines.size());
        if (!lines.isEmpty()) s.add("final", lines.get(lines.size() - 1));
        return s;
    }

    /** The console line of one epoch; every number is a metrics.jsonl key. */
    static String format(JsonObject m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "epoch %3d  pots %d%s  τ %.3f  λ %.3f  recon %.2f  kl %.2f  pen %.2f  | val %.2f  max-r %.3f  H %.3f",
                m.get("epoch").getAsInt(), m.get("open_pots").getAsInt(), m.get("kick").getAsBoolean() ? " (kick)" : "",
                m.get("temperature").getAsDouble(), m.get("lambda").getAsDouble(), m.get("recon").getAsDouble(),
                m.get("kl").getAsDouble(), m.get("penalty").getAsDouble(), m.get("val_objective").getAsDouble(),
                m.get("mean_max_responsibility").getAsDouble(), m.get("entropy").getAsDouble()));
        if (m.has("nmi")) {
            sb.append(String.format(Locale.ROOT, "  NMI %.3f  purity %.3f", m.get("nmi").getAsDouble(),
                    m.get("purity").getAsDouble()));
        }
        sb.append("  usage [");
        JsonArray usage = m.getAsJsonArray("usage");
        int open = m.get("open_pots").getAsInt();
        for (int c = 0; c < Math.min(usage.size(), Math.max(open, 1)); c++) {
            if (c > 0) sb.append(' ');
            sb.append(String.format(Locale.ROOT, "%.2f", usage.get(c).getAsDouble()));
        }
        sb.append(']');
        if (m.has("event") && !m.get("event").isJsonNull()) {
            JsonObject e = m.getAsJsonObject("event");
            sb.append("  ").append(e.get("type").getAsString().toUpperCase(Locale.ROOT)).append(" pot ")
                    .append(e.get("pot").getAsInt());
        }
        sb.append(String.format(Locale.ROOT, "  (%.1fs)", m.get("epoch_seconds").getAsDouble()));
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------ state

    private void writeCheckpoint(int epochsDone) {
        JsonObject h = new JsonObject();
        h.add("shuffle_rng", GSON.toJsonTree(shuffle.saveState()));
        h.add("noise_rng", GSON.toJsonTree(model.noise().saveState()));
        h.add("gumbel_rng", GSON.toJsonTree(model.gumbel().saveState()));
        h.add("curriculum", curriculum.saveState());
        JsonArray ev = new JsonArray();
        for (PotCurriculum.Event e : events) ev.add(e.toJson());
        h.add("events", ev);
        files.writeCheckpoint(epochsDone, cfg.toJson(), h, model.params(), optimizer);
    }

    private void restore(Checkpoint c) {
        JsonObject h = c.header();
        startEpoch = RunDirectory.epochsDone(c);
        RunDirectory.restoreModel(c, model.params(), optimizer);
        shuffle.restoreState(GSON.fromJson(h.get("shuffle_rng"), long[].class));
        model.noise().restoreState(GSON.fromJson(h.get("noise_rng"), long[].class));
        model.gumbel().restoreState(GSON.fromJson(h.get("gumbel_rng"), long[].class));
        curriculum.restoreState(h.getAsJsonObject("curriculum"));
        events.clear();
        for (var e : h.getAsJsonArray("events")) {
            JsonObject o = e.getAsJsonObject();
            events.add(new PotCurriculum.Event(o.get("type").getAsString(), o.get("epoch").getAsInt(),
                    o.get("pot").getAsInt(), o.get("reason").getAsString()));
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

    private long parameterCount() {
        long n = 0;
        for (Param p : model.params()) n += p.size();
        return n;
    }

    /** The model (for tests and tools that inspect a trained run). */
    MixtureVae model() {
        return model;
    }
}
