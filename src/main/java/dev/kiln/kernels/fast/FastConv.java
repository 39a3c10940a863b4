package dev.kiln.kernels.fast;

import java.util.Arrays;

/**
 * 2-D convolution, NCHW, as im2col + {@link FastGemm}, one sample at a time. Scalar reference:
 * {@link dev.kiln.kernels.Conv}; same arguments (after the {@link Workers}), same meaning.
 * <pre>
 *   x : [B, Ci, H, W]   w : [Co, Ci, kh, kw] = [Co, K]   y : [B, Co, Ho, Wo] = [B, Co, P]
 *   K = Ci·kh·kw (one row of w),  P = Ho·Wo (output positions),  kk = (c·kh + p)·kw + q
 *   col_b[kk, t] = x[b, c, i·s − pad + p, j·s − pad + q]  (zero outside),  t = i·Wo + j
 *
 *   forward:          y_b   = w·col_b + bias          GEMM [Co, K]·[K, P]
 *   backward data:    dcol  = wᵀ·dy_b, dx_b += col2im(dcol)   GEMM [K, Co]·[Co, P]
 *   backward weights: dw   += Σ_b dy_b·col_bᵀ          GEMM [Co, P]·[P, K]
 * </pre>
 * col2im is the adjoint of im2col: it adds each dcol[kk, t] into the x position that col[kk, t]
 * was read from. Zero-padding positions are dropped, and positions no window reads (stride > k)
 * get nothing, exactly as in the reference's direct loops.
 *
 * <p>Parallelism and determinism: forward and backward data run one task per sample (each
 * sample's y_b or dx_b is written by its own task) with single-threaded GEMMs inside; with a batch
 * of one, the GEMM itself runs in parallel instead. Backward weights sums over the batch, so the
 * batch is cut into a fixed number of chunks that depends on the batch size only
 * ({@link #weightChunks}); each chunk adds into its own partial dw, and the partials are summed in
 * chunk order. No result depends on the number of threads.
 *
 * <p>Numerics: sums are in float (the reference sums in double); see {@link FastGemm} for the
 * order. One difference at non-finite input: the reference's backward data skips dy = 0 terms,
 * so a 0·∞ there stays out of dx, where this kernel (like any GEMM) produces NaN.
 */
public final class FastConv {
    /** At most this many partial weight gradients in backward weights. */
    static final int MAX_WEIGHT_CHUNKS = 8;
    /** At most this many samples side by side in one GEMM of backward weights (16: batch 128 in 8 chunks). */
    static final int GEMM_SAMPLES = 16;

    private static final Scratch COLUMNS = new Scratch();            // col_b rows   [K][≥ P]
    private static final Scratch PADDED_X = new Scratch();           // x_b with its padding [Ci, Hp, Wp]
    private static final Scratch COLUMNS_FLAT = new Scratch();       // col_g, flat  [K, S·P]
    private static final Scratch DY_TRANSPOSED = new Scratch();      // dyᵀ_g rows   [S·P][≥ Co] (scalar twin)
    private static final Scratch DY_PANELS = new Scratch();          // dyᵀ_g in the GEMM's B panels (Vector API)
    private static final Scratch DCOL = new Scratch();               // dcol, flat    [K, P]
    private static final Scratch PARTIAL_DW = new Scratch();         // [chunks, K, Co]
    private static final Scratch PARTIAL_DBIAS = new Scratch();      // [chunks, Co], in double

    private FastConv() {}

    /** y = conv(x, w) + bias; bias may be null. Overwrites y. See {@link dev.kiln.kernels.Conv#forward}. */
    public static void forward(Workers workers, int batch, int inC, int inH, int inW, int outC, int kH, int kW,
                               int stride, int pad, int outH, int outW, float[] x, float[] w, float[] bias,
                               float[] y) {
        int kSize = inC * kH * kW;                 // K
        int positions = outH * outW;               // P
        long work = (long) batch * outC * kSize * positions;
        Workers perSample = batch > 1 ? workers : workers.sequential();
        Workers inGemm = batch > 1 ? workers.sequential() : workers;
        perSample.forEach(batch, work, b -> {
            int xOff = b * inC * inH * inW;        // x[b, 0, 0, 0]
            int yOff = b * outC * positions;       // y[b, 0, 0, 0]
            if (bias != null) {
                for (int o = 0; o < outC; o++) {
                    int yRow = yOff + o * positions;
                    Arrays.fill(y, yRow, yRow + positions, bias[o]);
                }
            }
            float[][] col = COLUMNS.rows(kSize, FastGemm.rowLength(positions));
            im2col(x, xOff, inC, inH, inW, kH, kW, stride, pad, outH, outW, col);
            FastGemm.gemmPackedB(inGemm, false, outC, positions, kSize, w, 0, col, y, yOff, bias != null);
        });
    }

