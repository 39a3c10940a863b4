package dev.kiln.train;

import com.google.gson.JsonObject;
import dev.kiln.backend.Backends;
import dev.kiln.config.JsonFields;
import dev.kiln.nn.Param;
import dev.kiln.optim.Optimizer;

import java.util.Arrays;
import java.util.List;

/**
 * The part of a config that the training loop ({@link Loop}) reads, the same keys for every model;
 * parsed and written here once, so the β-VAE's {@link TrainConfig} and the mixture's config share
 * it instead of repeating it. Each model states its own defaults ({@link Defaults}).
 *
 * @param name        run name, used in tables, plots and the console
 * @param seed        seeds initialization, shuffling and every noise generator; the same seed gives
 *                    a bit-identical run
 * @param epochs      epochs to train, ≥ 1
 * @param batchSize   samples per step
 * @param optimizer   which optimizer
 * @param lr          learning rate
 * @param weightDecay weight decay (coupled L2 for adam and sgd, decoupled for adamw)
 * @param momentum    SGD momentum (ignored by Adam; not a key where SGD is not allowed)
 * @param gradClip    global-norm clipping threshold; 0 turns clipping off
 * @param backend     the backend's name ({@link Backends#NAMES}), default {@link Backends#DEFAULT}
 */
public record LoopConfig(String name, long seed, int epochs, int batchSize, OptimizerKind optimizer, double lr,
                         double weightDecay, double momentum, double gradClip, String backend) {

    /**
     * What differs between models: the defaults and the optimizers allowed.
     *
     * @param optimizers the allowed optimizers, the first one the default
     */
    public record Defaults(String name, int epochs, int batchSize, double gradClip, OptimizerKind... optimizers) {
        public Defaults {
            optimizers = optimizers.clone();
        }

        boolean allowsSgd() {
            return Arrays.asList(optimizers).contains(OptimizerKind.SGD);
        }
    }

    /** Reads the loop's keys from {@code f} (the caller rejects unknown keys once it has read its own). */
    public static LoopConfig read(JsonFields f, Defaults d) {
        String name = f.string("name", d.name());
        long seed = f.longInteger("seed", 1);
        int epochs = f.integer("epochs", d.epochs(), 1, 100_000);
        int batchSize = f.integer("batch_size", d.batchSize(), 1, 4096);
        OptimizerKind optimizer = OptimizerKind.parse(f.choice("optimizer", d.optimizers()[0].configName(),
                OptimizerKind.names(d.optimizers())));
        double lr = f.number("lr", 1e-3, 1e-8, 10);
        double weightDecay = f.number("weight_decay", 0, 0, 1);
        double momentum = d.allowsSgd() ? f.number("momentum", 0.9, 0, 0.999) : 0.9;
        double gradClip = f.number("grad_clip", d.gradClip(), 0, 1e6);
        String backend = f.choice("backend", Backends.DEFAULT, Backends.NAMES);
        return new LoopConfig(name, seed, epochs, batchSize, optimizer, lr, weightDecay, momentum, gradClip, backend);
    }

    /** Writes the loop's keys into a resolved config, in the names {@link #read} reads. */
    public void writeTo(JsonObject o, Defaults d) {
        o.addProperty("name", name);
        o.addProperty("seed", seed);
        o.addProperty("epochs", epochs);
        o.addProperty("batch_size", batchSize);
        o.addProperty("optimizer", optimizer.configName());
        o.addProperty("lr", lr);
        o.addProperty("weight_decay", weightDecay);
        if (d.allowsSgd()) o.addProperty("momentum", momentum);
        o.addProperty("grad_clip", gradClip);
        o.addProperty("backend", backend);
    }

    /** The configured optimizer over {@code params}. */
    public Optimizer optimizer(List<Param> params) {
        return optimizer.create(params, lr, weightDecay, momentum);
    }
}
