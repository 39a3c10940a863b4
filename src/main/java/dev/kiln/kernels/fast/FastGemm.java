package dev.kiln.kernels.fast;

import java.util.Arrays;

/**
 * Cache-blocked, multi-threaded GEMM: C[M, N] = op(A)·op(B) (+ C), with op(A) : [M, K] and
 * op(B) : [K, N]. Scalar reference: {@link dev.kiln.kernels.Gemm#gemm}; same arguments, same
 * meaning (A stored [M, K] or [K, M] if transA; B stored [K, N] or [N, K] if transB).
 *
 * <p>Algorithm:
 * <ol>
 *   <li>Pack op(B) (a transposing copy when transB; O(K·N), against O(M·N·K) for the product):
 *       with the Vector API into {@link VectorGemm}'s W-wide panels, one flat array; for the
 *       scalar twin into K separate row arrays, {@code bRows[p][j] = op(B)[p, j]}.</li>
 *   <li>Cut C into tiles of {@link #MC} rows × {@link #NC} columns; one tile is one task, so each
 *       element of C is computed by exactly one task.</li>
 *   <li>In a tile, for each block of {@link #KC} values of p (so that the block of B stays in
 *       cache): with the Vector API, {@link VectorGemm#tile} packs the tile's rows of A for the
 *       block and sums it for 6 rows × 2 vectors at a time in registers, adding it straight into C
 *       (storing it, for the first block when not accumulating). The scalar twin sums each row i as {@code acc_i[j] += A(i, p)·bRows[p][j]}
 *       over the tile's j, in i-k-j order (the inner loop runs over contiguous memory), into
 *       accumulator rows that it copies into C at the end.</li>
 * </ol>
 *
 * <p>Why separate row arrays for B and for the accumulator: HotSpot's C2 (JDK 17) vectorizes
 * {@code acc[j] += a·b[j]} only when both arrays are indexed by the same expression; with
 * {@code c[cOff + j] += a·b[bOff + j]} it cannot rule out that c and b are one array with
 * overlapping ranges, and stays scalar (about four times slower, measured).
 *
 * <p>Order of summation (blocked summation, Higham §4.2): each block of {@link #KC} values of p is
 * summed on its own, from 0, in float, p ascending: S_q = ((A(i,p₀)·B(p₀,j) + A(i,p₀+1)·B(p₀+1,j))
 * + …); then the element is ((c₀ + S₀) + S₁) + …, where c₀ is C's old value (accumulate) or 0.
 * The rounding error is then at most about (KC + ⌈K/KC⌉)·2⁻²⁴·Σ|terms| instead of K·2⁻²⁴·Σ|terms|
 * for one running sum over all of p: for a Linear 4096→256 layer, 160 instead of 4096 roundings
 * deep (measured: 4.5× less RMS error against the double-precision reference, see
 * docs/performance.md, "The batch-128 drift"). The tiling and the number of threads do not change
 * the order, so the result is bit-for-bit reproducible.
 * C must not overlap A or B.
 */
public final class FastGemm {
    /** Rows of C per tile: three slivers of the micro-kernel's 6 rows. */
    static final int MC = 18;
    /** Columns of C per tile: an accumulator row segment of 1 KiB stays in L1. */
    static final int NC = 256;
    /** Values of p per block: a KC × NC block of B (128 KiB) stays in L2. */
    static final int KC = 128;
    /** Values of p per block of the transposing pack. */
    static final int PACK_BLOCK = 64;

    /** The most rows of op(A) for which the product may be computed transposed ({@link #transposesTheProduct}). */
    static final int SMALL_M = 64;

    private static final Scratch TRANSPOSED_C = new Scratch();  // Cᵀ: [N][M], on the calling thread (Vector API)
    private static final Scratch PACKED_B = new Scratch();   // bRows: [K][≥ N], on the calling thread (scalar twin)
    private static final Scratch PACKED_PANELS = new Scratch();  // B in W-wide panels, on the calling thread (Vector API)
    private static final Scratch TILE_ACC = new Scratch();   // acc:   [MC][≥ N], on the tile's thread (scalar twin)
    private static final Scratch BLOCK_ACC = new Scratch();  // one block of p: [MC][≥ N], same thread

    private FastGemm() {}

