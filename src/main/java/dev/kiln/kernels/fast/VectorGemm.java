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
 * the tile, and adds the block's sums into C:
 * <pre>
 *   C[i0 + r, j] += Σ_{p in [p0, p1)} A(i0 + r, p)·bRows[p][j]   (the block's sum from 0, then one add;
 *                                                                  a plain store for the first block
 *                                                                  when the GEMM does not accumulate)
 * </pre>
 * The 4 × 2V micro-kernel keeps 4 rows × 2 vectors of the block sum in 8 registers (V lanes each:
 * 16 floats with AVX-512, 8 with AVX2). Per p it loads two vectors of bRows[p], broadcasts four
 * values of A and issues eight fused multiply-adds; nothing goes to memory until the block ends.
 * Each lane is one element of C, summed in p order with one rounding per term (fma), so the
 * result depends on the block size only: the same bits for any tile cut and any thread count.
 *
 * <p>Columns go in steps of 2V: rows of bRows must be at least {@link FastGemm#rowLength}(N)
 * long. The lanes past N compute on whatever the padding holds and are never copied into C.
 *
 * <p>Tried and dropped (JDK 17, measured on the 2-core Zen 4): larger register blocks, 8 × 2V
 * (16 accumulators) ran 3.5× slower and 6 × 2V 1.8× slower than 4 × 2V; masked stores for the
 * last panel (or a second, scalar store path inside the micro-kernel) made the whole kernel 5–8×
 * slower once a tile edge used them. Most likely C2 then no longer inlines every Vector API call
 * of the kernel (-XX:+PrintInlining showed "callee is too large" for VectorSupport calls) and
 * boxes vectors; so the micro-kernels stay this small and the tail goes through a buffer.
 */
final class VectorGemm {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int LANES = SPECIES.length();
    /** Columns per micro-kernel call: two vectors. */
    static final int WIDTH = 2 * LANES;
    /** Rows per micro-kernel call. */
    static final int ROWS = 4;

    private static final Scratch TAIL = new Scratch();   // a last, partial panel of C: [ROWS][2V]

    private VectorGemm() {}

    /**
     * C[i0 + r, j] = (add ? C[i0 + r, j] : 0) + Σ_{p0 ≤ p < p1} A(i0 + r, p)·bRows[p][j] for r in
     * [0, rows), j in [j0, j1); A(i, p) = a[aOff + i·aRowStride + p·aColStride], C[i, j] =
     * c[cOff + i·n + j]. The block's sums go straight into C (a load and an add per element when
     * add, a store always), except in a last panel of 2V columns that ends past j1: that one goes
     * through a small buffer, so that nothing past column j1 of a row, or past C's end, is touched.
     */
    static void addBlock(int i0, int rows, int j0, int j1, int p0, int p1, float[] a, int aOff, int aRowStride,
                         int aColStride, float[][] bRows, float[] c, int cOff, int n, boolean add) {
        // Columns outer, rows inner: a 2V-wide panel of the block of B (KC·2V floats, 16 KiB with
        // AVX-512) stays in L1 while every row group of the tile passes over it.
        for (int j = j0; j < j1; j += WIDTH) {
            int count = Math.min(WIDTH, j1 - j);                      // columns of this panel inside C
            float[] tail = count < WIDTH ? TAIL.floats(ROWS * WIDTH) : null;   // [ROWS][2V]
            int r = 0;
            for (; r + ROWS <= rows; r += ROWS) {
                int aRow = aOff + (i0 + r) * aRowStride;              // A(i0 + r, 0)
                int cAt = cOff + (i0 + r) * n + j;                    // C[i0 + r, j]
                if (tail == null) {
                    micro4x2(aRow, aRowStride, aColStride, p0, p1, j, a, bRows, c, cAt, n, add);
                } else {
                    if (add) for (int q = 0; q < ROWS; q++) System.arraycopy(c, cAt + q * n, tail, q * WIDTH, count);
                    micro4x2(aRow, aRowStride, aColStride, p0, p1, j, a, bRows, tail, 0, WIDTH, add);
                    for (int q = 0; q < ROWS; q++) System.arraycopy(tail, q * WIDTH, c, cAt + q * n, count);
                }
            }
            for (; r < rows; r++) {
                int aRow = aOff + (i0 + r) * aRowStride;
                int cAt = cOff + (i0 + r) * n + j;
                if (tail == null) {
                    micro1x2(aRow, aColStride, p0, p1, j, a, bRows, c, cAt, add);
                } else {
                    if (add) System.arraycopy(c, cAt, tail, 0, count);
                    micro1x2(aRow, aColStride, p0, p1, j, a, bRows, tail, 0, add);
                    System.arraycopy(tail, 0, c, cAt, count);
                }
            }
        }
    }

    /**
     * Four rows (A rows aRow + q·aRowStride, q = 0..3) × the 2V columns of B from j, one block of p,
     * into c[cAt + q·cStride ..) (2V floats each; added to what is there when add).
     */
    private static void micro4x2(int aRow, int aRowStride, int aColStride, int p0, int p1, int j, float[] a,
                                 float[][] bRows, float[] c, int cAt, int cStride, boolean add) {
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
        // The stores are written out here, not in a helper taking vectors: a helper that C2 does
        // not inline makes it box the vectors, and then the whole loop above runs boxed (2-4x slower).
        int c1At = cAt + cStride, c2At = cAt + 2 * cStride, c3At = cAt + 3 * cStride;
        if (add) {
            c00 = FloatVector.fromArray(SPECIES, c, cAt).add(c00);
            c01 = FloatVector.fromArray(SPECIES, c, cAt + LANES).add(c01);
            c10 = FloatVector.fromArray(SPECIES, c, c1At).add(c10);
            c11 = FloatVector.fromArray(SPECIES, c, c1At + LANES).add(c11);
            c20 = FloatVector.fromArray(SPECIES, c, c2At).add(c20);
            c21 = FloatVector.fromArray(SPECIES, c, c2At + LANES).add(c21);
            c30 = FloatVector.fromArray(SPECIES, c, c3At).add(c30);
            c31 = FloatVector.fromArray(SPECIES, c, c3At + LANES).add(c31);
        }
        c00.intoArray(c, cAt);
        c01.intoArray(c, cAt + LANES);
        c10.intoArray(c, c1At);
        c11.intoArray(c, c1At + LANES);
        c20.intoArray(c, c2At);
        c21.intoArray(c, c2At + LANES);
        c30.intoArray(c, c3At);
        c31.intoArray(c, c3At + LANES);
    }

    /** One row × the 2V columns of B from j, one block of p, into c[cAt ..) (added when add). */
    private static void micro1x2(int aRow, int aColStride, int p0, int p1, int j, float[] a, float[][] bRows,
                                 float[] c, int cAt, boolean add) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES);
        for (int p = p0; p < p1; p++) {
            float[] bRow = bRows[p];
            FloatVector ap = FloatVector.broadcast(SPECIES, a[aRow + p * aColStride]);
            c0 = ap.fma(FloatVector.fromArray(SPECIES, bRow, j), c0);
            c1 = ap.fma(FloatVector.fromArray(SPECIES, bRow, j + LANES), c1);
        }
        if (add) {                                                    // written out, as in micro4x2
            c0 = FloatVector.fromArray(SPECIES, c, cAt).add(c0);
            c1 = FloatVector.fromArray(SPECIES, c, cAt + LANES).add(c1);
        }
        c0.intoArray(c, cAt);
        c1.intoArray(c, cAt + LANES);
    }
}
