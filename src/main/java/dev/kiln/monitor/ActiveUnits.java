package dev.kiln.monitor;

import dev.kiln.tensor.NonFiniteException;

/**
 * Active units (Burda, Grosse &amp; Salakhutdinov 2016, "Importance weighted autoencoders"): latent
 * dimension j is active when the posterior mean moves with the input,
 * <pre>
 *   A_j = Cov_x( E_{q(z|x)}[z_j] ) = Var_x( μ_j(x) ) &gt; 0.01
 *   mu : [N, D], the posterior means over a dataset (or a large evaluation batch)
 *   m_j = (1/N) Σ_n mu[n, j];    A_j = (1/N) Σ_n (mu[n, j] − m_j)²
 * </pre>
 * The variance is the population one (divide by N) and is computed in two passes in double. A
 * collapsed dimension has μ_j(x) ≈ 0 for every x, so A_j ≈ 0.
 *
 * @param variance  A_j per dimension, [D]
 * @param active    A_j &gt; threshold, [D]
 * @param count     the number of active dimensions
 * @param threshold the activity threshold (0.01 in Burda et al.)
 */
public record ActiveUnits(double[] variance, boolean[] active, int count, double threshold) {
    public static final double DEFAULT_THRESHOLD = 0.01;

    public static ActiveUnits of(float[] mu, int n, int dims) {
        return of(mu, n, dims, DEFAULT_THRESHOLD);
    }

    public static ActiveUnits of(float[] mu, int n, int dims, double threshold) {
        if (n < 1 || dims < 1 || mu.length != n * dims) {
            throw new IllegalArgumentException("active_units: mu has " + mu.length + " values, expected N·D with N = "
                    + n + ", D = " + dims + " (both ≥ 1)");
        }
        if (!(threshold >= 0)) throw new IllegalArgumentException("active_units: threshold must be ≥ 0, got " + threshold);
        NonFiniteException.checkAll("active_units", "mu", mu, mu.length);
        double[] mean = new double[dims];                             // [D]
        for (int i = 0; i < n; i++) {
            int row = i * dims;
            for (int j = 0; j < dims; j++) mean[j] += mu[row + j];
        }
        for (int j = 0; j < dims; j++) mean[j] /= n;
        double[] variance = new double[dims];                         // [D]
        for (int i = 0; i < n; i++) {
            int row = i * dims;
            for (int j = 0; j < dims; j++) {
                double d = mu[row + j] - mean[j];
                variance[j] += d * d;
            }
        }
        boolean[] active = new boolean[dims];
        int count = 0;
        for (int j = 0; j < dims; j++) {
            variance[j] /= n;
            active[j] = variance[j] > threshold;
            if (active[j]) count++;
        }
        return new ActiveUnits(variance, active, count, threshold);
    }
}
