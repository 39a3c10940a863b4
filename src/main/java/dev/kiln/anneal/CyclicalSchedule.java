package dev.kiln.anneal;

import static dev.kiln.anneal.ScheduleMath.checkRange;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.positive;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code cyclical} (Fu et al. 2019, "Cyclical Annealing Schedule"): training is cut into
 * {@code cycles} equal periods P = total_epochs / cycles; each period starts at β = 0, rises over
 * its first {@code ratio} fraction, then holds max_beta, giving the model repeated chances to
 * recover from partial collapse.
 * <pre>
 *   τ(t) = (t mod P) / P                              position within the current cycle, in [0, 1)
 *                                                     (t within 10⁻⁹ relative of a boundary counts as on it)
 *   β(t) = max_beta · f(τ / ratio)     τ &lt; ratio     rising part, f = the ramp shape
 *        = max_beta                    τ ≥ ratio     holding part
 * </pre>
 * β is periodic with period P for every t, also past total_epochs (training longer simply keeps
 * cycling). Fu et al. use cycles = 4, ratio = 0.5, a linear shape.
 *
 * @param totalEpochs {@code total_epochs}, &gt; 0
 * @param cycles      {@code cycles}, ≥ 1
 * @param ratio       {@code ratio}, the rising fraction of each cycle, in (0, 1]
 * @param maxBeta     {@code max_beta}, ≥ 0
 * @param shape       {@code shape}: linear, sigmoid or cosine
 */
public record CyclicalSchedule(double totalEpochs, int cycles, double ratio, double maxBeta, RampShape shape)
        implements BetaSchedule {
    public static final String NAME = "cyclical";

    /**
     * Relative distance from a cycle boundary under which t counts as the boundary: t = k·P is often
     * computed a rounding error short of it, which would otherwise give max_beta instead of 0.
     */
    static final double BOUNDARY_SNAP = 1e-9;

    public CyclicalSchedule {
        positive("total_epochs", totalEpochs);
        if (cycles < 1) throw new IllegalArgumentException("cycles must be an integer ≥ 1, got " + cycles);
        if (!(ratio > 0 && ratio <= 1)) throw new IllegalArgumentException("ratio must be in (0, 1], got " + ratio);
        nonNegative("max_beta", maxBeta);
        if (shape == null) throw new IllegalArgumentException("shape must be one of " + RampShape.allowed());
    }

    /** The length of one cycle, P = total_epochs / cycles, in epochs. */
    public double period() {
        return totalEpochs / cycles;
    }

    @Override
    public double beta(double epoch) {
        double t = requireEpoch(NAME, epoch);
        double cyclesDone = t / period();                                // whole and fractional cycles so far
        double nearest = Math.rint(cyclesDone);
        if (Math.abs(cyclesDone - nearest) <= BOUNDARY_SNAP * Math.max(1, cyclesDone)) {
            cyclesDone = nearest;                                       // k·P computed as k·P − ε is a cycle start
        }
        double tau = cyclesDone - Math.floor(cyclesDone);               // position in the cycle, [0, 1)
        double beta;
        if (tau < ratio) {
            beta = maxBeta * shape.apply(tau / ratio);                  // 1. rising part of the cycle
        } else {
            beta = maxBeta;                                             // 2. holding part of the cycle
        }
        return checkRange(NAME, t, beta, maxBeta);
    }

    @Override public boolean monotone() { return false; }
    @Override public String name() { return NAME; }

    @Override
    public String describe() {
        return NAME + "(total_epochs=" + fmt(totalEpochs) + ", cycles=" + cycles + ", ratio=" + fmt(ratio)
                + ", max_beta=" + fmt(maxBeta) + ", shape=" + shape.configName() + ")";
    }
}
