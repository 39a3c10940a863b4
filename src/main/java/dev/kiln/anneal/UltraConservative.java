package dev.kiln.anneal;

import static dev.kiln.anneal.ScheduleMath.checkRange;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.positive;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code ultra_conservative} (spec 001): a long reconstruction-only warm-up, a slow linear ramp,
 * and a low ceiling, so that the decoder has learned to read z before the KL term pushes on it.
 * <pre>
 *   β(t) = 0                                               t &lt; w            (w = warmup_epochs)
 *        = max_beta · (t − w) / ramp_epochs                 w ≤ t &lt; w + r   (r = ramp_epochs)
 *        = max_beta                                         t ≥ w + r
 * </pre>
 * Defaults 20 / 60 / 0.1: β = 0 before epoch 20, 0.05 at epoch 50, 0.1 from epoch 80 on.
 *
 * @param warmupEpochs {@code warmup_epochs}, ≥ 0
 * @param rampEpochs   {@code ramp_epochs}, &gt; 0
 * @param maxBeta      {@code max_beta}, ≥ 0
 */
public record UltraConservative(double warmupEpochs, double rampEpochs, double maxBeta) implements BetaSchedule {
    public static final String NAME = "ultra_conservative";
    public static final double DEFAULT_WARMUP_EPOCHS = 20;
    public static final double DEFAULT_RAMP_EPOCHS = 60;
    public static final double DEFAULT_MAX_BETA = 0.1;

    public UltraConservative {
        nonNegative("warmup_epochs", warmupEpochs);
        positive("ramp_epochs", rampEpochs);
        nonNegative("max_beta", maxBeta);
    }

    /** Spec 001's values: 20 epochs at β = 0, 60 epochs of ramp, β = 0.1 at the top. */
    public static UltraConservative defaults() {
        return new UltraConservative(DEFAULT_WARMUP_EPOCHS, DEFAULT_RAMP_EPOCHS, DEFAULT_MAX_BETA);
    }

    @Override
    public double beta(double epoch) {
        double t = requireEpoch(NAME, epoch);
        double beta;
        if (t < warmupEpochs) {
            beta = 0;                                                  // 1. warm-up: reconstruction only
        } else if (t < warmupEpochs + rampEpochs) {
            beta = maxBeta * ((t - warmupEpochs) / rampEpochs);        // 2. slow linear ramp
        } else {
            beta = maxBeta;                                            // 3. hold at the low ceiling
        }
        return checkRange(NAME, t, beta, maxBeta);
    }

    @Override public boolean monotone() { return true; }
    @Override public String name() { return NAME; }

    @Override
    public String describe() {
        return NAME + "(warmup_epochs=" + fmt(warmupEpochs) + ", ramp_epochs=" + fmt(rampEpochs)
                + ", max_beta=" + fmt(maxBeta) + ")";
    }
}
