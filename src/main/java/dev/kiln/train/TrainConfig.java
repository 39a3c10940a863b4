package dev.kiln.train;

import com.google.gson.JsonObject;
import dev.kiln.anneal.Annealing;
import dev.kiln.anneal.Annealings;
import dev.kiln.error.BadInputException;
import dev.kiln.config.JsonFields;
import dev.kiln.config.MemoryGuard;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsMode;
import dev.kiln.io.Json;
import dev.kiln.monitor.CollapseDetector;
import dev.kiln.monitor.LatentStats;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one ARC training run needs, read from JSON and validated in one place. Every key is
 * optional (defaults below); an unknown key, a wrong type or an out-of-range value is rejected
 * with the key's name and what is allowed.
 *
 * <p>Loss units: the reconstruction term is the per-cell mean over the 900 cells of each padded
 * grid, and the KL term is the mean over latent dimensions and batch (nats per dimension, as free
 * bits report it), so the objective is {@code recon + β·kl_after}. Relative to the per-grid ELBO
 * (recon summed over cells, KL summed over dims) this β is scaled by 900/D.
 *
 * @param run             the loop's keys (name, seed, epochs, batch_size, optimizer "adam", "adamw"
 *                        or "sgd", lr, weight_decay, momentum, grad_clip, backend): {@link LoopConfig}
 * @param latentDim       D, latent dimensions
 * @param channels1       channels of the first convolution (c1)
 * @param channels2       channels of the second convolution (c2)
 * @param hidden          width of the dense layer around the latent
 * @param loss            the reconstruction loss
 * @param classWeightPower inverse-frequency power p: w_c ∝ freq_c^−p (weighted_ce; focal's α)
 * @param focalGamma      focal loss γ ≥ 0
 * @param scheduleType    β schedule or controller type (see {@link Annealings})
 * @param scheduleParams  its parameters
 * @param freeBitsMode    "none", "per_dim" or "mean_over_dims"
 * @param freeBitsLambda  λ, nats per latent dimension
 * @param evalEvery       evaluate on the validation split every this many epochs (and at the end)
 * @param valFraction     share of ARC tasks held out for validation
 * @param splitSeed       seed of the train/validation split
 * @param syntheticGrids  grids drawn by the synthetic generator when no data directory is given
 * @param collapse        thresholds of the collapse detector
 * @param miSamples       samples per point of the mutual-information estimate
 */
public record TrainConfig(
        LoopConfig run,
        int latentDim, int channels1, int channels2, int hidden,
        ReconLoss loss, double classWeightPower, double focalGamma,
        String scheduleType, Map<String, Object> scheduleParams,
        String freeBitsMode, double freeBitsLambda,
        int evalEvery, double valFraction, long splitSeed, int syntheticGrids,
        CollapseDetector.Config collapse, int miSamples) {

    /** The loop's defaults for the β-VAE. */
    static final LoopConfig.Defaults LOOP = new LoopConfig.Defaults("run", 20, 32, 5,
            OptimizerKind.ADAM, OptimizerKind.ADAMW, OptimizerKind.SGD);
    public static final String[] FREE_BITS_MODES = {"none", "per_dim", "mean_over_dims"};
    /** The collapse detector's default floor on non-black accuracy. */
    public static final double DEFAULT_MIN_NON_BLACK_ACC = 0.05;

    /** The reconstruction losses a config may name ({@code "loss"}). */
    public enum ReconLoss {
        /** Plain cross-entropy. */
        CE("ce"),
        /** Cross-entropy with inverse-frequency class weights. */
        WEIGHTED_CE("weighted_ce"),
        /** Focal loss with the class weights as α. */
        FOCAL("focal");

        private final String configName;

        ReconLoss(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        static String[] names() {
            String[] out = new String[values().length];
            for (int i = 0; i < out.length; i++) out[i] = values()[i].configName;
            return out;
        }

        static ReconLoss parse(String name) {
            for (ReconLoss l : values()) if (l.configName.equals(name)) return l;
            throw new IllegalArgumentException("unknown loss '" + name + "'; allowed: " + String.join(", ", names()));
        }
    }

    public TrainConfig {
        scheduleParams = new LinkedHashMap<>(scheduleParams);
    }

    public String name() {
        return run.name();
    }

    public int epochs() {
        return run.epochs();
    }

    /** The β schedule or controller this config names (a fresh instance; controllers hold state). */
    public Annealing annealing() {
        return Annealings.create(scheduleType, scheduleParams);
    }

    /** Free bits, or null when the mode is "none". */
    public FreeBits freeBits() {
        return freeBitsMode.equals("none") ? null
                : new FreeBits(FreeBitsMode.parse("free_bits.mode", freeBitsMode), freeBitsLambda);
    }

    /** Reads and validates a config file. */
    public static TrainConfig load(Path file) {
        return from(new JsonFields(file.getFileName().toString(), "", JsonFields.readObject(file)));
    }

    /** Parses and validates config text; {@code source} names it in messages. */
    public static TrainConfig parse(String source, String text) {
        return from(new JsonFields(source, "", JsonFields.parseObject(source, text)));
    }

    private static TrainConfig from(JsonFields f) {
        LoopConfig run = LoopConfig.read(f, LOOP);
        int latentDim = f.integer("latent_dim", 32, 1, 4096);
        int c1 = f.integer("channels1", 32, 1, 1024);
        int c2 = f.integer("channels2", 64, 1, 1024);
        int hidden = f.integer("hidden", 256, 1, 65536);
        ReconLoss loss = ReconLoss.parse(f.choice("loss", "weighted_ce", ReconLoss.names()));
        double power = f.number("class_weight_power", 0.5, 0, 2);
        double gamma = f.number("focal_gamma", 2, 0, 10);
        ConfigSource.Schedule s = ConfigSource.schedule(f, "schedule", "schedule",
                new ConfigSource.Schedule("constant", Map.of("beta", 0.0)), Annealings.allowedTypes());
        String scheduleType = s.type();
        Map<String, Object> scheduleParams = s.params();
        try {
            Annealings.create(scheduleType, scheduleParams);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(f.source() + ": key 'schedule': " + e.getMessage(), e);
        }

        JsonFields fb = f.object("free_bits");
        String fbMode = "none";
        double fbLambda = 0;
        if (fb != null) {
            fbMode = fb.choice("mode", "per_dim", FREE_BITS_MODES);
            fbLambda = fb.number("lambda", 0, 0, 100);
            fb.rejectUnknown();
        }

        int evalEvery = f.integer("eval_every", 1, 1, 100_000);
        double valFraction = f.number("val_fraction", 0.1, 0.01, 0.5);
        long splitSeed = f.longInteger("split_seed", 0);
        int synthetic = f.integer("synthetic_grids", 2000, 10, 1_000_000);

        // Collapse means predicting (almost) only black: non-black accuracy near 0, not merely below
        // spec 001's 30% target, which an untrained model at β = 0 also misses for its first epochs.
        CollapseDetector.Config d = new CollapseDetector.Config(LatentStats.DEFAULT_MIN_KL_PER_DIM,
                DEFAULT_MIN_NON_BLACK_ACC, CollapseDetector.Config.defaults().maxMajorityShare(),
                CollapseDetector.Config.defaults().patience());
        JsonFields c = f.object("collapse");
        if (c != null) {
            try {
                d = new CollapseDetector.Config(
                        c.number("min_kl_per_dim", d.minKlPerDim(), 0, 100),
                        c.number("min_non_black_acc", d.minNonMajorityAccuracy(), 0, 1),
                        c.number("max_majority_share", d.maxMajorityShare(), 0, 1),
                        c.integer("patience", d.patience(), 1, 1000));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(f.source() + ": key 'collapse': " + e.getMessage(), e);
            }
            c.rejectUnknown();
        }
        int miSamples = f.integer("mi_samples", 4, 1, 1000);
        f.rejectUnknown();
        MemoryGuard.requireArcConv(f.source(), run.batchSize(), c1, c2, hidden, latentDim, synthetic);
        return new TrainConfig(run, latentDim, c1, c2, hidden, loss, power, gamma, scheduleType, scheduleParams,
                fbMode, fbLambda, evalEvery, valFraction, splitSeed, synthetic, d, miSamples);
    }

    /** The resolved config, every default filled in, in the same key names the parser reads. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        run.writeTo(o, LOOP);
        o.addProperty("latent_dim", latentDim);
        o.addProperty("channels1", channels1);
        o.addProperty("channels2", channels2);
        o.addProperty("hidden", hidden);
        o.addProperty("loss", loss.configName());
        o.addProperty("class_weight_power", classWeightPower);
        o.addProperty("focal_gamma", focalGamma);
        o.add("schedule", new ConfigSource.Schedule(scheduleType, scheduleParams).toJson());
        JsonObject fb = new JsonObject();
        fb.addProperty("mode", freeBitsMode);
        fb.addProperty("lambda", freeBitsLambda);
        o.add("free_bits", fb);
        o.addProperty("eval_every", evalEvery);
        o.addProperty("val_fraction", valFraction);
        o.addProperty("split_seed", splitSeed);
        o.addProperty("synthetic_grids", syntheticGrids);
        JsonObject c = new JsonObject();
        c.addProperty("min_kl_per_dim", collapse.minKlPerDim());
        c.addProperty("min_non_black_acc", collapse.minNonMajorityAccuracy());
        c.addProperty("max_majority_share", collapse.maxMajorityShare());
        c.addProperty("patience", collapse.patience());
        o.add("collapse", c);
        o.addProperty("mi_samples", miSamples);
        return o;
    }

    public String toPrettyJson() {
        return Json.pretty(toJson());
    }

    /** A copy with another epoch count (the experiment's --epochs override), validated as a file would be. */
    public TrainConfig withEpochs(int newEpochs) {
        JsonObject o = toJson();
        o.addProperty("epochs", newEpochs);
        return parse(run.name() + " (--epochs " + newEpochs + ")", o.toString());
    }

    /** A copy with another backend. */
    public TrainConfig withBackend(String newBackend) {
        JsonObject o = toJson();
        o.addProperty("backend", newBackend);
        return parse(run.name() + " (--backend " + newBackend + ")", o.toString());
    }
}
