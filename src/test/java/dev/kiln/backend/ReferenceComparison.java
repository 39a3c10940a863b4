package dev.kiln.backend;

import static dev.kiln.testing.TestArrays.abs;
import static dev.kiln.testing.TestArrays.gaussian;
import dev.kiln.rand.Rng;
import dev.kiln.testing.Tolerances;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the fast-vs-reference properties: inputs, absolute values, the rounding bound. */
final class ReferenceComparison {
    private ReferenceComparison() {}

    /** One thread: the fast kernels' sequential path. */
    static final FastCpuBackend FAST_ONE_THREAD = new FastCpuBackend(1);

    /** Three threads, parallel from the first multiply-add: every parallel path runs even on tiny shapes. */
    static final FastCpuBackend FAST_ALWAYS_PARALLEL = new FastCpuBackend(3, 0);

    /** Three threads, always parallel, on the scalar twins of the Vector API kernels. */
    static final FastCpuBackend FAST_SCALAR_PARALLEL = new FastCpuBackend(3, 0, false);



    /**
     * Every element of {@code fast} is within (terms + 2)·{@link Tolerances#FAST_VS_REFERENCE_PER_TERM}
     * ·{@code absScale[i]} of {@code reference}, where absScale is the same computation over
     * absolute values (Σ|terms|). Where absScale is 0 the two must agree exactly.
     */
    static void assertWithinRoundingOfReference(String what, float[] fast, float[] reference, float[] absScale,
                                                int terms) {
        assertTrue(fast.length == reference.length && fast.length == absScale.length, what + ": lengths differ");
        double perUnit = (terms + 2) * Tolerances.FAST_VS_REFERENCE_PER_TERM;
        for (int i = 0; i < fast.length; i++) {
            double allowed = perUnit * absScale[i];
            double diff = Math.abs((double) fast[i] - reference[i]);
            if (!(diff <= allowed)) {
                fail(what + ": element " + i + " is " + fast[i] + ", reference " + reference[i]
                        + " (difference " + diff + ", allowed " + allowed + " for " + terms + " terms)");
            }
        }
    }
}
