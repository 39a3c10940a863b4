package dev.kiln.anneal;

import static dev.kiln.anneal.ScheduleMath.checkRange;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code linear_warmup}: β rises linearly from 0 at t = 0 to max_beta at t = warmup_epochs, then
 * stays there.
 * <pre>
 *   β(t) = max_beta · t / warmup_epochs     for t &lt; warmup_epochs
 *        = max_beta                          afterwards
 * </pre>
 *
 * @param warmupEpochs {@code warmup_epochs}, ≥ 0 (0 gives a constant max_beta)
 * @param maxBeta      {@code max_beta}, ≥ 0
 */
public record LinearWarmup(double warmupEpochs, double maxBeta) implements BetaSchedule {
    public static final String NAME = "linear_warmup";

    public LinearWarmup {
        nonNegative("warmup_epochs", warmupEpochs);
        nonNegative("max_beta", maxBeta);
    }

    @Override
    public double beta(double epoch) {
        double t = requireEpoch(NAME, epoch);
        double beta;
        if (t < warmupEpochs) {
            beta = maxBeta * (t / warmupEpochs);         // 1. warm-up: linear from 0
        } else {
            beta = maxBeta;                              // 2. hold at max_beta
        }
        return checkRange(NAME, t, beta, maxBeta);
    }

    @Override public boolean monotone() { return true; }
    @Override public String name() { return NAME; }

    @Override
    public String describe() {
        return NAME + "(warmup_epochs=" + fmt(warmupEpochs) + ", max_beta=" + fmt(maxBeta) + ")";
    }
}