    /** dx += convᵀ(dy, w). See {@link dev.kiln.kernels.Conv#backwardData}. */
    public static void backwardData(Workers workers, int batch, int inC, int inH, int inW, int outC, int kH,
                                    int kW, int stride, int pad, int outH, int outW, float[] dy, float[] w,
                                    float[] dx) {
        int kSize = inC * kH * kW;
        int positions = outH * outW;
        long work = (long) batch * outC * kSize * positions;
        Workers perSample = batch > 1 ? workers : workers.sequential();
        Workers inGemm = batch > 1 ? workers.sequential() : workers;
        perSample.forEach(batch, work, b -> {
            int xOff = b * inC * inH * inW;
            int yOff = b * outC * positions;
            float[] dcol = DCOL.floats(kSize * positions);                       // [K, P]
            // dcol = wᵀ·dy_b: w is stored [Co, K], which is op(A) = wᵀ stored transposed.
            FastGemm.gemm(inGemm, true, false, kSize, positions, outC, w, 0, dy, yOff, dcol, 0, false);
            col2imAdd(dcol, inC, inH, inW, kH, kW, stride, pad, outH, outW, dx, xOff);
        });
    }

    /**
     * dw += Σ_b dy_b·col_bᵀ;  dbias[o] += Σ_{b,t} dy[b, o, t] (unless dbias is null).
     * See {@link dev.kiln.kernels.Conv#backwardWeights}.
     *
     * <p>One GEMM per chunk of samples, in the transposed form dwᵀ = col·dyᵀ, with the samples of
     * the chunk side by side along the summed dimension (S samples: S·P values of p):
     * <pre>
     *   col_g  [K, S·P]   col_g[kk, s·P + t] = col_b[kk, t]   for b = b₀ + s   (im2col, flat)
     *   dyᵀ_g  [S·P, Co]  dyᵀ_g[s·P + t, o] = dy[b, o, t]                      (packed B rows)
     *   dwᵀ_g  [K, Co]  = col_g·dyᵀ_g                                          GEMM [K, S·P]·[S·P, Co]
     * </pre>
     * (A chunk of more than {@link #GEMM_SAMPLES} samples runs several such GEMMs, each adding into
     * the chunk's partial.) The partials dwᵀ_g are then added in chunk order and transposed into dw. This replaces one
     * small GEMM per sample ([Co, P]·[P, K], with a transposing im2col whose loops are kernel-width
     * short) by one GEMM per chunk whose rows (K) and summed length (S·P) are long.
     */
    public static void backwardWeights(Workers workers, int batch, int inC, int inH, int inW, int outC, int kH,
                                       int kW, int stride, int pad, int outH, int outW, float[] x, float[] dy,
                                       float[] dw, float[] dbias) {
        if (batch == 0) return;
        int kSize = inC * kH * kW;
        int positions = outH * outW;
        int wSize = outC * kSize;
        int paddedH = (outH - 1) * stride + kH;    // Hp: the rows the windows span
        int phaseW = Workers.ceilDiv((outW - 1) * stride + kW, stride);   // Wq (see padInput)
        int chunks = weightChunks(batch);
        int perChunk = Workers.ceilDiv(batch, chunks);
        long work = (long) batch * outC * kSize * positions;
        float[] partialWT = PARTIAL_DW.floats(chunks * wSize);         // [chunks, K, Co]
        double[] partialBias = PARTIAL_DBIAS.doubles(chunks * outC);   // [chunks, Co]
        Workers perChunkWorkers = chunks > 1 ? workers : workers.sequential();
        Workers inGemm = chunks > 1 ? workers.sequential() : workers;
        perChunkWorkers.forEach(chunks, work, g -> {
            int biasOff = g * outC;                                 // partialBias[g, 0]
            Arrays.fill(partialBias, biasOff, biasOff + outC, 0.0);
            int chunkEnd = Math.min(batch, (g + 1) * perChunk);
            // The chunk's samples in groups of at most GEMM_SAMPLES, one GEMM each, so that the
            // scratch stays bounded at any batch size; groups after the first add into the partial.
            for (int b0 = g * perChunk; b0 < chunkEnd; b0 += GEMM_SAMPLES) {
                int samples = Math.min(chunkEnd, b0 + GEMM_SAMPLES) - b0;   // S
                int length = samples * positions;                         // S·P: the GEMM's summed dimension
                float[] col = COLUMNS_FLAT.floats(kSize * length);                        // col_g [K, S·P]
                float[] xp = PADDED_X.floats(inC * paddedH * stride * phaseW);                  // x_b padded
                for (int s = 0; s < samples; s++) {
                    int xOff = (b0 + s) * inC * inH * inW;           // x[b, 0, 0, 0]
                    padInput(x, xOff, inC, inH, inW, stride, pad, paddedH, phaseW, xp);
                    im2colFlat(xp, inC, paddedH, phaseW, kH, kW, stride, outH, outW, col, s * positions, length);
                }
                boolean add = b0 > g * perChunk;
                if (workers.vector()) {                              // dyᵀ_g straight into the panels
                    float[] bp = DY_PANELS.floats(VectorGemm.packedBSize(outC, length));
                    dyTransposedPanels(dy, b0, samples, outC, positions, bp, partialBias, biasOff);
                    FastGemm.gemmPanels(inGemm, false, kSize, outC, length, col, 0, bp, partialWT, g * wSize, add);
                } else {
                    float[][] dyT = DY_TRANSPOSED.rows(length, FastGemm.rowLength(outC));  // dyᵀ_g rows [S·P][≥ Co]
                    dyTransposedRows(dy, b0, samples, outC, positions, dyT, partialBias, biasOff);
                    FastGemm.gemmPackedB(inGemm, false, kSize, outC, length, col, 0, dyT, partialWT, g * wSize, add);
                }
            }
        });
        // Sum the partials in chunk order, then add into the caller's gradients (dw[o, kk] ↔ dwᵀ[kk, o]).
        for (int o = 0; o < outC; o++) {
            for (int kk = 0; kk < kSize; kk++) {
                int i = kk * outC + o;                               // partialWT[0, kk, o]
                float sum = partialWT[i];
                for (int g = 1; g < chunks; g++) sum += partialWT[g * wSize + i];
                dw[o * kSize + kk] += sum;
            }
        }
        if (dbias != null) {
            for (int o = 0; o < outC; o++) {
                double sum = partialBias[o];
                for (int g = 1; g < chunks; g++) sum += partialBias[g * outC + o];
                dbias[o] += (float) sum;
            }
        }
    }

