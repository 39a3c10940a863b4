package dev.kiln.kernels.fast;

import dev.kiln.rand.Rng;
import org.junit.jupiter.api.Test;

import static dev.kiln.testing.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The narrow transB product (few rows of op(A), a Linear's x·Wᵀ at a small batch) computed as
 * Cᵀ = op(B)ᵀ·op(A)ᵀ gives the same bits as the direct product: each element is the same sum in
 * the same order, only the roles of the operands swap. The direct product is
 * {@link FastGemm#gemmPackedB} (op(B) as rows, copied into panels, never transposed).
 */
class FastGemmTransposedTest {

    /** Floats past the end of C that no GEMM may touch. */
    private static final int GUARD = 5;

    @Test
    void theTransposedNarrowProductEqualsTheDirectOneBitForBit() {
        int[][] shapes = {{32, 256, 4096}, {32, 4096, 256}, {7, 300, 200}, {1, 100, 50}, {64, 300, 1000}, {33, 97, 1000}};
        Workers one = new Workers(1, Long.MAX_VALUE), three = new Workers(3, 0);
        assertTrue(one.vector(), "Surefire runs with --add-modules jdk.incubator.vector");
        Rng rng = new Rng(5);
        int cases = 0;
        for (int[] shape : shapes) {
            int m = shape[0], n = shape[1], k = shape[2];
            assertTrue(FastGemm.transposesTheProduct(true, m, n, k), "shape " + m + "×" + n + "×" + k + " goes transposed");
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    int aOff = 3, bOff = 1, cOff = 2;
                    float[] a = gaussian(rng, aOff + m * k, 1f);
                    float[] b = gaussian(rng, bOff + n * k, 1f);             // B stored [N, K]
                    float[] c0 = gaussian(rng, cOff + m * n + GUARD, 1f);
                    float[][] bRows = new float[k][n];                        // op(B)[p, j] = B[j, p]
                    for (int p = 0; p < k; p++) {
                        for (int j = 0; j < n; j++) bRows[p][j] = b[bOff + j * k + p];
                    }
                    float[] direct = c0.clone(), swapped = c0.clone(), swappedThree = c0.clone();
                    FastGemm.gemmPackedB(one, transA, m, n, k, a, aOff, bRows, direct, cOff, accumulate);
                    FastGemm.gemm(one, transA, true, m, n, k, a, aOff, b, bOff, swapped, cOff, accumulate);
                    FastGemm.gemm(three, transA, true, m, n, k, a, aOff, b, bOff, swappedThree, cOff, accumulate);
                    String what = m + "×" + n + "×" + k + " transA " + transA + " accumulate " + accumulate;
                    assertArrayEquals(direct, swapped, "transposed vs direct, 1 thread: " + what);
                    assertArrayEquals(direct, swappedThree, "transposed on 3 threads vs direct: " + what);
                    for (int g = 0; g < GUARD; g++) {
                        assertEquals(c0[cOff + m * n + g], swapped[cOff + m * n + g], "guard band " + g + ": " + what);
                    }
                    cases++;
                }
            }
        }
        assertEquals(shapes.length * 4, cases);
    }

    @Test
    void onlyANarrowTransBProductGoesTransposed() {
        assertTrue(FastGemm.transposesTheProduct(true, 32, 256, 4096), "Linear 4096→256 forward, batch 32");
        assertTrue(FastGemm.transposesTheProduct(true, 64, 4096, 256), "M = SMALL_M");
        assertFalse(FastGemm.transposesTheProduct(true, 65, 4096, 256), "M past SMALL_M");
        assertFalse(FastGemm.transposesTheProduct(false, 32, 256, 4096), "B not transposed");
        assertFalse(FastGemm.transposesTheProduct(true, 32, 32, 4096), "M = N: nothing saved");
        assertFalse(FastGemm.transposesTheProduct(true, 32, 256, 32), "K = M: the transposes of C cost more");
        assertFalse(FastGemm.transposesTheProduct(true, 32, 256, 0), "K = 0");
        assertFalse(FastGemm.transposesTheProduct(true, 32, 64, 128), "a tie, 32·(128 + 2·64) = 64·128: nothing saved");
    }
}
