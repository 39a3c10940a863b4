package dev.kiln.anneal;

/**
 * β as a pure function of training progress t, in fractional epochs (t = 2.5 is halfway through
 * the third epoch), so that β may change within an epoch. No state: the same t always gives the
 * same β, which is what makes a resumed run bit-identical.
 *
 * <p>Contract, checked by every implementation on every call: t is finite and ≥ 0 (t beyond the
 * planned end is fine), and the result lies in [0, {@link #maxBeta()}].
 */
public sealed interface BetaSchedule extends Annealing
        permits ConstantSchedule, LinearWarmup, UltraConservative, CyclicalSchedule, StagedSchedule,
                SigmoidRamp, CosineRamp {

    /** β at fractional epoch {@code epoch} ≥ 0, in [0, maxBeta()]. */
    double beta(double epoch);

    /** The largest β this schedule returns; its range is [0, maxBeta()]. */
    double maxBeta();

    /** True when β never decreases as t grows (every schedule except cyclical and non-monotone staged). */
    boolean monotone();
}