    /** How many partial weight gradients backward weights uses: a function of the batch size alone. */
    static int weightChunks(int batch) {
        int chunks = Math.min(batch, MAX_WEIGHT_CHUNKS);
        return Workers.ceilDiv(batch, Workers.ceilDiv(batch, chunks));   // no empty chunk
    }

    /**
     * dyᵀ_g[s·P + t][o] = dy[b₀ + s, o, t] for s in [0, S), as rows (the scalar twin's packed B);
     * and bias[biasOff + o] += Σ_t dy[b₀ + s, o, t], summed per sample in double.
     */
    static void dyTransposedRows(float[] dy, int b0, int samples, int outC, int positions, float[][] dyT,
                                 double[] bias, int biasOff) {
        for (int s = 0; s < samples; s++) {
            int yOff = (b0 + s) * outC * positions;              // dy[b₀ + s, 0, 0]
            int l0 = s * positions;                              // l of (s, t = 0)
            for (int o = 0; o < outC; o++) {
                int yRow = yOff + o * positions;                 // dy[b₀ + s, o, 0]
                double acc = 0;
                for (int t = 0; t < positions; t++) {
                    float v = dy[yRow + t];
                    dyT[l0 + t][o] = v;
                    acc += v;
                }
                bias[biasOff + o] += acc;
            }
        }
    }

