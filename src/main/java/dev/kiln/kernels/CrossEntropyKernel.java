package dev.kiln.kernels;

/**
 * Categorical cross-entropy from log-probabilities along the class axis of a [rows, classes, inner]
 * array (the class of cell (b, s) lives at {@code (b·classes + c)·inner + s}; its target at
 * {@code targets[b·inner + s]}). With ℓ = log softmax(x) from the class-axis kernels and t the
 * target of the cell:
 * <pre>
 *   loss(b, s)      = −w[t]·ℓ[b, t, s]
 *   ∂loss/∂x[b,c,s] =  w[t]·(exp(ℓ[b, c, s]) − [c = t])      (softmax minus one-hot)
 * </pre>
 * {@code weights} is [classes] or null for all ones. Taking ℓ rather than the probabilities keeps
 * log p_t exact when p_t underflows to 0 in float.
 */
public final class CrossEntropyKernel {
    private CrossEntropyKernel() {}

    /** Σ over cells of −w[t]·ℓ[b, t, s], in double. */
    public static double forward(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner) {
        double acc = 0;
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s];
                double wt = weights == null ? 1.0 : weights[t];
                acc += -wt * logp[(b * classes + t) * inner + s];
            }
        }
        return acc;
    }

    /** dx[b, c, s] += scale·w[t]·(exp(ℓ[b, c, s]) − [c = t]). */
    public static void backward(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner,
                                float scale, float[] dx) {
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s];
                double coef = weights == null ? 1.0 : weights[t];
                int base = b * classes * inner + s;
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    double hot = c == t ? 1.0 : 0.0;
                    dx[i] += (float) (scale * coef * (Math.exp(logp[i]) - hot));
                }
            }
        }
    }
}
