package dev.kiln.backend;

import dev.kiln.rand.Rng;
import java.math.BigDecimal;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;

import static dev.kiln.backend.EdgeFloats.FAST;
import static dev.kiln.backend.EdgeFloats.lengthClass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fast sum and sumSquares add in double, as the reference does, in a fixed order of their own
 * (blocks of 8192 terms, eight accumulators per block; see {@code FastReduce}). The bound: every
 * summation order of n exact double terms is within γ_{n−1}·Σ|terms| of the exact sum, with
 * γ_k = k·u/(1 − k·u), u = 2⁻⁵³ (Higham, Accuracy and Stability, §4.2), so fast and reference are
 * both checked against the exact sum (BigDecimal) within that bound. The order itself is fixed by
 * n alone: the Vector API path and the scalar twin, on one thread and on three, give the same bits.
 */
class FastReduceProperties {

    @Provide
    Arbitrary<Integer> lengths() {
        return EdgeFloats.lengths();
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60)
    void sumsAreWithinTheDoubleRoundingBoundOfTheExactSumAndTheSameOnEveryPath(
            @ForAll("lengths") int n, @ForAll @IntRange(min = 0, max = 5) int off,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[off + n + EdgeFloats.GUARD];
        java.util.Arrays.fill(x, EdgeFloats.SENTINEL);         // outside [off, off + n): must not count
        for (int i = 0; i < n; i++) {
            // magnitudes from 2⁻³⁰ to 2³⁰, so that a float accumulator would lose terms
            x[off + i] = (float) (rng.nextGaussian() * Math.pow(2, rng.nextInt(61) - 30));
        }
        float[] squares = java.util.Arrays.copyOfRange(x, off, off + n + EdgeFloats.GUARD);

        double sumRef = ReferenceBackend.INSTANCE.sum(x, off, n);
        double sumSquaresRef = ReferenceBackend.INSTANCE.sumSquares(squares, n);
        Exact sumExact = Exact.of(x, off, n, false), sumSquaresExact = Exact.of(squares, 0, n, true);
        sumExact.assertWithinBound("reference sum", sumRef);
        sumSquaresExact.assertWithinBound("reference sumSquares", sumSquaresRef);
        double sumFirst = Double.NaN, sumSquaresFirst = Double.NaN;
        for (FastCpuBackend fast : FAST) {
            String where = "n = " + n + ", off = " + off + ", " + fast.threads() + " threads, vector " + fast.vector();
            double sum = fast.sum(x, off, n);
            double sumSquares = fast.sumSquares(squares, n);
            sumExact.assertWithinBound("sum, " + where, sum);
            sumSquaresExact.assertWithinBound("sumSquares, " + where, sumSquares);
            if (fast == FAST[0]) {
                sumFirst = sum;
                sumSquaresFirst = sumSquares;
            }
            assertEquals(Double.doubleToRawLongBits(sumFirst), Double.doubleToRawLongBits(sum), "sum, same bits, " + where);
            assertEquals(Double.doubleToRawLongBits(sumSquaresFirst), Double.doubleToRawLongBits(sumSquares),
                    "sumSquares, same bits, " + where);
        }
        Statistics.label("length").collect(lengthClass(n));
        Statistics.label("length").coverage(c -> {
            c.check("0 or 1").count(k -> k > 0);
            c.check("around a chunk edge").count(k -> k > 0);
            c.check("above the threshold").count(k -> k > 0);
        });
    }

    /**
     * A float accumulator fails here, a double one cannot: 1 followed by 1023 terms of 2⁻³⁰ sums to
     * 1 + 1023·2⁻³⁰ exactly in double (and in any order), but stays at 1 in float (each term is far
     * below half an ulp of 1, 2⁻²⁴). The squares: 1 and 1023 terms (2⁻¹⁵)² = 2⁻³⁰.
     */
    @Test
    void smallTermsAfterALargeOneAreNotLost() {
        int n = 1024;
        float[] x = new float[n], r = new float[n];
        x[0] = 1f;
        r[0] = 1f;
        for (int i = 1; i < n; i++) {
            x[i] = 0x1p-30f;
            r[i] = 0x1p-15f;
        }
        for (FastCpuBackend fast : FAST) {
            assertEquals(1 + 1023 * 0x1p-30, fast.sum(x, 0, n), fast.threads() + " threads, vector " + fast.vector());
            assertEquals(1 + 1023 * 0x1p-30, fast.sumSquares(r, n), fast.threads() + " threads, vector " + fast.vector());
        }
    }

