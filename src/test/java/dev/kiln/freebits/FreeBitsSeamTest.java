package dev.kiln.freebits;

import dev.kiln.backend.Backend;
import dev.kiln.backend.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The free-bits seam methods' reference bodies overwrite their outputs: stale values in units and
 * grad (a reused buffer) must not leak into the result.
 */
class FreeBitsSeamTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;

    @Test
    void unitsAreOverwrittenNotAddedInto() {
        float[] kl = {1f, 2f, 3f, 4f, 5f, 6f};                                // [B = 2, D = 3]
        double[] perDim = {9, 9, 9}, perSample = {9, 9};
        REF.freeBitsUnits(kl, 2, 3, true, perDim);
        REF.freeBitsUnits(kl, 2, 3, false, perSample);
        assertArrayEquals(new double[] {2.5, 3.5, 4.5}, perDim, 0.0);
        assertArrayEquals(new double[] {2, 5}, perSample, 0.0);
    }

    @Test
    void theMaskOverwritesEveryElementAndPassesTheKink() {
        float[] grad = {7f, 7f, 7f, 7f, 7f, 7f};
        REF.freeBitsMask(new double[] {1, 2, 3}, 2, 3, true, 2.0, 0.25f, grad);
        assertArrayEquals(new float[] {0f, 0.25f, 0.25f, 0f, 0.25f, 0.25f}, grad, 0f);
        REF.freeBitsMask(new double[] {1, 3}, 2, 3, false, 2.0, 0.5f, grad);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0.5f, 0.5f, 0.5f}, grad, 0f);
    }
}
