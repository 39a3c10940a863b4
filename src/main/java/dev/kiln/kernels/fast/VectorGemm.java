package dev.kiln.kernels.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked GEMM micro-kernel on the JDK's Vector API ({@code jdk.incubator.vector},
 * JDK 17 and later; the model is mukel/llama3.java), with both operands packed as in BLIS (Van
 * Zee and van de Geijn 2015). Its scalar twin is the tile loop of {@link FastGemm} (used where the
 * module is missing), and both are tested against the scalar reference {@link dev.kiln.kernels.Gemm}.
 * This class is loaded only when {@link Simd#AVAILABLE}.
 *
 * <p>Layouts, W = {@link #WIDTH} = 2V columns (V floats per vector: 8 with AVX2, 16 with AVX-512):
 * <pre>
 *   B panels  (packB, once per GEMM):       bp[((j / W)·K + p)·W + j mod W] = op(B)[p, j]
 *             (columns past N hold 0)       one W-wide panel of one block of p is contiguous
 *   A slivers (packA, per tile and block):  ap[(g·kc + (p − p0))·R + q] = A(i0 + g·R + q, p)
 *             (rows past the tile hold 0)   R = {@link #ROWS} rows, q in [0, R)
 * </pre>
 * so the micro-kernel reads both operands with unit stride from a flat array (one bounds check
 * that C2 can hoist, no row-array loads); unpacked, it ran at half the speed (28 against 48–82
 * GFLOP/s on one AVX2 core, docs/performance.md).
 *
 * <p>One micro-kernel call sums one block of p, [p0, p1), for R rows × W columns of C and adds the
 * block's sums into C:
 * <pre>
 *   C[i, j] += Σ_{p in [p0, p1)} A(i, p)·op(B)[p, j]   (the block's sum from 0, then one add;
 *                                                        a plain store for the first block
 *                                                        when the GEMM does not accumulate)
 * </pre>
 * The R × 2 sums live in 2R vector registers (12 with R = 6: with the two B vectors and one
 * broadcast of A, 15 of AVX2's 16). Per p it loads two vectors of the B panel, broadcasts R values
 * of A and issues 2R fused multiply-adds; nothing goes to memory until the block ends. Each lane is
 * one element of C, summed in p order with one rounding per term (fma), so the result depends on
 * the block size only: the same bits for any tile cut and any thread count.
 *
 * <p>A block that reaches past C (the last rows or columns) is computed whole into a small buffer
 * and only its part inside C is copied: nothing past column n of a row, or past C's end, is touched.
 */
final class VectorGemm {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int LANES = SPECIES.length();
    /** Columns per micro-kernel call and per packed B panel: two vectors. */
    static final int WIDTH = 2 * LANES;
    /** Rows per micro-kernel call and per packed A sliver. */
    static final int ROWS = 6;

    /**
     * The work of packing one float of B, in multiply-adds (the unit of {@link Workers#forEach}'s
     * threshold): a scalar load and store against a multiply-add that is one lane of an fma. So a
     * pack of K·N ≥ 64 Ki floats is shared among the threads, the panels being disjoint.
     */
    static final long PACK_COST = 16;

    private static final Scratch PACKED_A = new Scratch();   // the tile's A slivers: [groups][kc][ROWS]
    private static final Scratch TAIL = new Scratch();       // a block of C reaching past C: [ROWS][WIDTH]

    private VectorGemm() {}

    /** Floats of the packed B of a K × N op(B): K rows of every panel, N rounded up to W. */
    static int packedBSize(int n, int k) {
        return Workers.ceilDiv(n, WIDTH) * WIDTH * k;
    }

    /**
     * bp = op(B) in panels (see the class doc); op(B)[p, j] = B[p, j], or B[j, p] when transB. One
     * task per panel: each panel is written by one thread, so the result is the same for any count.
     */
    static void packB(Workers workers, boolean transB, int n, int k, float[] b, int bOff, float[] bp) {
        workers.forEach(Workers.ceilDiv(n, WIDTH), PACK_COST * n * k, panelIndex -> {   // panels are disjoint
            int j0 = panelIndex * WIDTH;
            int cols = Math.min(WIDTH, n - j0);
            int panel = (j0 / WIDTH) * k * WIDTH;                     // bp index of (p = 0, j0)
            if (!transB) {
                for (int p = 0; p < k; p++) {                         // B[p, j0 ..] is contiguous
                    int at = panel + p * WIDTH;
                    System.arraycopy(b, bOff + p * n + j0, bp, at, cols);
                    for (int jj = cols; jj < WIDTH; jj++) bp[at + jj] = 0f;
                }
            } else {
                // B[j0 + jj, p] is contiguous in p, the panel's rows are W apart: walked in blocks of
                // PACK_BLOCK values of p, so that the block of the panel being written (PACK_BLOCK·W
                // floats, 4 KiB with AVX2) stays in L1 while each of its W columns is filled. One
                // pass over the whole panel per column instead wrote K·W floats W times over
                // (256 KiB for a Linear 4096→32 layer's weight).
                for (int p0 = 0; p0 < k; p0 += FastGemm.PACK_BLOCK) {
                    int p1 = Math.min(k, p0 + FastGemm.PACK_BLOCK);
                    for (int jj = 0; jj < WIDTH; jj++) {
                        int bRow = bOff + (j0 + jj) * k;              // B[j0 + jj, 0]
                        if (jj < cols) {
                            for (int p = p0; p < p1; p++) bp[panel + p * WIDTH + jj] = b[bRow + p];
                        } else {
                            for (int p = p0; p < p1; p++) bp[panel + p * WIDTH + jj] = 0f;
                        }
                    }
                }
            }
        });
    }

    /** bp = the packed op(B) given as rows, bRows[p][j] = op(B)[p, j] (FastGemm.gemmPackedB). */
    static void packRows(Workers workers, int n, int k, float[][] bRows, float[] bp) {
        workers.forEach(Workers.ceilDiv(n, WIDTH), PACK_COST * n * k, panelIndex -> {
            int j0 = panelIndex * WIDTH;
            int cols = Math.min(WIDTH, n - j0);
            int panel = panelIndex * k * WIDTH;
            for (int p = 0; p < k; p++) {
                int at = panel + p * WIDTH;
                System.arraycopy(bRows[p], j0, bp, at, cols);
                for (int jj = cols; jj < WIDTH; jj++) bp[at + jj] = 0f;
            }
        });
    }

    /**
     * C[i0..i1, j0..j1) = op(A)[i0..i1, :]·op(B)[:, j0..j1) (+ C when accumulate), from the packed
     * B panels bp of a K × n op(B); j0 is a multiple of W. A(i, p) = a[aOff + i·aRowStride +
     * p·aColStride], C[i, j] = c[cOff + i·n + j]. Blocks of {@link FastGemm#KC} values of p.
     */
    static void tile(int i0, int i1, int j0, int j1, int n, int k, float[] a, int aOff, int aRowStride,
                     int aColStride, float[] bp, float[] c, int cOff, boolean accumulate) {
        int groups = Workers.ceilDiv(i1 - i0, ROWS);
        float[] ap = PACKED_A.floats(groups * FastGemm.KC * ROWS);
        for (int p0 = 0; p0 < k; p0 += FastGemm.KC) {
            int p1 = Math.min(k, p0 + FastGemm.KC), kc = p1 - p0;
            boolean add = accumulate || p0 > 0;
            packA(i0, i1, p0, p1, a, aOff, aRowStride, aColStride, ap);
            // Panels outer, row groups inner: one panel of the block (kc·W floats, 8 KiB with AVX2)
            // stays in L1 while every row group of the tile passes over it.
            for (int j = j0; j < j1; j += WIDTH) {
                int bAt = ((j / WIDTH) * k + p0) * WIDTH;             // bp index of (p0, j)
                int cols = Math.min(WIDTH, j1 - j);
                for (int g = 0; g < groups; g++) {
                    int i = i0 + g * ROWS, rows = Math.min(ROWS, i1 - i);
                    int aAt = g * kc * ROWS;
                    int cAt = cOff + i * n + j;                       // C[i, j]
                    if (rows == ROWS && cols == WIDTH) {
                        micro(ap, aAt, bp, bAt, kc, c, cAt, n, add);
                    } else {                                          // the block reaches past C
                        float[] tail = TAIL.floats(ROWS * WIDTH);
                        if (add) for (int q = 0; q < rows; q++) System.arraycopy(c, cAt + q * n, tail, q * WIDTH, cols);
                        micro(ap, aAt, bp, bAt, kc, tail, 0, WIDTH, add);
                        for (int q = 0; q < rows; q++) System.arraycopy(tail, q * WIDTH, c, cAt + q * n, cols);
                    }
                }
            }
        }
    }

    /** ap = the A slivers of rows [i0, i1) and block [p0, p1) (see the class doc); rows past i1 are 0. */
    private static void packA(int i0, int i1, int p0, int p1, float[] a, int aOff, int aRowStride, int aColStride,
                              float[] ap) {
        int kc = p1 - p0, groups = Workers.ceilDiv(i1 - i0, ROWS);
        for (int g = 0; g < groups; g++) {
            int iG = i0 + g * ROWS, rows = Math.min(ROWS, i1 - iG);   // the sliver's rows inside the tile
            int at = g * kc * ROWS;                                    // ap index of (row 0, p0)
            if (aRowStride == 1) {
                // A stored transposed ([K, M]): the sliver's rows at one p are contiguous, so p
                // goes outside and the reads run along memory like the writes.
                for (int p = 0; p < kc; p++) {
                    int aAt = aOff + iG + (p0 + p) * aColStride;         // A(iG, p0 + p)
                    int to = at + p * ROWS;
                    for (int q = 0; q < rows; q++) ap[to + q] = a[aAt + q];
                    for (int q = rows; q < ROWS; q++) ap[to + q] = 0f;
                }
                continue;
            }
            for (int q = 0; q < ROWS; q++) {                           // A row-major: row q contiguous in p
                if (q < rows) {
                    int aAt = aOff + (iG + q) * aRowStride + p0 * aColStride;   // A(iG + q, p0)
                    for (int p = 0; p < kc; p++) ap[at + q + p * ROWS] = a[aAt + p * aColStride];
                } else {
                    for (int p = 0; p < kc; p++) ap[at + q + p * ROWS] = 0f;
                }
            }
        }
    }

    /**
     * Six rows × W columns, one block of kc values of p: c[cAt + q·cStride + jj] (+)= Σ_p
     * ap[aAt + p·6 + q]·bp[bAt + p·W + jj], q in [0, 6), jj in [0, W).
     */
    private static void micro(float[] ap, int aAt, float[] bp, int bAt, int kc, float[] c, int cAt, int cStride,
                              boolean add) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int b = bAt + p * WIDTH, a = aAt + p * ROWS;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, b);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, b + LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // The stores are written out here, not in a helper taking vectors: a vector that crosses a
        // call C2 did not inline is boxed (docs/performance.md, "The Vector API and C2").
        int c1 = cAt + cStride, c2 = c1 + cStride, c3 = c2 + cStride, c4 = c3 + cStride, c5 = c4 + cStride;
        if (add) {
            c00 = FloatVector.fromArray(SPECIES, c, cAt).add(c00);
            c01 = FloatVector.fromArray(SPECIES, c, cAt + LANES).add(c01);
            c10 = FloatVector.fromArray(SPECIES, c, c1).add(c10);
            c11 = FloatVector.fromArray(SPECIES, c, c1 + LANES).add(c11);
            c20 = FloatVector.fromArray(SPECIES, c, c2).add(c20);
            c21 = FloatVector.fromArray(SPECIES, c, c2 + LANES).add(c21);
            c30 = FloatVector.fromArray(SPECIES, c, c3).add(c30);
            c31 = FloatVector.fromArray(SPECIES, c, c3 + LANES).add(c31);
            c40 = FloatVector.fromArray(SPECIES, c, c4).add(c40);
            c41 = FloatVector.fromArray(SPECIES, c, c4 + LANES).add(c41);
            c50 = FloatVector.fromArray(SPECIES, c, c5).add(c50);
            c51 = FloatVector.fromArray(SPECIES, c, c5 + LANES).add(c51);
        }
        c00.intoArray(c, cAt);
        c01.intoArray(c, cAt + LANES);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + LANES);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + LANES);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + LANES);
        c40.intoArray(c, c4);
        c41.intoArray(c, c4 + LANES);
        c50.intoArray(c, c5);
        c51.intoArray(c, c5 + LANES);
    }
}
