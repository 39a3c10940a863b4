package dev.kiln.kernels.fast;

import dev.kiln.kernels.ClassAxis;

/**
 * The class-axis kernels over a [rows, classes, inner] array (the class c of cell (b, s) at
 * {@code x[(b·classes + c)·inner + s]}), in float with {@link FastMath}'s exp and log, vectorized
 * along the contiguous inner axis. References: {@link ClassAxis} (double, {@code Math.exp}).
 *
 * <p>Per cell (b, s), as in the reference but in float, and without ever forming x − lse (which
 * in float would lose the digits of x − m when |m| is large):
 * <pre>
 *   m   = max_c x[b, c, s]                                  (pass 1)
 *   Σ   = Σ_c exp(x[b, c, s] − m)                           (pass 2; Σ ≥ 1, the largest term is e⁰)
 *   logsumexp   = m + log Σ                                 (−∞ when m = −∞: every class masked)
 *   softmax     = exp(x − m) / Σ                            (pass 2 stores exp(x − m) in y)
 *   log-softmax = (x − m) − log Σ                           (pass 3)
 * </pre>
 * Work is cut by size only: the rows·inner cells, in row-major order, in tasks of {@link #CELLS}
 * cells; a task walks its cells as pieces (b, [s0, s1)) within one row. Each lane of a piece is
 * one cell, computed by the same float operations in the vector kernel ({@link VectorClassAxis})
 * and in the scalar twin here (tails, and JVMs without the Vector API), so the results are the
 * same bits for any thread count, with or without the Vector API.
 *
 * <p>Error against the reference (derived from FastMath's ≤ 2 ulp and a float sum of C terms,
 * u = 2⁻²⁴): log Σ is off by at most (C + 4)·u absolute (a relative error δ of Σ moves log Σ by
 * δ), the subtraction x − m by u·|x − m|, and each result is rounded once more; so logsumexp and
 * log-softmax are within 2u·(C + 4 + |x − m| + |result|), and softmax within
 * 2u·(C + 8 + |x − m|)·softmax (plus a few subnormal steps). FastLossProperties asserts these.
 */
public final class FastClassAxis {
    /** Cells (b, s) per task. */
    static final int CELLS = 2048;
    /** Work units per exponential (in multiply-add equivalents), for {@link Workers#forEach}. */
    private static final int EXP_COST = 16;

    private FastClassAxis() {}

    /** One piece of a task: the cells (b, s) for s in [s0, s1) of row b; {@code task} numbers the task. */
    @FunctionalInterface
    interface Piece {
        void run(int task, int b, int s0, int s1);
    }

    /** How many tasks {@link #forEachPiece} cuts rows·inner cells into. */
    static int tasks(int rows, int inner) {
        return (int) (((long) rows * inner + CELLS - 1) / CELLS);
    }

    /**
     * Runs {@code piece} over every cell of [rows, inner] once, in tasks of {@link #CELLS} cells in
     * row-major order; within a task, pieces run in order. {@code costPerCell} sizes the work.
     */
    static void forEachPiece(Workers workers, int rows, int inner, long costPerCell, Piece piece) {
        long cells = (long) rows * inner;
        workers.forEach(tasks(rows, inner), cells * costPerCell, t -> {
            long c1 = Math.min(cells, (long) (t + 1) * CELLS);
            for (long c = (long) t * CELLS; c < c1; ) {
                int b = (int) (c / inner);
                int s0 = (int) (c - (long) b * inner);
                int s1 = (int) Math.min(inner, s0 + (c1 - c));
                piece.run(t, b, s0, s1);
                c += s1 - s0;
            }
        });
    }

    /** The work of one cell's pass over the classes with an exponential each. */
    static long expCost(int classes) {
        return (long) classes * EXP_COST;
    }

    // ---------------------------------------------------------------- kernels

    /** out[b, s] = log Σ_c exp(x[b, c, s]). Reference: {@link ClassAxis#logSumExp}. */
    public static void logSumExp(Workers workers, float[] x, int rows, int classes, int inner, float[] out) {
        boolean vector = workers.vector();
        forEachPiece(workers, rows, inner, expCost(classes), (t, b, s0, s1) -> {
            int s = vector ? VectorClassAxis.logSumExp(x, b, classes, inner, s0, s1, out) : s0;
            for (; s < s1; s++) {                                   // the scalar twin
                int i = b * classes * inner + s;                    // x[b, 0, s]
                float m = fibreMax(x, i, classes, inner);
                out[b * inner + s] = logSumExp(m, fibreSumExp(x, i, classes, inner, m));
            }
        });
    }

    /** y[b, c, s] = exp(x[b, c, s] − m) / Σ. Reference: {@link ClassAxis#softmax}. */
    public static void softmax(Workers workers, float[] x, int rows, int classes, int inner, float[] y) {
        boolean vector = workers.vector();
        forEachPiece(workers, rows, inner, expCost(classes), (t, b, s0, s1) -> {
            int s = vector ? VectorClassAxis.softmax(x, b, classes, inner, s0, s1, y) : s0;
            for (; s < s1; s++) {
                int i = b * classes * inner + s;
                float m = fibreMax(x, i, classes, inner);
                float sum = 0f;
                for (int c = 0; c < classes; c++) {
                    float e = FastMath.exp(x[i + c * inner] - m);
                    y[i + c * inner] = e;
                    sum += e;
                }
                for (int c = 0; c < classes; c++) y[i + c * inner] /= sum;
            }
        });
    }

    /** y[b, c, s] = (x[b, c, s] − m) − log Σ. Reference: {@link ClassAxis#logSoftmax}. */
    public static void logSoftmax(Workers workers, float[] x, int rows, int classes, int inner, float[] y) {
        boolean vector = workers.vector();
        forEachPiece(workers, rows, inner, expCost(classes),
                (t, b, s0, s1) -> logSoftmaxPiece(vector, x, b, classes, inner, s0, s1, y));
    }

    /** Log-softmax of the cells (b, s), s in [s0, s1): the vector kernel, then the scalar twin for the tail. */
    static void logSoftmaxPiece(boolean vector, float[] x, int b, int classes, int inner, int s0, int s1, float[] y) {
        int s = vector ? VectorClassAxis.logSoftmax(x, b, classes, inner, s0, s1, y) : s0;
        for (; s < s1; s++) {
            int i = b * classes * inner + s;
            float m = fibreMax(x, i, classes, inner);
            float logSum = FastMath.log(fibreSumExp(x, i, classes, inner, m));
            for (int c = 0; c < classes; c++) y[i + c * inner] = (x[i + c * inner] - m) - logSum;
        }
    }

    // ---------------------------------------------------------------- the scalar twin's steps

    /** max_c x[i + c·inner] (−∞ for no classes; NaN if any is NaN, as Math.max). */
    static float fibreMax(float[] x, int i, int classes, int inner) {
        float m = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) m = Math.max(m, x[i + c * inner]);
        return m;
    }

    /** Σ_c exp(x[i + c·inner] − m), summed in class order. */
    static float fibreSumExp(float[] x, int i, int classes, int inner, float m) {
        float sum = 0f;
        for (int c = 0; c < classes; c++) sum += FastMath.exp(x[i + c * inner] - m);
        return sum;
    }

    /** m + log Σ, and −∞ for an all-masked fibre (m = −∞, where Σ is NaN). */
    static float logSumExp(float m, float sum) {
        return m == Float.NEGATIVE_INFINITY ? m : m + FastMath.log(sum);
    }
}
