package dev.kiln.kernels;

import dev.kiln.rand.Rng;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference {@link Gemm} against EJML's dense row-major multiply. EJML runs in double
 * ({@code CommonOps_DDRM}) on the same float inputs, so the only difference allowed is Gemm's one
 * rounding of each result to float.
 */
class GemmProperties {

    // Ten parameters have more edge-case combinations than tries; the coverage checks below show
    // that zero sizes, all four transpose combinations and accumulation are generated anyway.
    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    @StatisticsReport(onFailureOnly = true)
    @Label("Gemm agrees with EJML for every transpose combination, accumulate flag, offset and size, zero included")
    void gemmAgreesWithEjml(@ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate,
                            @ForAll @IntRange(min = 0, max = 6) int m,
                            @ForAll @IntRange(min = 0, max = 6) int n,
                            @ForAll @IntRange(min = 0, max = 6) int k,
                            @ForAll @IntRange(min = 0, max = 3) int aOff,
                            @ForAll @IntRange(min = 0, max = 3) int bOff,
                            @ForAll @IntRange(min = 0, max = 3) int cOff,
                            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Statistics.label("op").collect(transA ? "Aᵀ" : "A", transB ? "Bᵀ" : "B");
        Statistics.label("accumulate").collect(accumulate);
        Statistics.label("zero size").collect(m == 0 || n == 0 || k == 0);
        Rng rng = new Rng(seed);
        int guard = 2;                                           // values after each matrix: never read or written
        float[] a = gaussian(aOff + m * k + guard, rng);         // A stored [M, K], or [K, M] if transA
        float[] b = gaussian(bOff + k * n + guard, rng);         // B stored [K, N], or [N, K] if transB
        float[] c = gaussian(cOff + m * n + guard, rng);         // C [M, N]
        float[] a0 = a.clone();
        float[] b0 = b.clone();
        float[] c0 = c.clone();

        DMatrixRMaj aStored = transA ? matrix(a, aOff, k, m) : matrix(a, aOff, m, k);
        DMatrixRMaj bStored = transB ? matrix(b, bOff, n, k) : matrix(b, bOff, k, n);
        DMatrixRMaj expected = accumulate ? matrix(c, cOff, m, n) : new DMatrixRMaj(m, n);
        multiply(transA, transB, accumulate, aStored, bStored, expected);
        DMatrixRMaj scale = accumulate ? abs(matrix(c, cOff, m, n)) : new DMatrixRMaj(m, n);
        multiply(transA, transB, true, abs(aStored), abs(bStored), scale);   // Σ|a||b| (+ |c|): size of the rounding

        Gemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);

        assertArrayEquals(a0, a, "A must not be written");
        assertArrayEquals(b0, b, "B must not be written");
        for (int i = 0; i < c.length; i++) {
            int t = i - cOff;
            if (t >= 0 && t < m * n) {
                assertEquals(expected.data[t], c[i], Tolerances.F32_REL * scale.data[t],
                        "C[" + t / n + ", " + t % n + "]");
            } else {
                assertEquals(c0[i], c[i], "C outside its [M, N] block at array index " + i);
            }
        }

        Statistics.label("op").coverage(cov -> {
            cov.check("A", "B").count(x -> x > 0);
            cov.check("Aᵀ", "B").count(x -> x > 0);
            cov.check("A", "Bᵀ").count(x -> x > 0);
            cov.check("Aᵀ", "Bᵀ").count(x -> x > 0);
        });
        Statistics.label("accumulate").coverage(cov -> cov.check(true).count(x -> x > 0));
        Statistics.label("zero size").coverage(cov -> cov.check(true).count(x -> x > 10));
    }

    @Example
    void twoByTwoProductByHand() {
        float[] c = new float[4];
        Gemm.gemm(false, false, 2, 2, 2, new float[] {1, 2, 3, 4}, 0, new float[] {5, 6, 7, 8}, 0, c, 0, false);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c);
        Gemm.gemm(true, false, 2, 2, 2, new float[] {1, 2, 3, 4}, 0, new float[] {5, 6, 7, 8}, 0, c, 0, true);
        // += Aᵀ·B = [[1,3],[2,4]]·[[5,6],[7,8]] = [[26,30],[38,44]]
        assertArrayEquals(new float[] {45, 52, 81, 94}, c);
    }

    /** k = 0: op(A)·op(B) is an [M, N] matrix of zeros, so C is zeroed, or left as it is when accumulating. */
    @Example
    void emptyInnerDimensionZeroesOrKeepsC() {
        float[] c = {1, 2, 3, 4, 5, 6, 7};
        Gemm.gemm(false, false, 2, 3, 0, new float[0], 0, new float[0], 0, c, 1, true);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, c);
        Gemm.gemm(true, true, 2, 3, 0, new float[0], 0, new float[0], 0, c, 1, false);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 0}, c);
    }

    /** m = 0 or n = 0: C has no entries, nothing is read or written, and nothing throws. */
    @Example
    void emptyOutputTouchesNothing() {
        float[] c = {1, 2, 3};
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    Gemm.gemm(transA, transB, 0, 3, 2, new float[0], 0, new float[6], 0, c, 0, accumulate);
                    Gemm.gemm(transA, transB, 3, 0, 2, new float[6], 0, new float[0], 0, c, 0, accumulate);
                    Gemm.gemm(transA, transB, 0, 0, 0, new float[0], 0, new float[0], 0, new float[0], 0, accumulate);
                }
            }
        }
        assertArrayEquals(new float[] {1, 2, 3}, c);
    }

    /** target (+)= op(a)·op(b), with EJML's four named variants. */
    private static void multiply(boolean transA, boolean transB, boolean accumulate,
                                 DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj target) {
        if (accumulate) {
            if (!transA && !transB) CommonOps_DDRM.multAdd(a, b, target);
            else if (transA && !transB) CommonOps_DDRM.multAddTransA(a, b, target);
            else if (!transA) CommonOps_DDRM.multAddTransB(a, b, target);
            else CommonOps_DDRM.multAddTransAB(a, b, target);
        } else {
            if (!transA && !transB) CommonOps_DDRM.mult(a, b, target);
            else if (transA && !transB) CommonOps_DDRM.multTransA(a, b, target);
            else if (!transA) CommonOps_DDRM.multTransB(a, b, target);
            else CommonOps_DDRM.multTransAB(a, b, target);
        }
    }

    /** The [rows, cols] row-major block of {@code data} starting at {@code off}, widened to double. */
    private static DMatrixRMaj matrix(float[] data, int off, int rows, int cols) {
        DMatrixRMaj mat = new DMatrixRMaj(rows, cols);
        for (int t = 0; t < rows * cols; t++) mat.data[t] = data[off + t];
        return mat;
    }

    private static DMatrixRMaj abs(DMatrixRMaj mat) {
        DMatrixRMaj out = mat.copy();
        for (int t = 0; t < out.getNumElements(); t++) out.data[t] = Math.abs(out.data[t]);
        return out;
    }

    private static float[] gaussian(int n, Rng rng) {
        float[] v = new float[n];
        rng.fillGaussian(v, n);
        return v;
    }
}
