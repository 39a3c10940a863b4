package dev.kiln.monitor;

import dev.kiln.loss.GaussianKl;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;

import java.util.stream.IntStream;

/**
 * How much information each latent dimension carries, from the per-element KL matrix that
 * {@code GaussianKl.forward} returns.
 * <pre>
 *   kl : [B, D], nats
 *   KL_j     = (1/B) Σ_b kl[b, j]           KL per dimension, batch-averaged, nats       [D]
 *   KL/dim   = (1/D) Σ_j KL_j               the headline number (spec 001 wants ≥ 0.05)
 *   collapsed = { j : KL_j &lt; threshold }    dimensions the posterior no longer uses
 * </pre>
 */
public final class LatentStats {
    private LatentStats() {}

    /** Spec 001: KL/dim should stay above 0.05 nats per dimension. */
    public static final double DEFAULT_MIN_KL_PER_DIM = 0.05;

    /**
     * A dimension whose batch-averaged KL is under 0.01 nats is counted as collapsed (a
     * convention: the same number as Burda et al.'s activity threshold, applied to KL).
     */
    public static final double DEFAULT_COLLAPSED_KL = 0.01;

    /** KL_j for each latent dimension, nats, [D]. */
    public static double[] klPerDim(float[] kl, int batch, int dims) {
        if (batch < 1 || dims < 1 || kl.length != batch * dims) {
            throw new IllegalArgumentException("kl_per_dim: kl has " + kl.length + " values, expected B·D with B = "
                    + batch + ", D = " + dims + " (both ≥ 1)");
        }
        NonFiniteException.checkAll("kl_per_dim", "kl", kl, kl.length);
        return GaussianKl.perDimMean(Tensor.of(kl, batch, dims));
    }

    /** KL/dim, the mean of KL_j over the dimensions, nats per dimension. */
    public static double klPerDimMean(double[] klPerDim) {
        if (klPerDim.length == 0) throw new IllegalArgumentException("kl_per_dim_mean: no dimensions");
        double acc = 0;
        for (double v : klPerDim) acc += v;
        return acc / klPerDim.length;
    }

    /** The indices j with KL_j &lt; thresholdNats, in increasing order. */
    public static int[] collapsedDims(double[] klPerDim, double thresholdNats) {
        return IntStream.range(0, klPerDim.length)
                .filter(j -> klPerDim[j] < thresholdNats).toArray();
    }

    /** The dimensions sorted by KL_j, largest first (for logs: which dimensions carry the code). */
    public static int[] dimsByKl(double[] klPerDim) {
        return IntStream.range(0, klPerDim.length).boxed()
                .sorted((a, b) -> Double.compare(klPerDim[b], klPerDim[a]))
                .mapToInt(Integer::intValue).toArray();
    }
}
