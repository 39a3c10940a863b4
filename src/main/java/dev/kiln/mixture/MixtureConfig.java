package dev.kiln.mixture;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kiln.anneal.Annealings;
import dev.kiln.anneal.BetaSchedule;
import dev.kiln.error.BadInputException;
import dev.kiln.config.JsonFields;
import dev.kiln.io.Json;
import dev.kiln.train.ConfigSource;
import dev.kiln.train.LoopConfig;
import dev.kiln.train.OptimizerKind;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one mixture-VAE run needs, read from JSON (the file names {@code "model": "mixture"})
 * and validated in one place; an unknown key, a wrong type or an out-of-range value is rejected with
 * the key's dotted name and what is allowed. docs/mixture.md lists every key with an example.
 *
 * <p>Units: the objective is recon + β·KL + λ·penalty, each in nats per sample (reconstruction summed
 * over pixels or cells, KL summed over the D dimensions of each pot and weighted by its
 * responsibility, penalty −log p_mix(y)).
 *
 * @param run             the loop's keys (name, seed, epochs, batch_size, optimizer "adam" or
 *                        "adamw", lr, weight_decay, grad_clip, backend): {@link LoopConfig}; the
 *                        seed also seeds the Gumbel noise
 * @param dataset         "fashion_mnist", "arc" or "synthetic"
 * @param trainSize       training samples (fashion, synthetic; for arc a cap, 0 = every grid)
 * @param valSize         validation samples (fashion: from the test split; synthetic)
 * @param valFraction     arc: share of tasks held out for validation
 * @param splitSeed       seeds which samples are drawn and the arc split
 * @param syntheticGrids  arc without --data: synthetic ARC-like grids to draw
 * @param blobClasses     synthetic: prototypes (label classes)
 * @param blobSide        synthetic: image side
 * @param blobFlip        synthetic: pixel flip probability
 * @param pots            K_max
 * @param latentDim       D, latent dimensions per pot
 * @param hidden          encoder widths (the decoder mirrors them)
 * @param routing         routing mode
 * @param temperature     τ schedule
 * @param betaType        β schedule type (toolkit), β weighs the KL
 * @param betaParams      its parameters
 * @param separation      M of the logit prior
 * @param sigma           σ of the logit prior
 * @param lambdaType      λ schedule type (toolkit), must start at 0
 * @param lambdaParams    its parameters
 * @param curriculum      the pots curriculum (enabled = false: all pots from the start)
 * @param normalityAlpha  the Jarque–Bera level α (reported always; the normality trigger uses it)
 * @param decodeSamples   decodings per pot in the grid plot
 */
