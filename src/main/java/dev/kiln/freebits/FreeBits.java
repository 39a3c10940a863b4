package dev.kiln.freebits;

import dev.kiln.backend.Backends;
import dev.kiln.tensor.NonFiniteException;

import java.util.Arrays;

/**
 * Free bits: forgive the first λ nats per latent dimension of KL, so that the KL term stops
 * pushing a dimension (or a sample) toward the prior once it carries little information.
 *
 * <p><b>Units.</b> λ is in nats per latent dimension. kl_raw and kl_after are reported in nats
 * per latent dimension, averaged over the batch: the mean of the [B, D] matrix. (Seed 003's bug was
 * a λ of 0.1 chosen as if it were per sample, applied to a KL averaged over 256 dimensions: every
 * nat became free.)
 *
 * <p><b>The computation.</b> Both modes reduce kl[B, D] to "units" by averaging over one axis and
 * hinge each unit (see {@link FreeBitsMode}):
 * <pre>
 *   PER_DIM:         units u_j = (1/B) Σ_b kl[b, j]    (D units, one per dimension)
 *   MEAN_OVER_DIMS:  units u_b = (1/D) Σ_j kl[b, j]    (B units, one per sample)
 *   kl_raw   = mean_u u                                 (= mean of the whole matrix)
 *   kl_after = mean_u max(u − λ, 0)
 *   ∂kl_after/∂kl[b, j] = [u(b, j) ≥ λ] / (B·D)       u(b, j) = the unit that kl[b, j] belongs to
 * </pre>
 * The gradient follows from kl_after = (1/N) Σ_u max(u − λ, 0) with N units of M elements each
 * (N·M = B·D): ∂u/∂kl[b, j] = 1/M, and the hinge passes its argument's gradient where u &gt; λ and
 * blocks it where u &lt; λ. At the kink u = λ any value in [0, 1] is a subgradient; kiln takes 1, so
 * that λ = 0 is exactly the identity, value and gradient. The trainer scales it by β and hands it to
 * {@code GaussianKl.backward}.
 *
 * <p>The two O(B·D) passes, the units and the gradient mask, are kernels of the current backend
 * ({@link dev.kiln.backend.Backend#freeBitsUnits}, {@link dev.kiln.backend.Backend#freeBitsMask}), so
 * the opencl backend runs them on the device; the O(units) hinge and means stay here.
 *
 * <p>For PER_DIM, Kingma et al.'s objective (1/D) Σ_j max(λ, u_j) equals kl_after + λ; the
 * constant has no gradient, so kiln reports the hinge in both modes: kl_after ≤ kl_raw, it falls
 * as λ grows, and λ = 0 leaves the KL unchanged. {@link FreeBitsResult#publishedObjective()} gives
 * the floor value.
 *
 * @param mode   which free bits
 * @param lambda λ in nats per latent dimension, ≥ 0
 */
public record FreeBits(FreeBitsMode mode, double lambda) {
    public static final String NAME = "free_bits";

    public FreeBits {
        if (mode == null) throw new IllegalArgumentException("mode must be one of " + FreeBitsMode.allowed());
        if (!(lambda >= 0) || lambda == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("lambda must be a finite number ≥ 0 (nats per latent dimension), got "
                    + lambda);
        }
    }

    /**
     * Applies free bits to the per-element KL.
     *
     * @param kl    [B, D] per-element KL in nats ({@code GaussianKl.forward(...).data}), each ≥ 0
     * @param batch B ≥ 1
     * @param dims  D ≥ 1
     */
    public FreeBitsResult apply(float[] kl, int batch, int dims) {
        double[] units = units(mode, kl, batch, dims);
        double klRaw = mean(units);
        double klAfter = hingeMean(units, lambda);
        float[] grad = new float[batch * dims];                        // [B, D]
        float g = (float) (1.0 / ((double) batch * dims));
        Backends.current().freeBitsMask(units, batch, dims, mode == FreeBitsMode.PER_DIM, lambda, g, grad);
        return new FreeBitsResult(mode, lambda, klRaw, klAfter, grad, batch, dims);
    }

    /**
     * Free bits on batch-averaged numbers only, for the calculator and for teaching: the values
     * are treated as one row (B = 1) of per-dimension KL, nats each. With a single value the two
     * modes agree; with several, PER_DIM hinges each value and MEAN_OVER_DIMS hinges their mean.
     */
    public FreeBitsDiagnostics applyToRow(double[] klPerDim) {
        if (klPerDim.length == 0) throw new IllegalArgumentException(NAME + ": kl_raw needs at least one value");
        for (int j = 0; j < klPerDim.length; j++) requireValid(j, klPerDim[j]);
        double[] units = mode == FreeBitsMode.PER_DIM ? klPerDim.clone() : new double[] {mean(klPerDim)};
        return FreeBitsDiagnostics.of(mean(units), hingeMean(units, lambda));
    }

