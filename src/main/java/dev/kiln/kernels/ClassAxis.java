package dev.kiln.kernels;

/**
 * Kernels along the class axis of a [rows, classes, inner] array: the class of cell (b, s) lives at
 * {@code x[(b·classes + c)·inner + s]}. MLP logits have inner = 1; per-cell logits of an image
 * decoder [B, C, H, W] have inner = H·W, so no transpose is ever needed.
 *
 * <p>Stability: logsumexp is computed as m + log Σ exp(x − m) with m = max x. Every exponent is
 * then ≤ 0, so nothing overflows, and the largest term is exactly exp(0) = 1, so the sum is ≥ 1
 * and its log never underflows: the result is exact to rounding for |x| up to the float range.
 * A fibre that is all −∞ (every class masked out) has logsumexp −∞, not NaN.
 */
public final class ClassAxis {
    private ClassAxis() {}

    /** out[b, s] = log Σ_c exp(x[b, c, s]). */
    public static void logSumExp(float[] x, int rows, int classes, int inner, float[] out) {
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                out[b * inner + s] = (float) fibreLogSumExp(x, b * classes * inner + s, classes, inner);
            }
        }
    }

    /** y[b, c, s] = exp(x[b, c, s] − lse(b, s)). */
    public static void softmax(float[] x, int rows, int classes, int inner, float[] y) {
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int base = b * classes * inner + s;
                double lse = fibreLogSumExp(x, base, classes, inner);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    y[i] = (float) Math.exp(x[i] - lse);
                }
            }
        }
    }

    /** y[b, c, s] = x[b, c, s] − lse(b, s). */
    public static void logSoftmax(float[] x, int rows, int classes, int inner, float[] y) {
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int base = b * classes * inner + s;
                double lse = fibreLogSumExp(x, base, classes, inner);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    y[i] = (float) (x[i] - lse);
                }
            }
        }
    }

    /**
     * Backward of softmax along the class axis, adding into dx. With y = softmax(x) saved by the
     * forward pass, ∂y_k/∂x_c = y_k([k = c] − y_c), so
     * <pre>
     *   dx[b, c, s] += Σ_k dy[b, k, s]·y[b, k, s]·([k = c] − y[b, c, s])
     *                = y[b, c, s]·(dy[b, c, s] − Σ_k y[b, k, s]·dy[b, k, s])
     * </pre>
     * A class with y = 0 (masked out) receives exactly 0.
     */
    public static void softmaxBackward(float[] y, float[] dy, int rows, int classes, int inner, float[] dx) {
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int base = b * classes * inner + s;
                double dot = 0;                                   // Σ_k y·dy over the fibre
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    dot += (double) y[i] * dy[i];
                }
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    dx[i] += (float) (y[i] * (dy[i] - dot));
                }
            }
        }
    }

    /**
     * Backward of log-softmax along the class axis, adding into dx. With ℓ = log softmax(x) saved
     * by the forward pass, ∂ℓ_k/∂x_c = [k = c] − softmax(x)_c and softmax(x)_c = exp(ℓ_c), so
     * <pre>
     *   dx[b, c, s] += dy[b, c, s] − exp(ℓ[b, c, s])·Σ_k dy[b, k, s]
     * </pre>
     */
    public static void logSoftmaxBackward(float[] logY, float[] dy, int rows, int classes, int inner, float[] dx) {
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int base = b * classes * inner + s;
                double total = 0;                                 // Σ_k dy over the fibre
                for (int c = 0; c < classes; c++) total += dy[base + c * inner];
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    dx[i] += (float) (dy[i] - Math.exp(logY[i]) * total);
                }
            }
        }
    }

    /** log Σ_c exp(x[base + c·stride]) by the max trick, in double. */
    public static double fibreLogSumExp(float[] x, int base, int classes, int stride) {
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) m = Math.max(m, x[base + c * stride]);
        if (m == Double.NEGATIVE_INFINITY) return m;          // all masked: log 0
        double acc = 0;
        for (int c = 0; c < classes; c++) acc += Math.exp(x[base + c * stride] - m);
        return m + Math.log(acc);
    }
}
