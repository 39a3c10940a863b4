package dev.kiln.kernels.fast;

import dev.kiln.kernels.BceWithLogitsKernel;
import dev.kiln.kernels.CrossEntropyKernel;
import dev.kiln.kernels.FocalKernel;

/**
 * The loss kernels of the fast backend: cross-entropy (weighted), focal loss and BCE on logits,
 * forward and backward, parallel and vectorized, with {@link FastMath}'s float exp and log.
 * References: {@link CrossEntropyKernel}, {@link FocalKernel}, {@link BceWithLogitsKernel}.
 *
 * <p>Class losses use the [rows, classes, inner] layout and the task cut of
 * {@link FastClassAxis#forEachPiece} (cells in tasks of {@link FastClassAxis#CELLS}); BCE cuts its
 * n elements into tasks of {@link #BCE_CHUNK}. Both cuts depend on the size only.
 * <ul>
 *   <li>Forward sums: each task sums its cells in double, in cell order, into its own partial;
 *       the partials are added in task order. The same bits for any thread count; against the
 *       reference's single running sum the difference is double rounding (≈ 1e−16 relative).</li>
 *   <li>Per-cell terms that need no exponential per class (−w[t]·ℓ_t, the focal modulation G)
 *       are the reference's own double expressions. The per-class exp(ℓ) of the backward passes
 *       and BCE's exp/log are float {@link FastMath}, vector kernels in {@link VectorLoss} with
 *       their scalar twins here (the same float operations per lane: the same bits).</li>
 *   <li>Backward: dx[i] = fma(k, p − [c = t], dx[i]), k = scale·w[t] (or scale·α[t]·G) rounded
 *       to float once per cell; one rounding per element where the reference has two.</li>
 * </ul>
 * {@link #logSoftmaxCrossEntropy} fuses the log-softmax with the cross-entropy sum: a task writes
 * the log-softmax of its cells and sums −w[t]·ℓ_t over them while they are in cache.
 */
public final class FastLoss {
    /** BCE elements per task. */
    static final int BCE_CHUNK = 8192;
    /** Work units of one BCE element (an exp and a log). */
    private static final int BCE_COST = 32;

    private static final Scratch COEFFICIENTS = new Scratch();  // k per cell of a piece
    private static final Scratch LOSSES = new Scratch();        // BCE loss per element of a task

    private FastLoss() {}

    // ---------------------------------------------------------------- cross-entropy

    /**
     * Writes logp = log softmax(logits) along the classes and returns Σ over cells of −w[t]·logp_t
     * in double: {@link FastClassAxis#logSoftmax} and {@link #crossEntropy} in one pass.
     */
    public static double logSoftmaxCrossEntropy(Workers workers, float[] logits, int[] targets, float[] weights,
                                                int rows, int classes, int inner, float[] logp) {
        boolean vector = workers.vector();
        double[] partial = new double[FastClassAxis.tasks(rows, inner)];
        FastClassAxis.forEachPiece(workers, rows, inner, FastClassAxis.expCost(classes), (t, b, s0, s1) -> {
            FastClassAxis.logSoftmaxPiece(vector, logits, b, classes, inner, s0, s1, logp);
            partial[t] += crossEntropyCells(logp, targets, weights, b, classes, inner, s0, s1);
        });
        return inOrder(partial);
    }

    /** Σ over cells of −w[t]·logp[b, t, s], in double. Reference: {@link CrossEntropyKernel#forward}. */
    public static double crossEntropy(Workers workers, float[] logp, int[] targets, float[] weights, int rows,
                                      int classes, int inner) {
        double[] partial = new double[FastClassAxis.tasks(rows, inner)];
        FastClassAxis.forEachPiece(workers, rows, inner, 1, (t, b, s0, s1) ->
                partial[t] += crossEntropyCells(logp, targets, weights, b, classes, inner, s0, s1));
        return inOrder(partial);
    }

    /** dx[b, c, s] += scale·w[t]·(exp(logp[b, c, s]) − [c = t]). Reference: {@link CrossEntropyKernel#backward}. */
    public static void crossEntropyBackward(Workers workers, float[] logp, int[] targets, float[] weights, int rows,
                                            int classes, int inner, float scale, float[] dx) {
        boolean vector = workers.vector();
        FastClassAxis.forEachPiece(workers, rows, inner, FastClassAxis.expCost(classes), (t, b, s0, s1) -> {
            float[] k = COEFFICIENTS.floats(FastClassAxis.CELLS);   // a piece has ≤ CELLS cells
            for (int s = s0; s < s1; s++) {
                double wt = weights == null ? 1.0 : weights[targets[b * inner + s]];
                k[s - s0] = (float) (scale * wt);
            }
            addSoftmaxMinusOneHot(vector, logp, targets, k, b, classes, inner, s0, s1, dx);
        });
    }

    /** −w[t]·logp_t summed over the cells s in [s0, s1) of row b: the reference's expression. */
    private static double crossEntropyCells(float[] logp, int[] targets, float[] weights, int b, int classes,
                                            int inner, int s0, int s1) {
        double acc = 0;
        for (int s = s0; s < s1; s++) {
            int t = targets[b * inner + s];
            double wt = weights == null ? 1.0 : weights[t];
            acc += -wt * logp[(b * classes + t) * inner + s];
        }
        return acc;
    }

    // ---------------------------------------------------------------- focal loss

