package dev.kiln.kernels;

/**
 * Binary cross-entropy on logits, elementwise: the negative log-likelihood of a target t ∈ [0, 1]
 * under a Bernoulli with p = σ(x).
 * <pre>
 *   loss = −t·log σ(x) − (1 − t)·log(1 − σ(x)) = max(x, 0) − x·t + log(1 + e^(−|x|))
 *   ∂loss/∂x = σ(x) − t
 * </pre>
 * The stable form follows from log σ(x) = −log(1 + e^(−x)) and log(1 − σ(x)) = −x − log(1 + e^(−x)),
 * so loss = x − x·t + log(1 + e^(−x)); for x &lt; 0 rewrite log(1 + e^(−x)) = −x + log(1 + e^x).
 * Either way the exponent is −|x| ≤ 0: nothing overflows at x = ±100 and log1p keeps the tail.
 */
public final class BceWithLogitsKernel {
    private BceWithLogitsKernel() {}

    /** Σ_i max(x_i, 0) − x_i·t_i + log1p(exp(−|x_i|)), in double. */
    public static double forward(float[] x, float[] t, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            acc += Math.max(xi, 0.0) - xi * t[i] + Math.log1p(Math.exp(-Math.abs(xi)));
        }
        return acc;
    }

    /** dx[i] += scale·(σ(x_i) − t_i). */
    public static void backward(float[] x, float[] t, int n, float scale, float[] dx) {
        for (int i = 0; i < n; i++) dx[i] += (float) (scale * (sigmoid(x[i]) - t[i]));
    }

    /** σ(x) in double without exponentiating a large positive number. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
