package dev.kiln.kernels.fast;

import dev.kiln.kernels.ClassAxis;

/**
 * The class-axis kernels over a [rows, classes, inner] array, one task per row b (a sample of the
 * batch). Each fibre (b, s) is computed exactly as in the scalar reference {@link ClassAxis}, with
 * its {@link ClassAxis#fibreLogSumExp}, so the results are bit-for-bit the reference's; only the
 * rows run in parallel. Worth it for a decoder's per-cell logits: [64, 10, 30·30] is 576 000
 * exponentials per call.
 */
public final class FastClassAxis {
    /** Work units per exponential (in multiply-add equivalents). */
    private static final int EXP_COST = 16;

    private FastClassAxis() {}

    /** out[b, s] = log Σ_c exp(x[b, c, s]). Reference: {@link ClassAxis#logSumExp}. */
    public static void logSumExp(Workers workers, float[] x, int rows, int classes, int inner, float[] out) {
        workers.forEach(rows, work(rows, classes, inner), b -> {
            for (int s = 0; s < inner; s++) {
                out[b * inner + s] = (float) ClassAxis.fibreLogSumExp(x, b * classes * inner + s, classes, inner);
            }
        });
    }

    /** y[b, c, s] = exp(x[b, c, s] − lse(b, s)). Reference: {@link ClassAxis#softmax}. */
    public static void softmax(Workers workers, float[] x, int rows, int classes, int inner, float[] y) {
        workers.forEach(rows, work(rows, classes, inner), b -> {
            for (int s = 0; s < inner; s++) {
                int base = b * classes * inner + s;                  // x[b, 0, s]
                double lse = ClassAxis.fibreLogSumExp(x, base, classes, inner);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    y[i] = (float) Math.exp(x[i] - lse);
                }
            }
        });
    }

    /** y[b, c, s] = x[b, c, s] − lse(b, s). Reference: {@link ClassAxis#logSoftmax}. */
    public static void logSoftmax(Workers workers, float[] x, int rows, int classes, int inner, float[] y) {
        workers.forEach(rows, work(rows, classes, inner), b -> {
            for (int s = 0; s < inner; s++) {
                int base = b * classes * inner + s;
                double lse = ClassAxis.fibreLogSumExp(x, base, classes, inner);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    y[i] = (float) (x[i] - lse);
                }
            }
        });
    }

    private static long work(int rows, int classes, int inner) {
        return (long) rows * classes * inner * EXP_COST;
    }
}
