package dev.kiln.anneal;

import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.positive;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code capacity} (Burgess et al. 2018, "Understanding disentangling in β-VAE"): instead of
 * weighting the KL, pull it toward a target capacity C(t) that rises linearly with time, so that
 * the encoder is allowed (and pushed) to put more information into z as training goes on.
 * <pre>
 *   C(t) = max_capacity · t / ramp_epochs      t &lt; ramp_epochs
 *        = max_capacity                        afterwards
 *   penalty(KL, t) = γ · |KL − C(t)|
 *   ∂penalty/∂KL   = γ · sign(KL − C(t))       (+γ above the target: push KL down;
 *                                               −γ below it: push KL up; 0 exactly at it)
 * </pre>
 * Unit: KL and C are in <b>nats per sample</b>: the KL summed over the latent dimensions and
 * averaged over the batch (Burgess et al. use C_max = 25 nats, γ = 1000). This is not the nats per
 * dimension of free bits and the monitors; divide by the latent size to compare.
 *
 * @param rampEpochs  {@code ramp_epochs}, &gt; 0: epochs for C to reach its maximum
 * @param maxCapacity {@code max_capacity}, ≥ 0, in nats per sample
 * @param gamma       {@code gamma} γ, ≥ 0, the weight of the penalty
 */
public record CapacityAnnealing(double rampEpochs, double maxCapacity, double gamma) implements Annealing {
    public static final String NAME = "capacity";
    public static final double DEFAULT_MAX_CAPACITY = 25;
    public static final double DEFAULT_GAMMA = 1000;

    public CapacityAnnealing {
        positive("ramp_epochs", rampEpochs);
        nonNegative("max_capacity", maxCapacity);
        nonNegative("gamma", gamma);
    }

    /** C(t) in nats per sample, in [0, max_capacity]. */
    public double capacity(double epoch) {
        double t = requireEpoch(NAME, epoch);
        double c;
        if (t < rampEpochs) {
            c = maxCapacity * (t / rampEpochs);          // 1. linear rise of the target
        } else {
            c = maxCapacity;                             // 2. hold at max_capacity
        }
        return ScheduleMath.checkRange(NAME, t, c, maxCapacity);
    }

    /** γ|KL − C(t)|, with KL in nats per sample. */
    public double penalty(double klNatsPerSample, double epoch) {
        return gamma * Math.abs(ScheduleMath.finite("kl", klNatsPerSample) - capacity(epoch));
    }

    /** ∂penalty/∂KL = γ·sign(KL − C(t)): the weight the trainer puts on the KL gradient this step. */
    public double penaltyGradient(double klNatsPerSample, double epoch) {
        return gamma * Math.signum(ScheduleMath.finite("kl", klNatsPerSample) - capacity(epoch));
    }

    @Override public String name() { return NAME; }

    @Override
    public String describe() {
        return NAME + "(ramp_epochs=" + fmt(rampEpochs) + ", max_capacity=" + fmt(maxCapacity)
                + ", gamma=" + fmt(gamma) + ")";
    }
}
