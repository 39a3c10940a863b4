package dev.kiln.backend;

import dev.kiln.kernels.fast.Workers;
import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs for the Vector API kernel properties ({@code FastPointwiseVectorProperties},
 * {@code FastOptimProperties}, {@code FastReduceProperties}): the float edge values, the array
 * lengths around the vector, chunk and parallel edges, the backends to compare, and a guard band.
 */
final class EdgeFloats {
    private EdgeFloats() {}

    /** The values where a vector rewrite of a float expression can go wrong. */
    static final float[] VALUES = {
        0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL / 3, -Float.MIN_NORMAL / 5,    // subnormals
        Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f, 100f, -100f, 1f, -1f,
    };

    /** Elements past n: the kernels must leave them alone. */
    static final int GUARD = 19;
    /** What the guard band holds. */
    static final float SENTINEL = 12345.678f;

    /** The vector path on one thread and on three (parallel from the first element). */
    static final FastCpuBackend VECTOR_ONE = ReferenceComparison.FAST_ONE_THREAD;
    static final FastCpuBackend VECTOR_THREE = ReferenceComparison.FAST_ALWAYS_PARALLEL;
    /** The scalar twins on one thread and on three. */
    static final FastCpuBackend SCALAR_ONE = new FastCpuBackend(1, Workers.DEFAULT_MIN_PARALLEL_WORK, false);
    static final FastCpuBackend SCALAR_THREE = ReferenceComparison.FAST_SCALAR_PARALLEL;
    /** Three threads at the real parallel threshold (reached by the "above the threshold" lengths). */
    static final FastCpuBackend VECTOR_THREE_DEFAULT = new FastCpuBackend(3);

    /** Every fast configuration under test. */
    static final FastCpuBackend[] FAST = {VECTOR_ONE, VECTOR_THREE, SCALAR_ONE, SCALAR_THREE, VECTOR_THREE_DEFAULT};

    /** Just above the default parallel threshold of a one-unit-per-element kernel (2²⁰ elements). */
    static final int ABOVE_THRESHOLD = (int) Workers.DEFAULT_MIN_PARALLEL_WORK + 17;

    /**
     * Lengths: 0 and 1; small and odd; around one and two vectors (16 floats with AVX-512, 8 with
     * AVX2); around the 8192-element chunk and block edges; just above the parallel threshold.
     */
    static Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0, 1)),
                Tuple.of(3, Arbitraries.integers().between(2, 100)),
                Tuple.of(2, Arbitraries.of(7, 8, 9, 15, 16, 17, 31, 32, 33)),
                Tuple.of(3, Arbitraries.of(8191, 8192, 8193, 2 * 8192 + 1, 3 * 8192 + 5)),
                Tuple.of(1, Arbitraries.just(ABOVE_THRESHOLD)));
    }

    /** The statistics class of a length from {@link #lengths()}. */
    static String lengthClass(int n) {
        return n < 2 ? "0 or 1" : n <= 100 ? "small" : n < ABOVE_THRESHOLD ? "around a chunk edge" : "above the threshold";
    }

    /** n Gaussian values (times scale), about one in five replaced by one of {@link #VALUES}, then the guard band. */
    static float[] withEdges(Rng rng, int n, float scale) {
        float[] x = new float[n + GUARD];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(5) == 0 ? VALUES[rng.nextInt(VALUES.length)] : (float) rng.nextGaussian() * scale;
        }
        java.util.Arrays.fill(x, n, n + GUARD, SENTINEL);
        return x;
    }

    /** As {@link #withEdges} but |x| (for second moments), keeping NaN and one in ten values negative. */
    static float[] nonNegativeWithEdges(Rng rng, int n, float scale) {
        float[] x = withEdges(rng, n, scale);
        for (int i = 0; i < n; i++) if (rng.nextInt(10) != 0) x[i] = Math.abs(x[i]);
        return x;
    }

    /** The guard band after n is untouched. */
    static void assertGuardIntact(float[] x, int n, String what) {
        assertEquals(n + GUARD, x.length, what + ": length");
        for (int i = n; i < x.length; i++) {
            assertTrue(Float.floatToRawIntBits(x[i]) == Float.floatToRawIntBits(SENTINEL),
                    what + ": element " + i + " past n = " + n + " was written: " + x[i]);
        }
    }

    /** Whether the arrays hold one of the special values (for coverage statistics). */
    static boolean hasNaNAndSignedZero(float[] x, int n) {
        boolean nan = false, negZero = false;
        for (int i = 0; i < n; i++) {
            nan |= Float.isNaN(x[i]);
            negZero |= Float.floatToRawIntBits(x[i]) == 0x80000000;
        }
        return nan && negZero;
    }
}