    /**
     * The λ (nats per dimension) at which free bits remove the fraction {@code targetReduction} of
     * the KL penalty on this batch: kl_after(λ) = (1 − r)·kl_raw. kl_after(λ) = mean_u max(u − λ, 0)
     * is continuous, piecewise linear and non-increasing in λ, so it is inverted exactly: with the
     * units sorted in decreasing order x₁ ≥ … ≥ x_N and S_k = x₁ + … + x_k, on the piece
     * x_{k+1} ≤ λ ≤ x_k the sum of hinges is S_k − kλ; the first k whose piece reaches the target
     * sum T = (1 − r)·S_N gives λ = (S_k − T)/k. With a single unit (or equal units) this is
     * seed 003's λ = r·kl_raw. r = 1 returns the largest unit, the smallest λ that frees everything;
     * an all-zero batch returns 0.
     */
    public static double calibrate(FreeBitsMode mode, float[] kl, int batch, int dims, double targetReduction) {
        return calibrateUnits(units(mode, kl, batch, dims), targetReduction);
    }

    /** {@link #calibrate} on a row of batch-averaged per-dimension KL (B = 1), as {@link #applyToRow}. */
    public static double calibrateRow(FreeBitsMode mode, double[] klPerDim, double targetReduction) {
        if (klPerDim.length == 0) throw new IllegalArgumentException(NAME + ": kl_raw needs at least one value");
        for (int j = 0; j < klPerDim.length; j++) requireValid(j, klPerDim[j]);
        double[] units = mode == FreeBitsMode.PER_DIM ? klPerDim.clone() : new double[] {mean(klPerDim)};
        return calibrateUnits(units, targetReduction);
    }

    /** Seed 003's closed form for the hinge on one mean KL: λ = r·kl_raw (0.3 × 0.05 = 0.015). */
    public static double calibrateHinge(double klRaw, double targetReduction) {
        requireFraction(targetReduction);
        requireValid(0, klRaw);
        return targetReduction * klRaw;
    }

    // ------------------------------------------------------------------------------------------

    /** The per-unit mean KL: per dimension (PER_DIM, [D]) or per sample (MEAN_OVER_DIMS, [B]). */
    static double[] units(FreeBitsMode mode, float[] kl, int batch, int dims) {
        if (batch < 1 || dims < 1 || kl.length != batch * dims) {
            throw new IllegalArgumentException(NAME + ": kl has " + kl.length + " values, expected B·D with B = "
                    + batch + ", D = " + dims + " (both ≥ 1)");
        }
        for (int i = 0; i < kl.length; i++) requireValid(i, kl[i]);
        double[] units = new double[mode == FreeBitsMode.PER_DIM ? dims : batch];
        Backends.current().freeBitsUnits(kl, batch, dims, mode == FreeBitsMode.PER_DIM, units);
        return units;
    }

    static double hingeMean(double[] units, double lambda) {
        double acc = 0;
        for (double u : units) acc += Math.max(u - lambda, 0);
        return acc / units.length;
    }

    private static double calibrateUnits(double[] units, double r) {
        requireFraction(r);
        double[] x = units.clone();
        Arrays.sort(x);                                                // ascending; walk it from the top
        int n = x.length;
        double total = 0;
        for (double v : x) total += v;
        if (total == 0) return 0;
        double target = (1 - r) * total;                               // T, the sum of hinges wanted
        double prefix = 0;                                             // S_k
        for (int k = 1; k <= n; k++) {
            double xk = x[n - k];
            double next = k < n ? x[n - k - 1] : 0;                    // x_{k+1}, 0 past the smallest
            prefix += xk;
            if (prefix - k * next >= target) {                         // the target lies on this piece
                return Math.max(next, Math.min(xk, (prefix - target) / k));
            }
        }
        return 0;                                                      // unreachable: k = n always qualifies
    }

    private static void requireFraction(double r) {
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException("target_reduction must be a fraction in [0, 1] (0.3 for 30 %), got " + r);
        }
    }

    private static void requireValid(int index, double v) {
        if (!Double.isFinite(v)) throw new NonFiniteException(NAME + ": kl[" + index + "] is " + v);
        if (v < 0) {
            throw new IllegalArgumentException(NAME + ": kl[" + index + "] = " + v
                    + " is negative; KL is ≥ 0 nats");
        }
    }

    private static double mean(double[] v) {
        double acc = 0;
        for (double x : v) acc += x;
        return acc / v.length;
    }
}
