package dev.kiln.anneal;

import static dev.kiln.anneal.ScheduleMath.checkRange;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code constant}: β(t) = beta for every t. The baseline that seed 000 warns about when beta is
 * large from day one.
 *
 * @param beta the constant weight of the KL term, ≥ 0
 */
public record ConstantSchedule(double beta) implements BetaSchedule {
    public static final String NAME = "constant";

    public ConstantSchedule {
        nonNegative("beta", beta);
    }

    @Override
    public double beta(double epoch) {
        double t = requireEpoch(NAME, epoch);
        return checkRange(NAME, t, beta, beta);          // 1. the only segment: β = beta
    }

    @Override public double maxBeta() { return beta; }
    @Override public boolean monotone() { return true; }
    @Override public String name() { return NAME; }
    @Override public String describe() { return NAME + "(beta=" + fmt(beta) + ")"; }
}
