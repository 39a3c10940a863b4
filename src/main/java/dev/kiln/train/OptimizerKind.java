package dev.kiln.train;

import dev.kiln.nn.Param;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.Sgd;

import java.util.Arrays;
import java.util.List;

/** The optimizers a config may name ({@code "optimizer"}), each built from the run's settings. */
public enum OptimizerKind {
    /** Adam with coupled L2 weight decay (added to the gradient). */
    ADAM("adam"),
    /** AdamW: weight decay decoupled from the adaptive step (Loshchilov &amp; Hutter 2019). */
    ADAMW("adamw"),
    /** SGD with momentum and coupled L2 weight decay. */
    SGD("sgd");

    private final String configName;

    OptimizerKind(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The config names of {@code kinds}, for {@code JsonFields.choice}. */
    static String[] names(OptimizerKind... kinds) {
        return Arrays.stream(kinds).map(OptimizerKind::configName).toArray(String[]::new);
    }

    /** The kind of that config name (already validated by the parser). */
    static OptimizerKind parse(String name) {
        for (OptimizerKind k : values()) if (k.configName.equals(name)) return k;
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; allowed: "
                + String.join(", ", names(values())));
    }

    /** The optimizer over {@code params} with learning rate, weight decay and (SGD) momentum. */
    Optimizer create(List<Param> params, double lr, double weightDecay, double momentum) {
        return switch (this) {
            case ADAM -> new Adam(params, new Adam.Config((float) lr, 0.9f, 0.999f, 1e-8f, (float) weightDecay, false));
            case ADAMW -> new Adam(params, Adam.Config.adamW((float) lr, (float) weightDecay));
            case SGD -> new Sgd(params, new Sgd.Config((float) lr, (float) momentum, (float) weightDecay));
        };
    }
}
