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

    private static final Scratch COLUMNS = new Scratch();            // col_b rows   [K][≥ P]
    private static final Scratch COLUMNS_TRANSPOSED = new Scratch(); // col_bᵀ rows  [P][≥ K]
    private static final Scratch DCOL = new Scratch();               // dcol, flat    [K, P]
    private static final Scratch PARTIAL_DW = new Scratch();         // [chunks, Co, K]
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
            float[][] col = COLUMNS.rows(kSize, FastGemm.rowLength(positions));
            im2col(x, xOff, inC, inH, inW, kH, kW, stride, pad, outH, outW, col);
            if (bias != null) {
                for (int o = 0; o < outC; o++) {
                    int yRow = yOff + o * positions;
                    Arrays.fill(y, yRow, yRow + positions, bias[o]);
                }
            }
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
     */
    public static void backwardWeights(Workers workers, int batch, int inC, int inH, int inW, int outC, int kH,
                                       int kW, int stride, int pad, int outH, int outW, float[] x, float[] dy,
                                       float[] dw, float[] dbias) {
        if (batch == 0) return;
        int kSize = inC * kH * kW;
        int positions = outH * outW;
        int wSize = outC * kSize;
        int chunks = weightChunks(batch);
        int perChunk = Workers.ceilDiv(batch, chunks);
        long work = (long) batch * outC * kSize * positions;
        float[] partialW = PARTIAL_DW.floats(chunks * wSize);          // [chunks, Co, K]
        double[] partialBias = PARTIAL_DBIAS.doubles(chunks * outC);   // [chunks, Co]
        Workers perChunkWorkers = chunks > 1 ? workers : workers.sequential();
        Workers inGemm = chunks > 1 ? workers.sequential() : workers;
        perChunkWorkers.forEach(chunks, work, g -> {
            int wOff = g * wSize;                  // partialW[g, 0, 0]
            int biasOff = g * outC;                // partialBias[g, 0]
            Arrays.fill(partialW, wOff, wOff + wSize, 0f);
            Arrays.fill(partialBias, biasOff, biasOff + outC, 0.0);
            float[][] colT = COLUMNS_TRANSPOSED.rows(positions, FastGemm.rowLength(kSize));
            for (int b = g * perChunk; b < Math.min(batch, (g + 1) * perChunk); b++) {
                int xOff = b * inC * inH * inW;
                int yOff = b * outC * positions;
                im2colTransposed(x, xOff, inC, inH, inW, kH, kW, stride, pad, outH, outW, colT);
                FastGemm.gemmPackedB(inGemm, false, outC, kSize, positions, dy, yOff, colT, partialW, wOff, true);
                if (dbias != null) {
                    for (int o = 0; o < outC; o++) {
                        int yRow = yOff + o * positions;
                        double acc = 0;
                        for (int t = 0; t < positions; t++) acc += dy[yRow + t];
                        partialBias[biasOff + o] += acc;
                    }
                }
            }
        });
        // Sum the partials in chunk order, then add into the caller's gradients.
        for (int i = 0; i < wSize; i++) {
            float sum = partialW[i];
            for (int g = 1; g < chunks; g++) sum += partialW[g * wSize + i];
            dw[i] += sum;
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

    /** colT[t][kk] = col[kk][t] (see {@link #im2col}), written directly. Rows are [P][≥ K]. */
    static void im2colTransposed(float[] x, int xOff, int inC, int inH, int inW, int kH, int kW, int stride,
                                 int pad, int outH, int outW, float[][] colT) {
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                float[] row = colT[i * outW + j];
                // The kernel window of output (i, j) lies inside the image for p in [pStart, pEnd), q in [qStart, qEnd).
                int r0 = i * stride - pad;                                // input row under p = 0
                int c0 = j * stride - pad;                                // input column under q = 0
                int pStart = Math.min(kH, Math.max(0, -r0));
                int pEnd = Math.max(pStart, Math.min(kH, inH - r0));
                int qStart = Math.min(kW, Math.max(0, -c0));
                int qEnd = Math.max(qStart, Math.min(kW, inW - c0));
                for (int c = 0; c < inC; c++) {
                    int xPlane = xOff + c * inH * inW;
                    int kkPlane = c * kH * kW;                            // kk of (c, 0, 0)
                    Arrays.fill(row, kkPlane, kkPlane + pStart * kW, 0f);              // rows above the image
                    for (int p = pStart; p < pEnd; p++) {
                        int kk0 = kkPlane + p * kW;                       // kk of (c, p, 0)
                        int xRow = xPlane + (r0 + p) * inW + c0;          // x[b, c, r0 + p, c0]
                        Arrays.fill(row, kk0, kk0 + qStart, 0f);
                        for (int q = qStart; q < qEnd; q++) row[kk0 + q] = x[xRow + q];
                        Arrays.fill(row, kk0 + qEnd, kk0 + kW, 0f);
                    }
                    Arrays.fill(row, kkPlane + pEnd * kW, kkPlane + kH * kW, 0f);      // rows below the image
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
