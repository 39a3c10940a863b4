package dev.kiln.mixture;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;

/**
 * The logit-space mixture-of-Gaussians prior of seed 004: the penalty −log p_mix(y) on the raw
 * channel logits y(x) (before any Gumbel noise or kick bias), with p_mix a uniform mixture over the
 * <em>active</em> pots A of isotropic Gaussians centred on the scaled basis vectors:
 * <pre>
 *   y        : [B, K]   raw logits, K = K_max
 *   A        ⊆ {0..K−1}, n = |A| ≥ 1                       (the open pots)
 *   p_mix(y) = (1/n)·Σ_{k∈A} N(y_A; M·e_k, σ²·I_n)          (y_A: the n active coordinates of y)
 *   penalty  = (1/B)·Σ_b −log p_mix(y[b])                  (nats per sample; the trainer multiplies by λ)
 * </pre>
 *
 * <p><b>Closed form.</b> With q2 = Σ_{j∈A} y_j² and ‖y_A − M·e_k‖² = q2 − 2M·y_k + M²,
 * <pre>
 *   log N(y_A; M·e_k, σ²I) = −(n/2)·log(2πσ²) − (q2 − 2M·y_k + M²)/(2σ²)
 *   −log p_mix(y) = log n + (n/2)·log(2πσ²) + (q2 + M²)/(2σ²) − lse_{k∈A}(a_k),   a_k = M·y_k/σ²
 * </pre>
 The only transcendental part is one logsumexp over the active a_k, computed by the max trick
 * over the open pots only ({@link #logSumExp}); q2 and the constants are sums of squares. All of
 * it is in double: a_k = M·y_k/σ² grows as 1/σ², and rounding it to float before the logsumexp
 * (as a float kernel would) put a relative error of 1.3·10⁻⁴ on the gradient at σ = 0.05 and
 * 5.8·10⁻⁴ at σ = 0.02, while the config accepts σ down to 10⁻³. The loop is O(B·K), so there is no
 * fast path to take. Every term is finite for finite float logits, so logits of ±10⁴ with any mask
 * give a finite penalty.
 *
 * <p><b>Gradient</b> (derived here; checked by central differences in the tests). Let
 * s_k = exp(a_k − lse(a)) for k ∈ A, s_k = 0 otherwise: the posterior over components given y
 * (softmax of a over the open pots). ∂q2/∂y_j = 2y_j and ∂lse/∂y_j = s_j·∂a_j/∂y_j = s_j·M/σ²,
 * so for one sample
 * <pre>
 *   ∂(−log p_mix)/∂y_j = y_j/σ² − (M/σ²)·s_j = (y_j − M·s_j)/σ²        j ∈ A
 *                      = 0                                             j ∉ A
 * </pre>
 * and {@link #backward} returns scale·(1/B)·that, [B, K]. Reading it: each open logit is pulled
 * toward M times its component's posterior weight, i.e. toward the nearest mode M·e_k once one
 * component dominates, and toward 0 for the others; the pull is 1/σ² strong.
 *
 * <p><b>Why only the active coordinates.</b> Over all K coordinates each component has mean 0 on the
 * closed ones, so the K-dimensional density factorizes as p_mix(y_A)·N(y_Ā; 0, σ²I). The second
 * factor would only pull the closed logits toward 0; it is dropped so that a closed pot receives
 * exactly zero gradient from every term of the objective, and the penalty does not depend on a
 * closed logit at all (a property test checks both).
 *
 * <p><b>Peakiness.</b> M separates the modes and σ spreads them; at a mode y = M·e_k the
 * responsibility softmax(y)_k is e^M/(e^M + n − 1), and the component posterior s_k is
 * e^{(M/σ)²}/(e^{(M/σ)²} + n − 1), so the penalty's pull toward one mode is governed by M/σ.
 * {@link #priorPeakiness} measures the responsibilities of logits drawn from the prior itself.
 */
public final class LogitMogPrior {
    /** The name in logs and in {@link NonFiniteException} messages. */
    public static final String NAME = "logit_mog";

    private final double separation;   // M > 0
    private final double sigma;        // σ > 0

    private Tensor logits;             // [B, K], the last forward's input
    private boolean[] active;          // [K]
    private double[] posterior;        // [B, K], s of the last forward (0 on closed pots)

    /**
     * @param separation M, the distance of each mode from the origin along its axis, finite and &gt; 0
     * @param sigma      σ, the standard deviation of each mode, finite and &gt; 0
     */
    public LogitMogPrior(double separation, double sigma) {
        if (!(separation > 0) || !Double.isFinite(separation)) {
            throw new IllegalArgumentException(NAME + ": separation M = " + separation + " must be finite and > 0");
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException(NAME + ": sigma = " + sigma + " must be finite and > 0");
        }
        this.separation = separation;
        this.sigma = sigma;
    }

    public double separation() {
        return separation;
    }

    public double sigma() {
        return sigma;
    }

    /**
     * −log p_mix(y[b]) for each sample, [B], without caching anything.
     *
     * @param logits [B, K] raw logits
     * @param active [K], at least one true
     */
    public double[] negLogDensity(Tensor logits, boolean[] active) {
        return evaluate(logits, active, null);
    }