    /**
     * The same dyᵀ_g, L = S·P rows by Co columns, straight into {@link VectorGemm}'s B panels
     * (W = {@link VectorGemm#WIDTH}): bp[((o / W)·L + l)·W + o mod W] = dyᵀ_g[l, o], 0 for the
     * columns o in [Co, ⌈Co/W⌉·W); the bias sums as in {@link #dyTransposedRows}, in the same order.
     */
    static void dyTransposedPanels(float[] dy, int b0, int samples, int outC, int positions, float[] bp,
                                   double[] bias, int biasOff) {
        int width = VectorGemm.WIDTH;
        int length = samples * positions;                        // L
        for (int s = 0; s < samples; s++) {
            int yOff = (b0 + s) * outC * positions;              // dy[b₀ + s, 0, 0]
            int l0 = s * positions;
            for (int o = 0; o < outC; o++) {
                int yRow = yOff + o * positions;                 // dy[b₀ + s, o, 0]
                int at = ((o / width) * length + l0) * width + o % width;   // bp index of (l0, o)
                double acc = 0;
                for (int t = 0; t < positions; t++) {
                    float v = dy[yRow + t];
                    bp[at + t * width] = v;
                    acc += v;
                }
                bias[biasOff + o] += acc;
            }
        }
        int padded = Workers.ceilDiv(outC, width) * width;
        for (int o = outC; o < padded; o++) {                    // the last panel's columns past Co
            int at = (o / width) * length * width + o % width;   // bp index of (0, o)
            for (int l = 0; l < length; l++) bp[at + l * width] = 0f;
        }
    }

    /**
     * col[kk][t] = x[b, c, i·s − pad + p, j·s − pad + q], zero outside the image, for
     * kk = (c·kh + p)·kw + q and t = i·Wo + j; x[b] starts at xOff. Rows are [K][≥ P].
     * The output positions that read inside the image form a rectangle [iStart, iEnd) ×
     * [jStart, jEnd) for each (p, q) (see {@link #firstInside}), so the loops carry no bounds tests.
     */
    static void im2col(float[] x, int xOff, int inC, int inH, int inW, int kH, int kW, int stride, int pad,
                       int outH, int outW, float[][] col) {
        int positions = outH * outW;
        for (int c = 0; c < inC; c++) {
            int xPlane = xOff + c * inH * inW;                           // x[b, c, 0, 0]
            for (int p = 0; p < kH; p++) {
                int iStart = firstInside(p, stride, pad, outH);
                int iEnd = endInside(p, stride, pad, inH, outH, iStart);
                for (int q = 0; q < kW; q++) {
                    int jStart = firstInside(q, stride, pad, outW);
                    int jEnd = endInside(q, stride, pad, inW, outW, jStart);
                    float[] row = col[(c * kH + p) * kW + q];
                    Arrays.fill(row, 0, iStart * outW, 0f);               // rows of padding above
                    Arrays.fill(row, iEnd * outW, positions, 0f);         // and below
                    for (int i = iStart; i < iEnd; i++) {
                        int t0 = i * outW;                                // t of (i, 0)
                        int x0 = xPlane + (i * stride - pad + p) * inW + jStart * stride - pad + q;
                        Arrays.fill(row, t0, t0 + jStart, 0f);            // padding left
                        for (int j = jStart; j < jEnd; j++) row[t0 + j] = x[x0 + (j - jStart) * stride];
                        Arrays.fill(row, t0 + jEnd, t0 + outW, 0f);       // padding right
                    }
                }
            }
        }
    }

    /**
     * The sample's input with its padding written out and its columns split by phase mod s, so that
     * every run of im2col is a contiguous copy:
     * <pre>
     *   xpad[c, r, v] = x[b, c, r − pad, v − pad]  (0 outside the image),  r in [0, Hp), v in [0, Wp)
     *   xp[((c·Hp + r)·s + φ)·Wq + m] = xpad[c, r, m·s + φ]   φ in [0, s), m in [0, Wq)
     *   Hp = (Ho − 1)·s + kh,  Wp = (Wo − 1)·s + kw (the rows and columns the windows span),  Wq = ⌈Wp / s⌉
     * </pre>
     * Then col_b[kk, (i, j)] = xpad[c, i·s + p, j·s + q] = xp[((c·Hp + i·s + p)·s + q mod s)·Wq +
     * j + ⌊q / s⌋], which runs over consecutive j with unit stride. x[b] starts at xOff.
     */
    static void padInput(float[] x, int xOff, int inC, int inH, int inW, int stride, int pad, int paddedH,
                         int phaseW, float[] xp) {
        int rowSize = stride * phaseW;                               // xp floats per padded row r
        Arrays.fill(xp, 0, inC * paddedH * rowSize, 0f);
        int rowEnd = Math.min(paddedH, pad + inH);                   // one past the last image row in xp
        int colEnd = Math.min(inW, stride * phaseW - pad);           // image columns u with v = u + pad < s·Wq
        for (int c = 0; c < inC; c++) {
            for (int r = pad; r < rowEnd; r++) {
                int from = xOff + (c * inH + r - pad) * inW;          // x[b, c, r − pad, 0]
                int row = (c * paddedH + r) * rowSize;               // xp of (c, r, φ = 0, m = 0)
                for (int phase = 0; phase < stride; phase++) {
                    int u = Math.floorMod(phase - pad, stride);       // the first u with (u + pad) mod s = φ
                    int at = row + phase * phaseW + (u + pad) / stride;
                    for (; u < colEnd; u += stride) xp[at++] = x[from + u];
                }
            }
        }
    }