public record MixtureConfig(
        LoopConfig run,
        String dataset, int trainSize, int valSize, double valFraction, long splitSeed, int syntheticGrids,
        int blobClasses, int blobSide, double blobFlip,
        int pots, int latentDim, int[] hidden,
        RoutingMode routing, TemperatureSchedule temperature, Map<String, Object> temperatureParams,
        String betaType, Map<String, Object> betaParams,
        double separation, double sigma, String lambdaType, Map<String, Object> lambdaParams,
        PotCurriculum.Config curriculum, double normalityAlpha, int decodeSamples) {

    /** The value of the top-level "model" key that selects this trainer. */
    public static final String MODEL = "mixture";
    public static final String[] DATASETS = {"fashion_mnist", "arc", "synthetic"};
    /** The loop's defaults for the mixture VAE. */
    static final LoopConfig.Defaults LOOP = new LoopConfig.Defaults("mixture", 30, 64, 10, OptimizerKind.ADAM,
            OptimizerKind.ADAMW);

    public MixtureConfig {
        hidden = hidden.clone();
        temperatureParams = new LinkedHashMap<>(temperatureParams);
        betaParams = new LinkedHashMap<>(betaParams);
        lambdaParams = new LinkedHashMap<>(lambdaParams);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** β as a function of fractional epochs. */
    public BetaSchedule beta() {
        return Annealings.schedule(betaType, betaParams);
    }

    /** λ as a function of fractional epochs; λ(0) = 0. */
    public BetaSchedule lambda() {
        return Annealings.schedule(lambdaType, lambdaParams);
    }

    public LogitMogPrior prior() {
        return new LogitMogPrior(separation, sigma);
    }

    // ------------------------------------------------------------------------------------ dispatch

    /**
     * True when the config file selects this trainer ({@code "model": "mixture"}); false when it has
     * no "model" key (the ARC β-VAE config). Any other value is refused, naming the allowed one.
     */
    public static boolean isMixture(Path file) {
        JsonObject root = JsonFields.readObject(file);
        JsonElement model = root.get("model");
        if (model == null || model.isJsonNull()) return false;
        if (model.isJsonPrimitive() && MODEL.equals(model.getAsString())) return true;
        throw new BadInputException(file.getFileName() + ": key 'model': " + model + " is not allowed; allowed: \""
                + MODEL + "\" (or no 'model' key for the ARC β-VAE)");
    }

    /** Reads and validates a config file. */
    public static MixtureConfig load(Path file) {
        return from(new JsonFields(file.getFileName().toString(), "", JsonFields.readObject(file)));
    }

    /** Parses and validates config text; {@code source} names it in messages. */
    public static MixtureConfig parse(String source, String text) {
        return from(new JsonFields(source, "", JsonFields.parseObject(source, text)));
    }

    // ------------------------------------------------------------------------------------ parsing

    /** λ's default schedule parameters, in a fixed order (the checkpoint header must not depend on Map.of's). */
    private static Map<String, Object> lambdaDefaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("warmup_epochs", 10.0);
        m.put("max_beta", 1.0);
        return m;
    }

    private static MixtureConfig from(JsonFields f) {
        String model = f.string("model", null);
        if (!MODEL.equals(model)) {
            throw new BadInputException(f.source() + ": key 'model': " + (model == null ? "missing" : "'" + model + "'")
                    + "; a mixture config needs \"model\": \"" + MODEL + "\"");
        }
        LoopConfig run = LoopConfig.read(f, LOOP);

        String dataset = f.choice("dataset", "fashion_mnist", DATASETS);
        int trainSize = f.integer("train_size", dataset.equals("arc") ? 0 : 10_000, 0, 10_000_000);
        int valSize = f.integer("val_size", 2000, 1, 10_000_000);
        double valFraction = f.number("val_fraction", 0.1, 0.01, 0.5);
        long splitSeed = f.longInteger("split_seed", 0);
        int syntheticGrids = f.integer("synthetic_grids", 2000, 10, 1_000_000);
        if (!dataset.equals("arc") && trainSize < 1) {
            throw new BadInputException(f.source() + ": key 'train_size': 0 means 'every grid' for arc only; "
                    + dataset + " needs ≥ 1");
        }
        JsonFields blobs = f.object("synthetic");
        int blobClasses = 4, blobSide = 8;
        double blobFlip = 0.05;
        if (blobs != null) {
            blobClasses = blobs.integer("classes", blobClasses, 1, 64);
            blobSide = blobs.integer("side", blobSide, 2, 64);
            blobFlip = blobs.number("flip", blobFlip, 0, 0.49);
            blobs.rejectUnknown();
        }

        int pots = f.integer("k_max", 10, 1, 64);
        int latentDim = f.integer("latent_dim", 8, 1, 1024);
        int[] hidden = f.intList("hidden", new int[] {256}, 1, 65_536);
        RoutingMode routing = RoutingMode.parse(f.choice("routing", "straight_through", RoutingMode.configNames()));

        // temperature: {"start", "end", "schedule": {toolkit schedule used as progress}}
        JsonFields t = f.object("temperature");
        double tStart = 1.0, tEnd = 0.5;
        ConfigSource.Schedule tRamp = new ConfigSource.Schedule("cosine", Map.of("ramp_epochs", 20.0));
        if (t != null) {
            tStart = t.number("start", tStart, 1e-3, 100);
            tEnd = t.number("end", tEnd, 1e-3, 100);
            tRamp = ConfigSource.schedule(t, "schedule", "temperature.schedule", tRamp, TIME_SCHEDULES);
            t.rejectUnknown();
        }
        String tType = tRamp.type();
        Map<String, Object> tParams = tRamp.params();
        TemperatureSchedule temperature;
        try {
            temperature = new TemperatureSchedule(tStart, tEnd, Annealings.schedule(tType, tParams));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(f.source() + ": key 'temperature': " + e.getMessage(), e);
        }

        // beta: a toolkit schedule object
        ConfigSource.Schedule b = ConfigSource.schedule(f, "beta", "beta",
                new ConfigSource.Schedule("constant", Map.of("beta", 1.0)), TIME_SCHEDULES);
        String betaType = b.type();
        Map<String, Object> betaParams = b.params();
        try {
            Annealings.schedule(betaType, betaParams);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(f.source() + ": key 'beta': " + e.getMessage(), e);
        }

        // prior: {"separation", "sigma", "lambda": {schedule starting at 0}}
        JsonFields p = f.object("prior");
        double separation = 6, sigma = 1;
        ConfigSource.Schedule l = new ConfigSource.Schedule("linear_warmup", lambdaDefaults());
        if (p != null) {
            separation = p.number("separation", separation, 1e-3, 1e3);
            sigma = p.number("sigma", sigma, 1e-3, 1e3);
            l = ConfigSource.schedule(p, "lambda", "prior.lambda", l, TIME_SCHEDULES);
            p.rejectUnknown();
        }
        String lambdaType = l.type();
        Map<String, Object> lambdaParams = l.params();
        try {
            BetaSchedule lambda = Annealings.schedule(lambdaType, lambdaParams);
            if (lambda.beta(0) != 0) {
                throw new IllegalArgumentException(lambda.describe() + " gives λ(0) = " + lambda.beta(0)
                        + "; λ must anneal from 0 (e.g. linear_warmup, cosine, sigmoid, or constant 0 for no prior)");
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(f.source() + ": key 'prior.lambda': " + e.getMessage(), e);
        }

        // curriculum
        JsonFields c = f.object("curriculum");
        boolean enabled = true;
        String trigger = "plateau";
        String newPot = "split";
        double splitMargin = 2.0;
        int patience = 2, minStage = 3, kickEpochs = 1;
        double minRel = 0.002, minGain = 0.002, alpha = 0.01;
        double kickTemp = 2.0, kickBias = 1.0, kickLambda = 0.5;
        if (c != null) {
            enabled = c.bool("enabled", enabled);
            trigger = c.choice("trigger", trigger, "plateau", "normality");
            patience = c.integer("patience", patience, 1, 10_000);
            minRel = c.number("min_rel_improvement", minRel, 0, 0.999);
            minGain = c.number("min_gain", minGain, 0, 0.999);
            minStage = c.integer("min_stage_epochs", minStage, 1, 10_000);
            alpha = c.number("normality_alpha", alpha, 1e-12, 0.5);
            newPot = c.choice("new_pot", newPot, "split", "fresh");
            splitMargin = c.number("split_margin", splitMargin, 1e-3, 100);
            JsonFields k = c.object("kick");
            if (k != null) {
                kickEpochs = k.integer("epochs", kickEpochs, 0, 10_000);
                kickTemp = k.number("temperature", kickTemp, 1e-3, 100);
                kickBias = k.number("logit_bias", kickBias, 0, 100);
                kickLambda = k.number("lambda_scale", kickLambda, 0, 1);
                k.rejectUnknown();
            }
            c.rejectUnknown();
        }
        PotCurriculum.Config curriculum = new PotCurriculum.Config(pots, enabled, PotCurriculum.Trigger.parse(trigger),
                patience, minRel, minGain, minStage, new PotCurriculum.Kick(kickEpochs, kickTemp, kickBias, kickLambda),
                PotCurriculum.NewPot.parse(newPot), splitMargin);
        int decodeSamples = f.integer("decode_samples", 8, 1, 64);
        f.rejectUnknown();
        return new MixtureConfig(run, dataset, trainSize, valSize, valFraction,
                splitSeed, syntheticGrids, blobClasses, blobSide, blobFlip, pots, latentDim, hidden, routing, temperature, tParams, betaType, betaParams, separation, sigma,
                lambdaType, lambdaParams, curriculum, alpha, decodeSamples);
    }

    private static final String TIME_SCHEDULES = String.join(", ", Annealings.TIME_SCHEDULES);

    // ------------------------------------------------------------------------------------ output

    /** The resolved config, every default filled in, in the key names the parser reads. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model", MODEL);
        run.writeTo(o, LOOP);
        o.addProperty("dataset", dataset);
        o.addProperty("train_size", trainSize);
        o.addProperty("val_size", valSize);
        o.addProperty("val_fraction", valFraction);
        o.addProperty("split_seed", splitSeed);
        o.addProperty("synthetic_grids", syntheticGrids);
        JsonObject blobs = new JsonObject();
        blobs.addProperty("classes", blobClasses);
        blobs.addProperty("side", blobSide);
        blobs.addProperty("flip", blobFlip);
        o.add("synthetic", blobs);
        o.addProperty("k_max", pots);
        o.addProperty("latent_dim", latentDim);
        JsonArray h = new JsonArray();
        for (int w : hidden) h.add(w);
        o.add("hidden", h);
        o.addProperty("routing", routing.configName());
        JsonObject t = new JsonObject();
        t.addProperty("start", temperature.start());
        t.addProperty("end", temperature.end());
        t.add("schedule", new ConfigSource.Schedule(temperature.ramp().name(), temperatureParams).toJson());
        o.add("temperature", t);
        o.add("beta", new ConfigSource.Schedule(betaType, betaParams).toJson());
        JsonObject p = new JsonObject();
        p.addProperty("separation", separation);
        p.addProperty("sigma", sigma);
        p.add("lambda", new ConfigSource.Schedule(lambdaType, lambdaParams).toJson());
        o.add("prior", p);
        JsonObject c = new JsonObject();
        c.addProperty("enabled", curriculum.enabled());
        c.addProperty("trigger", curriculum.trigger().configName());
        c.addProperty("patience", curriculum.patience());
        c.addProperty("min_rel_improvement", curriculum.minRelImprovement());
        c.addProperty("min_gain", curriculum.minGain());
        c.addProperty("min_stage_epochs", curriculum.minStageEpochs());
        c.addProperty("normality_alpha", normalityAlpha);
        c.addProperty("new_pot", curriculum.newPot().configName());
        c.addProperty("split_margin", curriculum.splitMargin());
        JsonObject k = new JsonObject();
        k.addProperty("epochs", curriculum.kick().epochs());
        k.addProperty("temperature", curriculum.kick().temperature());
        k.addProperty("logit_bias", curriculum.kick().logitBias());
        k.addProperty("lambda_scale", curriculum.kick().lambdaScale());
        c.add("kick", k);
        o.add("curriculum", c);
        o.addProperty("decode_samples", decodeSamples);
        return o;
    }

    public String toPrettyJson() {
        return Json.pretty(toJson());
    }
}
