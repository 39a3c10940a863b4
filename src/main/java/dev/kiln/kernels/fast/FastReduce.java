package dev.kiln.kernels.fast;

import dev.kiln.kernels.Reduce;

/**
 * Σ x and Σ x² in double, as the reference ({@link Reduce}) sums, but not in its order: the
 * reference adds one term at a time into one double, a chain of n dependent additions (about four
 * cycles each). Here:
 * <ol>
 *   <li>the range is cut into blocks of {@link #BLOCK} terms, by its length only, that run in
 *       parallel when it is long;</li>
 *   <li>inside a block, term i goes to accumulator (i − lo) mod 8 of eight double accumulators
 *       s0..s7, each summed in index order from +0 (the Vector API path, where vectors are 256
 *       bits, holds them in two 4-lane double vectors; the scalar twin in eight locals);</li>
 *   <li>the block's sum is ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), then the last
 *       (hi − lo) mod 8 terms are added one by one;</li>
 *   <li>the block sums are added in block order, from +0.</li>
 * </ol>
 * So the result depends on n and the values only: the same bits for any thread count and on both
 * paths (tested). Each term is exact in double (a float, or a float times itself: 48 significant
 * bits), so the only roundings are the additions, at most n − 1 of them on the way of any one
 * term, as in the reference: both are within γ_{n−1}·Σ|terms| of the exact sum (γ_k = k·u/(1 − k·u),
 * u = 2⁻⁵³), and within twice that of each other (tested against the exact sum).
 */
public final class FastReduce {
    /** Terms per block (and per task). */
    static final int BLOCK = 1 << 13;
    /** Double accumulators per block. */
    static final int ACCUMULATORS = 8;

    private FastReduce() {}

    /** Σ x[off..off+n) in double. Reference: {@link Reduce#sum}. */
    public static double sum(Workers workers, float[] x, int off, int n) {
        boolean vector = workers.vector() && VectorReduce.SERVES;   // 256-bit vectors only (VectorReduce)
        return blocked(workers, n, (lo, hi) -> vector ? VectorReduce.sum(x, off + lo, off + hi)
                : sumScalar(x, off + lo, off + hi));
    }

    /** Σ x[i]² over [0, n) in double. Reference: {@link Reduce#sumSquares}. */
    public static double sumSquares(Workers workers, float[] x, int n) {
        boolean vector = workers.vector() && VectorReduce.SERVES;
        return blocked(workers, n, (lo, hi) -> vector ? VectorReduce.sumSquares(x, lo, hi) : sumSquaresScalar(x, lo, hi));
    }

    /** The sum of one block of terms [lo, hi) (relative to the range). */
    @FunctionalInterface
    interface BlockSum {
        double of(int lo, int hi);
    }

    /** Steps 1 and 4: the block sums of [0, n), added in block order. */
    private static double blocked(Workers workers, int n, BlockSum block) {
        int blocks = Workers.ceilDiv(n, BLOCK);
        if (blocks <= 1) return block.of(0, n);                    // the common case: no array
        double[] partial = new double[blocks];
        workers.forEach(blocks, n, t -> partial[t] = block.of(t * BLOCK, Math.min(n, (t + 1) * BLOCK)));
        double total = 0;
        for (double s : partial) total += s;
        return total;
    }

    /** Steps 2 and 3 for Σ x[lo..hi), scalar twin of {@link VectorReduce#sum}. */
    static double sumScalar(float[] x, int lo, int hi) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = lo;
        for (; i <= hi - ACCUMULATORS; i += ACCUMULATORS) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
            s4 += x[i + 4];
            s5 += x[i + 5];
            s6 += x[i + 6];
            s7 += x[i + 7];
        }
        double acc = combine(s0, s1, s2, s3, s4, s5, s6, s7);
        for (; i < hi; i++) acc += x[i];
        return acc;
    }

    /** Steps 2 and 3 for Σ x[lo..hi)², scalar twin of {@link VectorReduce#sumSquares}. */
    static double sumSquaresScalar(float[] x, int lo, int hi) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = lo;
        for (; i <= hi - ACCUMULATORS; i += ACCUMULATORS) {
            s0 += (double) x[i] * x[i];
            s1 += (double) x[i + 1] * x[i + 1];
            s2 += (double) x[i + 2] * x[i + 2];
            s3 += (double) x[i + 3] * x[i + 3];
            s4 += (double) x[i + 4] * x[i + 4];
            s5 += (double) x[i + 5] * x[i + 5];
            s6 += (double) x[i + 6] * x[i + 6];
            s7 += (double) x[i + 7] * x[i + 7];
        }
        double acc = combine(s0, s1, s2, s3, s4, s5, s6, s7);
        for (; i < hi; i++) acc += (double) x[i] * x[i];
        return acc;
    }

    /** Step 3: the eight accumulators, added pairwise. */
    static double combine(double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