    /** C = op(A)·op(B) (+ C if accumulate); see {@link dev.kiln.kernels.Gemm#gemm}. */
    public static void gemm(Workers workers, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (workers.vector()) {                                      // B straight into the micro-kernel's panels
            if (transposesTheProduct(transB, m, n, k)) {
                gemmTransposed(workers, transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
                return;
            }
            float[] bp = PACKED_PANELS.floats(VectorGemm.packedBSize(n, k));
            VectorGemm.packB(workers, transB, n, k, b, bOff, bp);
            vectorTiles(workers, transA, m, n, k, a, aOff, bp, c, cOff, accumulate);
            return;
        }
        float[][] bRows = PACKED_B.rows(k, rowLength(n));
        packB(transB, n, k, b, bOff, bRows);
        gemmPackedB(workers, transA, m, n, k, a, aOff, bRows, c, cOff, accumulate);
    }

    /**
     * Whether the Vector API path computes Cᵀ = op(B)ᵀ·op(A)ᵀ instead (see {@link #gemmTransposed}):
     * when op(A) has few rows, packing op(B) (K·N floats, a transposing copy for transB) costs more
     * than packing op(A) as the other operand and transposing C in and out (K·M + 2·M·N floats).
     * For a Linear 4096→256 layer at batch 32 (M = 32, N = 256, K = 4096): 147 Ki against 1 Mi.
     * Only for transB (a Linear's x·Wᵀ), where op(B)ᵀ is then B row-major and its slivers are
     * packed along memory; for B stored [K, N] the swapped A' is read at stride N, six floats per
     * p, and the product got slower (measured, docs/performance.md "Fifth pass": 0.79 → 1.06 ms at M = 32,
     * N = 4096, K = 256), so that case keeps the direct product.
     */
    static boolean transposesTheProduct(boolean transB, int m, int n, int k) {
        return transB && m <= SMALL_M && (long) m * (k + 2L * n) < (long) n * k;
    }

    /**
     * C = op(A)·op(B) (+ C) computed as Cᵀ[N, M] = op(B)ᵀ·op(A)ᵀ (+ Cᵀ) in a scratch array, then
     * transposed into C. Every element is the same sum as in the direct product, term for term in
     * the same order (blocks of {@link #KC}, p ascending, one fma per term, and fma(x, y, s) =
     * fma(y, x, s) exactly): the same bits, only the operands' roles swapped. The big operand
     * (op(B), e.g. a 4096×256 weight) is then read by {@link VectorGemm#tile}'s A-sliver pack, once,
     * into L1-sized slivers, instead of being copied whole into panels first.
     *
     * <p>Roles: A' = op(B)ᵀ, [N, K]: B stored [K, N] is A' stored transposed, B stored [N, K]
     * (transB) is A' row-major. op(B') = op(A)ᵀ, [K, M]: A stored [M, K] is B' stored [N', K]
     * (transposed), A stored [K, M] (transA) is B' row-major.
     */
    private static void gemmTransposed(Workers workers, boolean transA, boolean transB, int m, int n, int k,
                                       float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                       boolean accumulate) {
        float[] ct = TRANSPOSED_C.floats(n * m);                    // Cᵀ: [N, M], ct[j·M + i] = C[i, j]
        if (accumulate) {
            for (int i = 0; i < m; i++) {
                int cRow = cOff + i * n;                             // C[i, 0]
                for (int j = 0; j < n; j++) ct[j * m + i] = c[cRow + j];
            }
        }
        float[] bp = PACKED_PANELS.floats(VectorGemm.packedBSize(m, k));
        VectorGemm.packB(workers, !transA, m, k, a, aOff, bp);      // op(B') = op(A)ᵀ into panels
        vectorTiles(workers, !transB, n, m, k, b, bOff, bp, ct, 0, accumulate);
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * n;                                 // C[i, 0]
            for (int j = 0; j < n; j++) c[cRow + j] = ct[j * m + i];
        }
    }