    /** The batch mean of −log p_mix(y[b]) (nats per sample); caches what {@link #backward} needs. */
    public double forward(Tensor logits, boolean[] active) {
        double[] s = new double[logits.size()];
        double[] perSample = evaluate(logits, active, s);
        double sum = 0;
        for (double v : perSample) sum += v;
        this.logits = logits;
        this.active = active.clone();
        this.posterior = s;
        return sum / perSample.length;
    }

    /**
     * ∂(scale·penalty)/∂y = scale·(1/B)·(y_j − M·s_j)/σ² on open pots, exactly 0 on closed ones, [B, K].
     *
     * @param scale the weight of the penalty in the objective (λ)
     */
    public Tensor backward(double scale) {
        if (logits == null) throw new IllegalStateException(NAME + ": backward() before forward()");
        int batch = logits.dim(0), pots = logits.dim(1);
        double invVar = 1.0 / (sigma * sigma);
        double perSample = scale / batch;
        Tensor dy = logits.zerosLike();
        for (int b = 0; b < batch; b++) {
            int row = b * pots;
            for (int k = 0; k < pots; k++) {
                if (!active[k]) continue;
                int i = row + k;
                dy.data[i] = (float) (perSample * (logits.data[i] - separation * posterior[i]) * invVar);
            }
        }
        return dy;
    }

    /** Per-sample −log p_mix; fills {@code s} [B, K] with the component posterior when it is not null. */
    private double[] evaluate(Tensor logits, boolean[] active, double[] s) {
        logits.requireShape(NAME, -1, active.length);
        int batch = logits.dim(0), pots = logits.dim(1);
        Pots.requireOpen(NAME, active);
        int open = Pots.count(active);
        double var = sigma * sigma;
        double gain = separation / var;                                         // M/σ²
        double constant = Math.log(open) + 0.5 * open * Math.log(2 * Math.PI * var) + separation * separation / (2 * var);
        double[] a = new double[pots];                                          // [K] one sample's a_k (closed: unused)
        double[] out = new double[batch];
        for (int b = 0; b < batch; b++) {
            int row = b * pots;
            double q2 = 0;                                                      // Σ_{j∈A} y_j²
            for (int k = 0; k < pots; k++) {
                float yk = logits.data[row + k];
                if (!Float.isFinite(yk)) {
                    throw new NonFiniteException(NAME + ": logits[" + b + ", " + k + "] is " + yk);
                }
                if (active[k]) {
                    q2 += (double) yk * yk;
                    a[k] = gain * yk;
                }
            }
            double lse = logSumExp(a, active);
            out[b] = constant + q2 / (2 * var) - lse;
            if (!Double.isFinite(out[b])) {
                throw new NonFiniteException(NAME + ": penalty of sample " + b + " is " + out[b]
                        + "; every logit is finite, so M·y/σ² left the double range");
            }
            if (s != null) {
                for (int k = 0; k < pots; k++) s[row + k] = active[k] ? Math.exp(a[k] - lse) : 0.0;
            }
        }
        return out;
    }

    /**
     * log Σ_{k∈A} exp(x_k) by the max trick, in double: m = max_{k∈A} x_k, then
     * m + log Σ_{k∈A} exp(x_k − m), every exponent ≤ 0 and the largest exactly 1. Closed pots are
     * skipped, as if at −∞.
     */
    static double logSumExp(double[] x, boolean[] active) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < x.length; k++) if (active[k]) max = Math.max(max, x[k]);
        double sum = 0;
        for (int k = 0; k < x.length; k++) if (active[k]) sum += Math.exp(x[k] - max);
        return max + Math.log(sum);
    }

    /** Mean maximum responsibility and mean entropy (nats) of softmax(y) over the open pots. */
    public record Peakiness(double meanMaxResponsibility, double meanEntropy) {}

    /**
     * The peakiness M and σ produce: logits drawn from the prior itself (a pot k uniform over
     * {@code pots}, then y = M·e_k + σ·ε with ε ~ N(0, I_pots)), and the mean over {@code samples}
     * draws of max_k softmax(y)_k and of the entropy −Σ_k r_k·log r_k. Uniform responsibilities
     * give 1/n and log n; one-hot ones give 1 and 0.
     */
    public Peakiness priorPeakiness(int pots, int samples, Rng rng) {
        if (pots < 1 || samples < 1) {
            throw new IllegalArgumentException(NAME + ": priorPeakiness needs pots ≥ 1 and samples ≥ 1, got "
                    + pots + ", " + samples);
        }
        double[] y = new double[pots];   // [K]
        boolean[] all = new boolean[pots];
        java.util.Arrays.fill(all, true);
        double sumMax = 0, sumEntropy = 0;
        for (int n = 0; n < samples; n++) {
            int k = rng.nextInt(pots);
            for (int j = 0; j < pots; j++) y[j] = (float) ((j == k ? separation : 0) + sigma * rng.nextGaussian());
            double lse = logSumExp(y, all);
            double max = 0, entropy = 0;
            for (int j = 0; j < pots; j++) {
                double logR = y[j] - lse;
                double r = Math.exp(logR);
                max = Math.max(max, r);
                entropy -= r * logR;
            }
            sumMax += max;
            sumEntropy += entropy;
        }
        return new Peakiness(sumMax / samples, sumEntropy / samples);
    }

    /** e.g. {@code logit_mog(M=6.0, σ=1.0, M/σ=6.0)}. */
    public String describe() {
        return NAME + "(M=" + separation + ", σ=" + sigma + ", M/σ=" + (separation / sigma) + ")";
    }
}