    /**
     * The same columns as {@link #im2col}, into a flat matrix: col[kk·rowStride + colOff + t] =
     * col_b[kk, t] for t in [0, P). Several samples go side by side in one matrix (colOff = s·P).
     * Read from xp of {@link #padInput}: one contiguous copy per (kk, output row).
     */
    static void im2colFlat(float[] xp, int inC, int paddedH, int phaseW, int kH, int kW, int stride,
                           int outH, int outW, float[] col, int colOff, int rowStride) {
        int rowStep = stride * stride * phaseW;                      // xp: output row i → i + 1
        for (int c = 0; c < inC; c++) {
            for (int p = 0; p < kH; p++) {
                for (int q = 0; q < kW; q++) {
                    int corner = ((c * paddedH + p) * stride + q % stride) * phaseW + q / stride;   // (i, j) = 0
                    int row = ((c * kH + p) * kW + q) * rowStride + colOff;   // col[kk, colOff]
                    for (int i = 0; i < outH; i++) {
                        System.arraycopy(xp, corner + i * rowStep, col, row + i * outW, outW);
                    }
                }
            }
        }
    }

    /**
     * dx[b, c, i·s − pad + p, j·s − pad + q] += dcol[kk, t] for every (kk, t) whose position lies
     * inside the image: the adjoint of {@link #im2col}, over the same rectangles. dcol is flat
     * [K, P]; x[b] starts at xOff.
     */
    static void col2imAdd(float[] dcol, int inC, int inH, int inW, int kH, int kW, int stride, int pad,
                          int outH, int outW, float[] dx, int xOff) {
        int positions = outH * outW;
        for (int c = 0; c < inC; c++) {
            int xPlane = xOff + c * inH * inW;
            for (int p = 0; p < kH; p++) {
                int iStart = firstInside(p, stride, pad, outH);
                int iEnd = endInside(p, stride, pad, inH, outH, iStart);
                for (int q = 0; q < kW; q++) {
                    int jStart = firstInside(q, stride, pad, outW);
                    int jEnd = endInside(q, stride, pad, inW, outW, jStart);
                    int dcolRow = ((c * kH + p) * kW + q) * positions;   // dcol[kk, 0]
                    for (int i = iStart; i < iEnd; i++) {
                        int t0 = dcolRow + i * outW;
                        int x0 = xPlane + (i * stride - pad + p) * inW + jStart * stride - pad + q;
                        for (int j = jStart; j < jEnd; j++) dx[x0 + (j - jStart) * stride] += dcol[t0 + j];
                    }
                }
            }
        }
    }

    /**
     * The first output index i whose input index i·s − pad + p is ≥ 0 (p: the kernel offset), or
     * {@code out} if there is none: a window offset deep in the padding of a small image can read
     * only padding. Output indices at or past {@link #endInside} read past the far edge.
     */
    static int firstInside(int p, int stride, int pad, int out) {
        return p >= pad ? 0 : Math.min(out, (pad - p + stride - 1) / stride);
    }

    /** One past the last output index i &lt; out whose input index i·s − pad + p is &lt; size; in [start, out]. */
    static int endInside(int p, int stride, int pad, int size, int out, int start) {
        int last = Math.floorDiv(size - 1 + pad - p, stride);             // i·s − pad + p ≤ size − 1
        return Math.max(start, Math.min(out, last + 1));
    }
}
