package dev.kiln.anneal;

import static dev.kiln.anneal.ScheduleMath.checkRange;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.positive;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code cosine}: 0 during the warm-up, then a half-cosine rise to max_beta over ramp_epochs
 * (zero slope at both ends), then max_beta.
 * <pre>
 *   β(t) = 0                                            t &lt; w
 *        = max_beta · (1 − cos(π (t − w) / r)) / 2       w ≤ t &lt; w + r
 *        = max_beta                                      t ≥ w + r
 * </pre>
 *
 * @param warmupEpochs {@code warmup_epochs}, ≥ 0
 * @param rampEpochs   {@code ramp_epochs}, &gt; 0
 * @param maxBeta      {@code max_beta}, ≥ 0
 */
public record CosineRamp(double warmupEpochs, double rampEpochs, double maxBeta) implements BetaSchedule {
    public static final String NAME = "cosine";

    public CosineRamp {
        nonNegative("warmup_epochs", warmupEpochs);
        positive("ramp_epochs", rampEpochs);
        nonNegative("max_beta", maxBeta);
    }

    @Override
    public double beta(double epoch) {
        double t = requireEpoch(NAME, epoch);
        double beta;
        if (t < warmupEpochs) {
            beta = 0;                                                              // 1. warm-up
        } else if (t < warmupEpochs + rampEpochs) {
            beta = maxBeta * RampShape.cosine((t - warmupEpochs) / rampEpochs);    // 2. half-cosine rise
        } else {
            beta = maxBeta;                                                        // 3. hold
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
