package dev.kiln.kernels.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked GEMM micro-kernel on the JDK's Vector API ({@code jdk.incubator.vector},
 * JDK 17 and later; the model is mukel/llama3.java). Its scalar twin is the tile loop of
 * {@link FastGemm} (used where the module is missing), and both are tested against the scalar
 * reference {@link dev.kiln.kernels.Gemm}. This class is loaded only when {@link Simd#AVAILABLE}.
 *
 * <p>One call sums one block of p, [p0, p1), for a group of rows of a tile and every column of
 * the tile, and adds the block's sums into the tile's accumulator rows:
 * <pre>
 *   acc[r][j] += Σ_{p in [p0, p1)} A(i0 + r, p)·bRows[p][j]      (the block's sum from 0, then one add)
 * </pre>
 * The 4 × 2V micro-kernel keeps 4 rows × 2 vectors of the block sum in 8 registers (V lanes each:
 * 16 floats with AVX-512, 8 with AVX2). Per p it loads two vectors of bRows[p], broadcasts four
 * values of A and issues eight fused multiply-adds; nothing goes to memory until the block ends.
 * Each lane is one element of C, summed in p order with one rounding per term (fma), so the
 * result depends on the block size only: the same bits for any tile cut and any thread count.
 *
 * <p>Columns go in steps of 2V: rows of bRows and of acc must be at least
 * {@link FastGemm#rowLength}(N) long. The lanes past N compute on whatever the padding holds and
 * are never copied into C.
 */
final class VectorGemm {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int LANES = SPECIES.length();
    /** Columns per micro-kernel call: two vectors. */
    static final int WIDTH = 2 * LANES;
    /** Rows per micro-kernel call. */
    static final int ROWS = 4;

    private VectorGemm() {}

    /**
     * acc[r][j] += Σ_{p0 ≤ p < p1} A(i0 + r, p)·bRows[p][j] for r in [0, rows), j in [j0, j1)
     * rounded up to a multiple of {@link #WIDTH}; A(i, p) = a[aOff + i·aRowStride + p·aColStride].
     */
    static void addBlock(int i0, int rows, int j0, int j1, int p0, int p1, float[] a, int aOff, int aRowStride,
                         int aColStride, float[][] bRows, float[][] acc) {
        // Columns outer, rows inner: a 2V-wide panel of the block of B (KC·2V floats, 16 KiB with
        // AVX-512) stays in L1 while every row group of the tile passes over it.
        for (int j = j0; j < j1; j += WIDTH) {
            int r = 0;
            for (; r + ROWS <= rows; r += ROWS) {
                int aRow = aOff + (i0 + r) * aRowStride;              // A(i0 + r, 0)
                micro4x2(aRow, aRowStride, aColStride, p0, p1, j, a, bRows, acc[r], acc[r + 1], acc[r + 2], acc[r + 3]);
            }
            for (; r < rows; r++) {
                micro1x2(aOff + (i0 + r) * aRowStride, aColStride, p0, p1, j, a, bRows, acc[r]);
            }
        }
    }

    /** Four rows (A rows aRow + q·aRowStride, q = 0..3) × columns [j, j + 2V) of one block of p. */
    private static void micro4x2(int aRow, int aRowStride, int aColStride, int p0, int p1, int j, float[] a,
                                 float[][] bRows, float[] acc0, float[] acc1, float[] acc2, float[] acc3) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        for (int p = p0; p < p1; p++) {
            float[] bRow = bRows[p];
            FloatVector b0 = FloatVector.fromArray(SPECIES, bRow, j);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bRow, j + LANES);
            int ap = aRow + p * aColStride;                           // A(row 0, p)
            FloatVector a0 = FloatVector.broadcast(SPECIES, a[ap]);
            FloatVector a1 = FloatVector.broadcast(SPECIES, a[ap + aRowStride]);
            FloatVector a2 = FloatVector.broadcast(SPECIES, a[ap + 2 * aRowStride]);
            FloatVector a3 = FloatVector.broadcast(SPECIES, a[ap + 3 * aRowStride]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        addInto(acc0, j, c00, c01);
        addInto(acc1, j, c10, c11);
        addInto(acc2, j, c20, c21);
        addInto(acc3, j, c30, c31);
    }

    /** One row × columns [j, j + 2V) of one block of p. */
    private static void micro1x2(int aRow, int aColStride, int p0, int p1, int j, float[] a, float[][] bRows,
                                 float[] acc) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES);
        for (int p = p0; p < p1; p++) {
            float[] bRow = bRows[p];
            FloatVector ap = FloatVector.broadcast(SPECIES, a[aRow + p * aColStride]);
            c0 = ap.fma(FloatVector.fromArray(SPECIES, bRow, j), c0);
            c1 = ap.fma(FloatVector.fromArray(SPECIES, bRow, j + LANES), c1);
        }
        addInto(acc, j, c0, c1);
    }

    /** acc[j .. j + 2V) += (s0, s1). */
    private static void addInto(float[] acc, int j, FloatVector s0, FloatVector s1) {
        FloatVector.fromArray(SPECIES, acc, j).add(s0).intoArray(acc, j);
        FloatVector.fromArray(SPECIES, acc, j + LANES).add(s1).intoArray(acc, j + LANES);
    }
}