    /**
     * The same product with op(B) given already as rows: {@code bRows[p][j] = op(B)[p, j]} for
     * p in [0, K), j in [0, N); each row at least {@link #rowLength}(N) long (what is past N is
     * never read). The convolutions write their im2col matrix straight into this form. Scalar
     * reference: {@link dev.kiln.kernels.Gemm#gemm}.
     */
    public static void gemmPackedB(Workers workers, boolean transA, int m, int n, int k, float[] a, int aOff,
                                   float[][] bRows, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) return;
        int rowLength = rowLength(n);
        for (int p = 0; p < k; p++) {
            if (bRows[p].length < rowLength) {
                throw new IllegalArgumentException("packed B row " + p + " has " + bRows[p].length
                        + " floats; the kernel needs rowLength(" + n + ") = " + rowLength);
            }
        }
        if (workers.vector()) {                                      // the rows into the micro-kernel's panels
            float[] bp = PACKED_PANELS.floats(VectorGemm.packedBSize(n, k));
            VectorGemm.packRows(workers, n, k, bRows, bp);
            vectorTiles(workers, transA, m, n, k, a, aOff, bp, c, cOff, accumulate);
            return;
        }
        int aRowStride = transA ? 1 : k;       // A(i, p) → A(i + 1, p)
        int aColStride = transA ? m : 1;       // A(i, p) → A(i, p + 1)
        forEachTile(workers, m, n, k, (i0, i1, j0, j1) ->
                tile(i0, i1, j0, j1, n, k, a, aOff, aRowStride, aColStride, bRows, c, cOff, accumulate));
    }

    /**
     * The same product with op(B) given already in {@link VectorGemm}'s panels: bp holds
     * {@link VectorGemm#packedBSize}(n, k) floats, bp[((j / W)·K + p)·W + j mod W] = op(B)[p, j],
     * 0 for j past N. For callers that write their op(B) straight into that layout (the
     * convolutions' im2col); Vector API path only ({@code workers.vector()}).
     */
    static void gemmPanels(Workers workers, boolean transA, int m, int n, int k, float[] a, int aOff, float[] bp,
                           float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) return;
        vectorTiles(workers, transA, m, n, k, a, aOff, bp, c, cOff, accumulate);
    }

    /** The Vector API path: the same tiles, each one {@link VectorGemm#tile} over the packed panels bp. */
    private static void vectorTiles(Workers workers, boolean transA, int m, int n, int k, float[] a, int aOff,
                                    float[] bp, float[] c, int cOff, boolean accumulate) {
        int aRowStride = transA ? 1 : k;       // A(i, p) → A(i + 1, p)
        int aColStride = transA ? m : 1;       // A(i, p) → A(i, p + 1)
        forEachTile(workers, m, n, k, (i0, i1, j0, j1) -> {
            if (k == 0) {                                            // an empty sum: C = 0, or C unchanged
                if (!accumulate) for (int i = i0; i < i1; i++) Arrays.fill(c, cOff + i * n + j0, cOff + i * n + j1, 0f);
                return;
            }
            VectorGemm.tile(i0, i1, j0, j1, n, k, a, aOff, aRowStride, aColStride, bp, c, cOff, accumulate);
        });
    }

    /** C[i0..i1, j0..j1) of one tile. */
    @FunctionalInterface
    private interface TileBody {
        void run(int i0, int i1, int j0, int j1);
    }

    /** C cut into tiles of {@link #MC} × {@link #NC}, one task per tile, so each element of C has one writer. */
    private static void forEachTile(Workers workers, int m, int n, int k, TileBody body) {
        int rowTiles = Workers.ceilDiv(m, MC);
        int colTiles = Workers.ceilDiv(n, NC);
        workers.forEach(rowTiles * colTiles, (long) m * n * k, t -> {
            int i0 = (t / colTiles) * MC;
            int j0 = (t % colTiles) * NC;
            body.run(i0, Math.min(m, i0 + MC), j0, Math.min(n, j0 + NC));
        });
    }

    /**
     * bRows[p][j] = op(B)[p, j]: B stored [K, N], or [N, K] when transB. The transposing copy goes
     * in blocks of {@link #PACK_BLOCK} values of p, so that it reads B's rows contiguously while
     * the rows it writes stay in cache (a plain column walk misses the cache on every read when
     * K is large, e.g. K = 4096 for a Linear layer's x·Wᵀ).
     */
    static void packB(boolean transB, int n, int k, float[] b, int bOff, float[][] bRows) {
        if (!transB) {
            for (int p = 0; p < k; p++) System.arraycopy(b, bOff + p * n, bRows[p], 0, n);
            return;
        }
        for (int p0 = 0; p0 < k; p0 += PACK_BLOCK) {
            int p1 = Math.min(k, p0 + PACK_BLOCK);
            int j = 0;
            for (; j + 4 <= n; j += 4) {                       // four rows of B at a time: each bRows[p] is
                int bRow = bOff + j * k;                        // loaded once per four stores. B[j, 0]
                for (int p = p0; p < p1; p++) {
                    float[] row = bRows[p];
                    row[j] = b[bRow + p];
                    row[j + 1] = b[bRow + k + p];
                    row[j + 2] = b[bRow + 2 * k + p];
                    row[j + 3] = b[bRow + 3 * k + p];
                }
            }
            for (; j < n; j++) {
                int bRow = bOff + j * k;                        // B stored [N, K]: B[j, 0]
                for (int p = p0; p < p1; p++) bRows[p][j] = b[bRow + p];
            }
        }
    }

    /** C[i0..i1, j0..j1) = op(A)[i0..i1, :]·bRows[:, j0..j1) (+ C), summed block by block (see the class doc). */
    private static void tile(int i0, int i1, int j0, int j1, int n, int k,
                             float[] a, int aOff, int aRowStride, int aColStride, float[][] bRows,
                             float[] c, int cOff, boolean accumulate) {
        int rows = i1 - i0;
        float[][] acc = TILE_ACC.rows(rows, rowLength(n));  // acc[r][j] ↔ C[i0 + r, j], j in [j0, j1)
        for (int r = 0; r < rows; r++) {
            int cRow = cOff + (i0 + r) * n;                  // C[i0 + r, 0]
            if (accumulate) {
                System.arraycopy(c, cRow + j0, acc[r], j0, j1 - j0);
            } else {
                Arrays.fill(acc[r], j0, j1, 0f);
            }
        }
        scalarBlocks(rows, i0, j0, j1, k, a, aOff, aRowStride, aColStride, bRows, acc);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(acc[r], j0, c, cOff + (i0 + r) * n + j0, j1 - j0);
        }
    }

    /**
     * The scalar twin of {@link VectorGemm#tile}, over every block of p: acc[r][j] += S_q for
     * each block q, where S_q is summed from 0 in float (a multiply and an add per term, no fma).
     */
    private static void scalarBlocks(int rows, int i0, int j0, int j1, int k, float[] a, int aOff, int aRowStride,
                                     int aColStride, float[][] bRows, float[][] acc) {
        float[][] blockAcc = BLOCK_ACC.rows(rows, j1);      // one block's sums, same layout as acc
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            for (int r = 0; r < rows; r++) {
                float[] blockRow = blockAcc[r];
                Arrays.fill(blockRow, j0, j1, 0f);
                int aRow = aOff + (i0 + r) * aRowStride;      // A(i0 + r, 0)
                int p = p0;
                for (; p + 4 <= p1; p += 4) {
                    int ap = aRow + p * aColStride;           // A(i0 + r, p)
                    axpy4(blockRow, j0, j1,
                            a[ap], bRows[p],
                            a[ap + aColStride], bRows[p + 1],
                            a[ap + 2 * aColStride], bRows[p + 2],
                            a[ap + 3 * aColStride], bRows[p + 3]);
                }
                for (; p < p1; p++) {
                    axpy1(blockRow, j0, j1, a[aRow + p * aColStride], bRows[p]);
                }
                addInto(acc[r], blockRow, j0, j1);
            }
        }
    }

    /**
     * The length the rows of a packed op(B) with N columns must have: N. (Nothing past N is read:
     * the Vector API path copies the rows into its own zero-padded panels.)
     */
    public static int rowLength(int n) {
        return n;
    }

    /**
     * acc[j] = (((acc[j] + a0·b0[j]) + a1·b1[j]) + a2·b2[j]) + a3·b3[j] for j in [j0, j1): four
     * steps of p in one pass over acc, summed in the same order as four single steps. Kept a small
     * method of its own so that C2 compiles (and vectorizes) it on its own.
     */
    private static void axpy4(float[] acc, int j0, int j1, float a0, float[] b0, float a1, float[] b1,
                              float a2, float[] b2, float a3, float[] b3) {
        for (int j = j0; j < j1; j++) {
            acc[j] = acc[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
        }
    }

    /** acc[j] += block[j] for j in [j0, j1). */
    private static void addInto(float[] acc, float[] block, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            acc[j] += block[j];
        }
    }

    /** acc[j] += a0·b0[j] for j in [j0, j1). */
    private static void axpy1(float[] acc, int j0, int j1, float a0, float[] b0) {
        for (int j = j0; j < j1; j++) {
            acc[j] += a0 * b0[j];
        }
    }
}