    /** Hand-computed sums over 29 terms (3 full steps of 8 and a tail of 5) with an offset. */
    @Test
    void smallSumsByHand() {
        float[] x = new float[40];
        for (int i = 0; i < x.length; i++) x[i] = i;                     // exact small integers
        for (FastCpuBackend fast : FAST) {
            String where = fast.threads() + " threads, vector " + fast.vector();
            assertEquals(3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 + 21 + 22 + 23
                    + 24 + 25 + 26 + 27 + 28 + 29 + 30 + 31, fast.sum(x, 3, 29), "Σ_{3..31} i, " + where);
            assertEquals(28 * 29 * 57 / 6, fast.sumSquares(x, 29), "Σ_{0..28} i², " + where);
            assertEquals(0.0, fast.sum(x, 7, 0), where);
            assertEquals(39.0, fast.sum(x, 39, 1), where);
            assertEquals(0.0, fast.sumSquares(x, 0), where);
        }
    }

    /**
     * NaN gives NaN, +∞ gives +∞, +∞ and −∞ together give NaN, and a sum of zeros is +0 even when
     * they are all −0 (the sum starts from +0, as the reference's does), wherever in the vector
     * steps, the tail or the blocks the special value sits.
     */
    @Property(tries = 40)
    void specialValuesGiveTheReferencesResult(@ForAll("lengths") int n, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = EdgeFloats.withEdges(rng, n, 1f);
        float[] zeros = new float[n];
        java.util.Arrays.fill(zeros, -0f);
        for (FastCpuBackend fast : FAST) {
            String where = "n = " + n + ", " + fast.threads() + " threads, vector " + fast.vector();
            assertSameClass(ReferenceBackend.INSTANCE.sum(x, 0, n), fast.sum(x, 0, n), "sum, " + where);
            assertSameClass(ReferenceBackend.INSTANCE.sumSquares(x, n), fast.sumSquares(x, n), "sumSquares, " + where);
            assertEquals(0L, Double.doubleToRawLongBits(fast.sum(zeros, 0, n)), "Σ −0 = +0, " + where);
        }
    }

    /** Both NaN, or both the same infinity, or both finite (the bound property checks finite values). */
    private static void assertSameClass(double reference, double fast, String what) {
        if (Double.isNaN(reference) || Double.isInfinite(reference)) {
            assertEquals(Double.doubleToLongBits(reference), Double.doubleToLongBits(fast), what);
        } else {
            assertTrue(Double.isFinite(fast), what + ": reference " + reference + ", fast " + fast);
        }
    }

    /** The exact sum of n terms, Σ|terms| and γ_{n−1}, in BigDecimal and double. */
    private record Exact(BigDecimal sum, double allowed) {
        static Exact of(float[] x, int off, int n, boolean squares) {
            BigDecimal exact = BigDecimal.ZERO, abs = BigDecimal.ZERO;
            for (int i = off; i < off + n; i++) {
                BigDecimal term = new BigDecimal(x[i]);
                if (squares) term = term.multiply(term);
                exact = exact.add(term);
                abs = abs.add(term.abs());
            }
            double u = 0x1p-53;
            int k = Math.max(0, n - 1);
            return new Exact(exact, k * u / (1 - k * u) * abs.doubleValue());
        }

        /** |s − exact| ≤ γ_{n−1}·Σ|terms|. */
        void assertWithinBound(String what, double s) {
            double diff = new BigDecimal(s).subtract(sum).abs().doubleValue();
            if (!(diff <= allowed)) {
                fail(what + ": " + s + ", exact " + sum.doubleValue() + " (difference " + diff + ", allowed " + allowed + ")");
            }
        }
    }
}
