package dev.kiln.mixture;

/**
 * The normality criterion of seed 004 ("the latent codes within a pot look approximately normal"),
 * as a per-pot, per-dimension Jarque–Bera test on the codes of the samples the pot explains.
 * <pre>
 *   x_1 … x_n     the values of one latent dimension d of pot c, over the validation samples with
 *                 c* = c (their posterior means μ_c)
 *   m_j = (1/n)·Σ (x_i − x̄)^j                       central moments (population form)
 *   S   = m_3 / m_2^{3/2}                             skewness
 *   κ   = m_4 / m_2²                                  kurtosis (3 for a normal)
 *   JB  = (n/6)·(S² + (κ − 3)²/4)                     Jarque &amp; Bera (1980)
 *   p   = exp(−JB/2)                                  JB ~ χ²(2) under normality, and the χ²(2)
 *                                                     survival function is exactly e^{−x/2}
 * </pre>
 * A pot <em>fails</em> when the smallest p over its D dimensions is below α/D (Bonferroni over the
 * dimensions): some direction of its codes is skewed or heavy/light-tailed, a sign that the pot
 * still holds more than one mode and could be split. A pot with fewer than {@link #MIN_SAMPLES}
 * samples is not tested (it neither fails nor passes; its statistics are NaN). A constant dimension
 * (m_2 = 0) has JB = 0.
 *
 * <p>Caveat, measured rather than assumed: JB grows linearly with n at a fixed departure from
 * normality, so with thousands of validation samples almost any real code distribution fails. The
 * statistic per sample, JB/n = (S² + (κ − 3)²/4)/6, is reported beside it as an effect size.
 */
public final class Normality {
    /** The fewest samples a pot needs to be tested. */
    public static final int MIN_SAMPLES = 8;

    private Normality() {}

    /**
     * One pot's verdict.
     *
     * @param pot      the pot
     * @param samples  validation samples it explains
     * @param maxJb    the largest JB over its dimensions (NaN if untested)
     * @param minP     the smallest p over its dimensions (NaN if untested)
     * @param fails    minP &lt; α/D
     */
    public record PotResult(int pot, int samples, double maxJb, double minP, boolean fails) {
        /** maxJb / samples, the effect size (NaN if untested). */
        public double jbPerSample() {
            return maxJb / samples;
        }
    }

    /** JB of {@code n} values read at {@code x[offset + i·stride]}. */
    public static double jarqueBera(float[] x, int offset, int stride, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) mean += x[offset + i * stride];
        mean /= n;
        double m2 = 0, m3 = 0, m4 = 0;
        for (int i = 0; i < n; i++) {
            double d = x[offset + i * stride] - mean;
            double d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        m2 /= n;
        m3 /= n;
        m4 /= n;
        if (m2 == 0) return 0;
        double skew = m3 / Math.pow(m2, 1.5);
        double kurt = m4 / (m2 * m2);
        return n / 6.0 * (skew * skew + (kurt - 3) * (kurt - 3) / 4);
    }

    /**
     * Tests every open pot on the codes of the samples it explains.
     *
     * @param mu        posterior means [N, K·D]
     * @param chosen    c* of each sample [N]
     * @param active    open pots [K]
     * @param latentDim D
     * @param alpha     the test level, in (0, 1)
     * @return one result per pot, [K] (closed pots: untested, 0 samples)
     */
    public static PotResult[] test(float[] mu, int[] chosen, boolean[] active, int latentDim, double alpha) {
        int n = chosen.length, pots = active.length;
        if (mu.length != n * pots * latentDim) {
            throw new IllegalArgumentException("normality: mu has " + mu.length + " values, expected N·K·D = "
                    + n + "·" + pots + "·" + latentDim);
        }
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("normality: alpha = " + alpha + " must be in (0, 1)");
        PotResult[] out = new PotResult[pots];
        for (int c = 0; c < pots; c++) {
            int count = 0;
            for (int i = 0; i < n; i++) if (chosen[i] == c) count++;
            if (!active[c] || count < MIN_SAMPLES) {
                out[c] = new PotResult(c, count, Double.NaN, Double.NaN, false);
                continue;
            }
            float[] codes = new float[count * latentDim];   // [n_c, D] the pot's own columns
            int row = 0;
            for (int i = 0; i < n; i++) {
                if (chosen[i] != c) continue;
                System.arraycopy(mu, (i * pots + c) * latentDim, codes, row * latentDim, latentDim);
                row++;
            }
            double maxJb = 0;
            for (int d = 0; d < latentDim; d++) maxJb = Math.max(maxJb, jarqueBera(codes, d, latentDim, count));
            double minP = Math.exp(-maxJb / 2);
            out[c] = new PotResult(c, count, maxJb, minP, minP < alpha / latentDim);
        }
        return out;
    }

    /** True when some tested pot fails. */
    public static boolean anyFails(PotResult[] results) {
        for (PotResult r : results) if (r.fails()) return true;
        return false;
    }
}
