package dev.kiln.mixture;

import dev.kiln.anneal.BetaSchedule;

import java.util.Objects;

/**
 * The routing temperature τ as a pure function of fractional epochs, falling from {@code start} to
 * {@code end} along any rising time schedule of the toolkit used as a progress curve:
 * <pre>
 *   u(t) = ramp(t) / ramp.maxBeta()            progress in [0, 1], u(0) = 0
 *   τ(t) = end + (start − end)·(1 − u(t))       τ(0) = start, τ = end once the ramp is done
 * </pre>
 * A {@code cosine} ramp of 30 epochs gives a half-cosine fall from start to end over 30 epochs. The
 * ramp must start at 0 and never decrease, so τ starts at {@code start} and never rises
 * (a kick may hold τ higher for a while; that is the trainer's business, not the schedule's).
 *
 * @param start τ at t = 0, finite and &gt; 0
 * @param end   τ after the ramp, in (0, start]
 * @param ramp  a monotone time schedule with ramp(0) = 0 and maxBeta &gt; 0
 */
public record TemperatureSchedule(double start, double end, BetaSchedule ramp) {
    public TemperatureSchedule {
        Objects.requireNonNull(ramp, "temperature: ramp");
        if (!(start > 0) || !Double.isFinite(start)) {
            throw new IllegalArgumentException("temperature: start = " + start + " must be finite and > 0");
        }
        if (!(end > 0) || !(end <= start)) {
            throw new IllegalArgumentException("temperature: end = " + end + " must be in (0, start = " + start + "]");
        }
        if (!ramp.monotone() || !(ramp.maxBeta() > 0) || ramp.beta(0) != 0) {
            throw new IllegalArgumentException("temperature: the schedule " + ramp.describe() + " must rise from 0 "
                    + "and never fall (e.g. cosine, linear_warmup, sigmoid with max_beta > 0)");
        }
    }

    /** τ at fractional epoch t ≥ 0, in [end, start]. */
    public double at(double epoch) {
        double u = ramp.beta(epoch) / ramp.maxBeta();              // 1. progress in [0, 1]
        double tau = end + (start - end) * (1 - u);                // 2. fall from start to end
        if (!(tau >= end - 1e-12 * end && tau <= start + 1e-12 * start)) {
            throw new IllegalStateException("temperature " + tau + " at t = " + epoch + " left [" + end + ", " + start + "]");
        }
        return tau;
    }

    public String describe() {
        return "temperature(start=" + start + ", end=" + end + ", along " + ramp.describe() + ")";
    }
}
