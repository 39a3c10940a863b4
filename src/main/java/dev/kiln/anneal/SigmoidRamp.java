package dev.kiln.anneal;

import static dev.kiln.anneal.ScheduleMath.checkRange;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.positive;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code sigmoid}: 0 during the warm-up, then an S-shaped rise to max_beta over ramp_epochs
 * (slow start, fast middle, slow finish), then max_beta.
 * <pre>
 *   β(t) = 0                                                   t &lt; w
 *        = max_beta · sigmoid((t − w) / r; k)                   w ≤ t &lt; w + r
 *        = max_beta                                             t ≥ w + r
 * </pre>
 * with the rescaled logistic of {@link RampShape#sigmoid(double, double)}, k = steepness.
 *
 * @param warmupEpochs {@code warmup_epochs}, ≥ 0
 * @param rampEpochs   {@code ramp_epochs}, &gt; 0
 * @param maxBeta      {@code max_beta}, ≥ 0
 * @param steepness    {@code steepness} k, &gt; 0 (default 10; larger is closer to a step)
 */
public record SigmoidRamp(double warmupEpochs, double rampEpochs, double maxBeta, double steepness)
        implements BetaSchedule {
    public static final String NAME = "sigmoid";

    public SigmoidRamp {
        nonNegative("warmup_epochs", warmupEpochs);
        positive("ramp_epochs", rampEpochs);
        nonNegative("max_beta", maxBeta);
        positive("steepness", steepness);
    }

    @Override
    public double beta(double epoch) {
        double t = requireEpoch(NAME, epoch);
        double beta;
        if (t < warmupEpochs) {
            beta = 0;                                                                     // 1. warm-up
        } else if (t < warmupEpochs + rampEpochs) {
            beta = maxBeta * RampShape.sigmoid((t - warmupEpochs) / rampEpochs, steepness); // 2. S-shaped rise
        } else {
            beta = maxBeta;                                                               // 3. hold
        }
        return checkRange(NAME, t, beta, maxBeta);
    }

    @Override public boolean monotone() { return true; }
    @Override public String name() { return NAME; }

    @Override
    public String describe() {
        return NAME + "(warmup_epochs=" + fmt(warmupEpochs) + ", ramp_epochs=" + fmt(rampEpochs)
                + ", max_beta=" + fmt(maxBeta) + ", steepness=" + fmt(steepness) + ")";
    }
}
