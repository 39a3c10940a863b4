package dev.kiln.monitor;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.NonFiniteException;

/**
 * An estimate of the mutual information I(x; z) between the data and the code under the encoder,
 * the quantity that posterior collapse drives to zero. The standard minibatch estimator (as used by
 * Hoffman &amp; Johnson 2016 and He et al. 2019):
 * <pre>
 *   I(x; z) = E_x [ KL( q(z|x) ‖ q(z) ) ],      q(z) = E_x q(z|x) the aggregate posterior
 *   q(z) ≈ (1/N) Σ_i q(z | x_i)                 the batch mixture
 *   Î = (1/(N·S)) Σ_n Σ_s [ log q(z_ns | x_n) − log (1/N) Σ_i q(z_ns | x_i) ],   z_ns ~ q(z | x_n)
 *   log q(z | x_i) = −½ Σ_j [ log 2π + lv_ij + (z_j − μ_ij)² e^(−lv_ij) ]
 * </pre>
 * (the log 2π terms cancel between the two logs and are left out). Inner sums are taken with the
 * log-sum-exp trick, in double.
 *
 * <p><b>Bias.</b> Each term is at most log N, because the mixture contains q(z|x_n) itself with
 * weight 1/N; so Î ≤ log N, and Î underestimates whenever the true I(x; z) approaches log N (with
 * N = 64, anything above log 64 ≈ 4.16 nats is out of reach). Using the batch in place of the data
 * distribution also makes it a biased (not just noisy) estimate for small N; compare values only
 * at the same N. When every posterior is the same, Î = 0 exactly (each term is log 1). Cost O(N²·D·S).
 */
public final class MutualInformation {
    private MutualInformation() {}

    /**
     * @param mu              [N, D] posterior means
     * @param logVar          [N, D] posterior log-variances
     * @param samplesPerPoint S ≥ 1, draws of z per data point
     * @param rng             the source of the draws
     * @return Î in nats (≤ log N)
     */
    public static double estimate(float[] mu, float[] logVar, int n, int dims, int samplesPerPoint, Rng rng) {
        if (n < 1 || dims < 1 || mu.length != n * dims || logVar.length != n * dims) {
            throw new IllegalArgumentException("mutual_information: mu has " + mu.length + " and logvar "
                    + logVar.length + " values, expected N·D with N = " + n + ", D = " + dims + " (both ≥ 1)");
        }
        if (samplesPerPoint < 1) {
            throw new IllegalArgumentException("mutual_information: samples_per_point must be ≥ 1, got " + samplesPerPoint);
        }
        NonFiniteException.checkAll("mutual_information", "mu", mu, mu.length);
        NonFiniteException.checkAll("mutual_information", "logvar", logVar, logVar.length);
        double[] invVar = new double[n * dims];                       // [N, D] e^(−lv)
        double[] logVarSum = new double[n];                           // [N]    Σ_j lv_ij
        for (int i = 0; i < n; i++) {
            int row = i * dims;
            for (int j = 0; j < dims; j++) {
                invVar[row + j] = Math.exp(-logVar[row + j]);
                logVarSum[i] += logVar[row + j];
            }
        }
        double[] z = new double[dims];                                // [D] one draw
        double[] logQ = new double[n];                                // [N] log q(z | x_i), up to −(D/2) log 2π
        double acc = 0;
        for (int nIdx = 0; nIdx < n; nIdx++) {
            int own = nIdx * dims;
            for (int s = 0; s < samplesPerPoint; s++) {
                for (int j = 0; j < dims; j++) {
                    z[j] = mu[own + j] + Math.exp(0.5 * logVar[own + j]) * rng.nextGaussian();
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    int row = i * dims;
                    double quad = 0;
                    for (int j = 0; j < dims; j++) {
                        double d = z[j] - mu[row + j];
                        quad += d * d * invVar[row + j];
                    }
                    logQ[i] = -0.5 * (logVarSum[i] + quad);
                    max = Math.max(max, logQ[i]);
                }
                double sumExp = 0;
                for (int i = 0; i < n; i++) sumExp += Math.exp(logQ[i] - max);
                double logAggregate = max + Math.log(sumExp / n);          // log (1/N) Σ_i q(z | x_i)
                acc += logQ[nIdx] - logAggregate;
            }
        }
        return acc / ((double) n * samplesPerPoint);
    }
}