    /** Σ over cells of −α[t]·(1 − p_t)^γ·logp_t, in double. Reference: {@link FocalKernel#forward}. */
    public static double focal(Workers workers, float[] logp, int[] targets, float[] alpha, float gamma, int rows,
                               int classes, int inner) {
        double[] partial = new double[FastClassAxis.tasks(rows, inner)];
        FastClassAxis.forEachPiece(workers, rows, inner, FastClassAxis.expCost(1), (task, b, s0, s1) -> {
            double acc = 0;
            for (int s = s0; s < s1; s++) {
                int t = targets[b * inner + s];
                double at = alpha == null ? 1.0 : alpha[t];
                double lt = logp[(b * classes + t) * inner + s];
                acc += -at * Math.pow(-Math.expm1(lt), gamma) * lt;
            }
            partial[task] += acc;
        });
        return inOrder(partial);
    }

    /** dx[b, c, s] += scale·α[t]·G·(p_c − [c = t]). Reference: {@link FocalKernel#backward}. */
    public static void focalBackward(Workers workers, float[] logp, int[] targets, float[] alpha, float gamma,
                                     int rows, int classes, int inner, float scale, float[] dx) {
        boolean vector = workers.vector();
        FastClassAxis.forEachPiece(workers, rows, inner, FastClassAxis.expCost(classes), (task, b, s0, s1) -> {
            float[] k = COEFFICIENTS.floats(FastClassAxis.CELLS);   // a piece has ≤ CELLS cells
            for (int s = s0; s < s1; s++) {
                int t = targets[b * inner + s];
                double at = alpha == null ? 1.0 : alpha[t];
                k[s - s0] = (float) (scale * (at * FocalKernel.modulation(logp[(b * classes + t) * inner + s], gamma)));
            }
            addSoftmaxMinusOneHot(vector, logp, targets, k, b, classes, inner, s0, s1, dx);
        });
    }

    /**
     * dx[b, c, s] = fma(k[s − s0], exp(logp[b, c, s]) − [c = t], dx[b, c, s]) for s in [s0, s1):
     * the vector kernel, then the scalar twin for the tail.
     */
    private static void addSoftmaxMinusOneHot(boolean vector, float[] logp, int[] targets, float[] k, int b,
                                              int classes, int inner, int s0, int s1, float[] dx) {
        int s = vector ? VectorLoss.addSoftmaxMinusOneHot(logp, targets, k, b, classes, inner, s0, s1, dx) : s0;
        for (; s < s1; s++) {
            int t = targets[b * inner + s];
            int base = b * classes * inner + s;                     // [b, 0, s]
            for (int c = 0; c < classes; c++) {
                int i = base + c * inner;
                float p = FastMath.exp(logp[i]);
                dx[i] = Math.fma(k[s - s0], c == t ? p - 1f : p, dx[i]);
            }
        }
    }

    // ---------------------------------------------------------------- BCE on logits

    /**
     * Σ_i max(x_i, 0) − x_i·t_i + log(1 + e^(−|x_i|)), each term in float ({@link #bceTerm}),
     * summed in double. Reference: {@link BceWithLogitsKernel#forward}.
     */
    public static double bceWithLogits(Workers workers, float[] x, float[] t, int n) {
        boolean vector = workers.vector();
        double[] partial = new double[Workers.ceilDiv(n, BCE_CHUNK)];
        workers.forEach(partial.length, (long) n * BCE_COST, task -> {
            int i0 = task * BCE_CHUNK, i1 = Math.min(n, i0 + BCE_CHUNK);
            float[] loss = LOSSES.floats(BCE_CHUNK);
            int i = vector ? VectorLoss.bceTerms(x, t, i0, i1, loss) : i0;
            for (; i < i1; i++) loss[i - i0] = bceTerm(x[i], t[i]);
            double acc = 0;
            for (int j = 0; j < i1 - i0; j++) acc += loss[j];
            partial[task] = acc;
        });
        return inOrder(partial);
    }

    /** dx[i] = fma(scale, σ(x_i) − t_i, dx[i]). Reference: {@link BceWithLogitsKernel#backward}. */
    public static void bceWithLogitsBackward(Workers workers, float[] x, float[] t, int n, float scale, float[] dx) {
        boolean vector = workers.vector();
        workers.forEach(Workers.ceilDiv(n, BCE_CHUNK), (long) n * BCE_COST, task -> {
            int i0 = task * BCE_CHUNK, i1 = Math.min(n, i0 + BCE_CHUNK);
            int i = vector ? VectorLoss.bceBackward(x, t, i0, i1, scale, dx) : i0;
            for (; i < i1; i++) dx[i] = Math.fma(scale, sigmoid(x[i]) - t[i], dx[i]);
        });
    }

    /**
     * One BCE term in float: (max(x, 0) − x·t) + log1p(e^(−|x|)), in the reference's order (so
     * x − x·t cancels exactly at t = 1 before the small log term is added).
     */
    static float bceTerm(float x, float t) {
        return (Math.max(x, 0f) - x * t) + log1p(FastMath.exp(-Math.abs(x)));
    }

    /**
     * log(1 + e) for e in [0, 1] (Goldberg 1991, "What every computer scientist should know about
     * floating-point arithmetic", Thm. 4): with u = fl(1 + e), log(1 + e) = log(u)·e/(u − 1) to a
     * few ulp, since log(u)/(u − 1) varies slowly and u − 1 is exact; e itself when u rounds to 1.
     */
    static float log1p(float e) {
        float u = 1f + e;
        return u == 1f ? e : FastMath.log(u) * (e / (u - 1f));
    }

    /** σ(x) in float = (x ≥ 0 ? 1 : e)/(1 + e), e = exp(−|x|): no exponent is ever positive. */
    static float sigmoid(float x) {
        float e = FastMath.exp(-Math.abs(x));
        return (x >= 0f ? 1f : e) / (1f + e);
    }

    /** Σ partial[t] in task order. */
    private static double inOrder(double[] partial) {
        double acc = 0;
        for (double p : partial) acc += p;
        return acc;
    }
}
