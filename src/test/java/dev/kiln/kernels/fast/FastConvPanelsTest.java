package dev.kiln.kernels.fast;

import net.jqwik.api.Example;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The padded, phase-split im2col of backward weights against im2col's rows, and dyᵀ written
 * straight into the GEMM's B panels against rows + {@link VectorGemm#packRows}, bit for bit; the
 * im2col over a sweep of geometries: kernels
 * 1–4 (square or not), strides 1–3, padding 0–2, images from the smallest the kernel fits to
 * sizes whose P = Ho·Wo is below, at and past one panel width W, and channels 1–3. The outputs
 * start as NaN, so every float the kernels must write (the zeros of the padding and of the columns
 * past Co included) is checked to be written, and nothing outside. Then the whole kernels: FastConv's forward and
 * backward weights with the Vector API against the old composition (rows, then
 * {@link FastGemm#gemmPackedB}), bit for bit, 1 and 3 threads.
 */
class FastConvPanelsTest {

    /** One geometry: Ci, H, W, kh, kw, stride, pad, and its outputs Ho, Wo. */
    record Geometry(int inC, int inH, int inW, int kH, int kW, int stride, int pad) {
        int outH() { return (inH + 2 * pad - kH) / stride + 1; }
        int outW() { return (inW + 2 * pad - kW) / stride + 1; }
        int kSize() { return inC * kH * kW; }
        int positions() { return outH() * outW(); }
        int paddedH() { return (outH() - 1) * stride + kH; }
        int paddedW() { return (outW() - 1) * stride + kW; }
        int phaseW() { return Workers.ceilDiv(paddedW(), stride); }
        int paddedSize() { return inC * paddedH() * stride * phaseW(); }
    }

    /** Every geometry of the sweep; the count and the panel edges covered are asserted. */
    static Geometry[] sweep() {
        java.util.List<Geometry> all = new java.util.ArrayList<>();
        int[] sides = {1, 2, 3, 4, 5, 7, 9, 12, 17};
        for (int kH = 1; kH <= 4; kH++) {
            for (int kW : new int[] {kH, 1 + kH % 4}) {
                for (int stride = 1; stride <= 3; stride++) {
                    for (int pad = 0; pad <= 2; pad++) {
                        for (int side : sides) {
                            int inH = side, inW = side + stride - 1;
                            if (inH + 2 * pad < kH || inW + 2 * pad < kW) continue;
                            all.add(new Geometry(1 + (side + kH) % 3, inH, inW, kH, kW, stride, pad));
                        }
                    }
                }
            }
        }
        return all.toArray(new Geometry[0]);
    }

    @Example
    void theSweepCoversPanelEdgesAndPadding() {
        Geometry[] all = sweep();
        int width = VectorGemm.WIDTH;
        assertTrue(all.length > 500, "geometries: " + all.length);
        assertTrue(Arrays.stream(all).anyMatch(g -> g.positions() < width));
        assertTrue(Arrays.stream(all).anyMatch(g -> g.positions() % width == 0));
        assertTrue(Arrays.stream(all).anyMatch(g -> g.positions() > 2 * width && g.positions() % width != 0));
        assertTrue(Arrays.stream(all).anyMatch(g -> g.pad() >= g.kH()));         // windows only in padding
        assertTrue(Arrays.stream(all).anyMatch(g -> g.stride() > g.kH()));       // input rows no window reads
        assertTrue(Arrays.stream(all).anyMatch(g -> g.outW() < width && g.outW() > 1
                && g.positions() > width));                                      // a panel spans output rows
    }

    @Example
    void flatIm2colEqualsTheRowsAtItsOffset() {
        SplittableRandom rng = new SplittableRandom(12);
        for (Geometry g : sweep()) {
            float[] x = random(rng, g.inC() * g.inH() * g.inW());
            float[][] rows = new float[g.kSize()][g.positions()];
            FastConv.im2col(x, 0, g.inC(), g.inH(), g.inW(), g.kH(), g.kW(), g.stride(), g.pad(),
                    g.outH(), g.outW(), rows);
            int colOff = 2, rowStride = g.positions() + 5;                 // one sample inside a wider matrix
            float[] xp = nans(g.paddedSize());
            FastConv.padInput(x, 0, g.inC(), g.inH(), g.inW(), g.stride(), g.pad(), g.paddedH(), g.phaseW(), xp);
            float[] col = nans(g.kSize() * rowStride);
            FastConv.im2colFlat(xp, g.inC(), g.paddedH(), g.phaseW(), g.kH(), g.kW(), g.stride(),
                    g.outH(), g.outW(), col, colOff, rowStride);
            for (int kk = 0; kk < g.kSize(); kk++) {
                int row = kk * rowStride;
                assertArrayEquals(rows[kk], Arrays.copyOfRange(col, row + colOff, row + colOff + g.positions()),
                        g + ", kk " + kk);
                for (int t = 0; t < rowStride; t++) {
                    if (t < colOff || t >= colOff + g.positions()) {
                        assertTrue(Float.isNaN(col[row + t]), g + " wrote outside its columns");
                    }
                }
            }
        }
    }

    @Example
    void paddedInputHoldsTheImageSplitByPhaseAndZerosAround() {
        // Ci 2, 3 × 5 image, kernel 3 × 2, stride 2, pad 1: Ho = 2, Wo = 3, Hp = 5, Wp = 6, Wq = 3.
        Geometry g = new Geometry(2, 3, 5, 3, 2, 2, 1);
        assertEquals(5, g.paddedH());
        assertEquals(3, g.phaseW());
        float[] x = new float[1 + 2 * 3 * 5];
        for (int i = 0; i < x.length; i++) x[i] = i;                     // x[b, c, r, u] = 1 + (c·3 + r)·5 + u
        float[] xp = nans(g.paddedSize());
        FastConv.padInput(x, 1, 2, 3, 5, 2, 1, 5, 3, xp);
        // xp[((c·Hp + r)·s + φ)·Wq + m] = xpad[c, r, m·s + φ] = x[b, c, r − 1, m·s + φ − 1]
        for (int c = 0; c < 2; c++) {
            for (int r = 0; r < 5; r++) {
                for (int phase = 0; phase < 2; phase++) {
                    for (int m = 0; m < 3; m++) {
                        int ir = r - 1, iu = m * 2 + phase - 1;
                        float want = ir >= 0 && ir < 3 && iu >= 0 && iu < 5 ? 1 + (c * 3 + ir) * 5 + iu : 0f;
                        assertEquals(want, xp[((c * 5 + r) * 2 + phase) * 3 + m],
                                "c " + c + ", r " + r + ", φ " + phase + ", m " + m);
                    }
                }
            }
        }
        // The row r = 1 of channel 0 by hand: xpad = [0, 1, 2, 3, 4, 5]; even columns, then odd ones.
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, Arrays.copyOfRange(xp, 6, 12));
    }

    @Example
    void dyPanelsEqualDyRowsPackedIntoPanelsWithTheSameBiasSums() {
        SplittableRandom rng = new SplittableRandom(13);
        int width = VectorGemm.WIDTH;
        for (int outC : new int[] {1, width - 1, width, width + 3, 2 * width}) {
            for (int positions : new int[] {1, 5, 16, 23}) {
                int samples = 3, b0 = 1;
                float[] dy = random(rng, (b0 + samples + 1) * outC * positions);
                int length = samples * positions;
                float[][] rows = new float[length][outC];
                double[] expectedBias = new double[2 + outC];
                Arrays.fill(expectedBias, 0.25);
                FastConv.dyTransposedRows(dy, b0, samples, outC, positions, rows, expectedBias, 2);
                float[] expected = new float[VectorGemm.packedBSize(outC, length)];
                VectorGemm.packRows(Workers.SEQUENTIAL, outC, length, rows, expected);
                for (int l = 0; l < length; l++) {                     // the rows themselves: dy[b₀ + s, o, t]
                    int s = l / positions, t = l % positions;
                    for (int o = 0; o < outC; o++) {
                        assertEquals(dy[((b0 + s) * outC + o) * positions + t], rows[l][o]);
                    }
                }

                float[] bp = nans(expected.length);
                double[] bias = new double[2 + outC];
                Arrays.fill(bias, 0.25);
                FastConv.dyTransposedPanels(dy, b0, samples, outC, positions, bp, bias, 2);
                assertArrayEquals(expected, bp, "Co " + outC + ", P " + positions);
                assertArrayEquals(expectedBias, bias, "Co " + outC + ", P " + positions);
            }
        }
    }

    @Example
    void forwardAndBackwardWeightsEqualTheRowsComposition() {
        SplittableRandom rng = new SplittableRandom(14);
        int checked = 0;
        for (int threads : new int[] {1, 3}) {
            Workers workers = new Workers(threads, 0, true);
            assertTrue(workers.vector(), "the Vector API path must run here");
            for (Geometry g : new Geometry[] {
                    new Geometry(3, 9, 9, 3, 3, 2, 1),          // P = 25: one full panel and a partial one
                    new Geometry(2, 8, 8, 3, 3, 1, 1),          // P = 64: whole panels
                    new Geometry(2, 6, 7, 2, 4, 3, 2)}) {       // stride > kh, not square
                for (int batch : new int[] {1, 4, 19}) {      // 19: weight chunks of 3, partial groups
                    int outC = 5;
                    float[] x = random(rng, batch * g.inC() * g.inH() * g.inW());
                    float[] w = random(rng, outC * g.kSize());
                    float[] bias = random(rng, outC);
                    int ySize = batch * outC * g.positions();
                    float[] y = nans(ySize);
                    FastConv.forward(workers, batch, g.inC(), g.inH(), g.inW(), outC, g.kH(), g.kW(), g.stride(),
                            g.pad(), g.outH(), g.outW(), x, w, bias, y);
                    assertArrayEquals(forwardByRows(workers, batch, g, outC, x, w, bias), y, g + ", batch " + batch);

                    float[] dy = random(rng, ySize);
                    float[] dw = random(rng, w.length), dbias = random(rng, outC);
                    float[] expectedDw = dw.clone(), expectedDbias = dbias.clone();
                    FastConv.backwardWeights(workers, batch, g.inC(), g.inH(), g.inW(), outC, g.kH(), g.kW(),
                            g.stride(), g.pad(), g.outH(), g.outW(), x, dy, dw, dbias);
                    backwardWeightsByRows(workers, batch, g, outC, x, dy, expectedDw, expectedDbias);
                    assertArrayEquals(expectedDw, dw, g + ", batch " + batch);
                    assertArrayEquals(expectedDbias, dbias, g + ", batch " + batch);
                    checked++;
                }
            }
        }
        assertEquals(18, checked);
    }

    /** The forward pass as it was: im2col into rows, then gemmPackedB, one sample at a time. */
    private static float[] forwardByRows(Workers workers, int batch, Geometry g, int outC, float[] x, float[] w,
                                         float[] bias) {
        int positions = g.positions();
        float[] y = new float[batch * outC * positions];
        for (int b = 0; b < batch; b++) {
            float[][] col = new float[g.kSize()][positions];
            FastConv.im2col(x, b * g.inC() * g.inH() * g.inW(), g.inC(), g.inH(), g.inW(), g.kH(), g.kW(),
                    g.stride(), g.pad(), g.outH(), g.outW(), col);
            int yOff = b * outC * positions;
            for (int o = 0; o < outC; o++) Arrays.fill(y, yOff + o * positions, yOff + (o + 1) * positions, bias[o]);
            FastGemm.gemmPackedB(workers.sequential(), false, outC, positions, g.kSize(), w, 0, col, y, yOff, true);
        }
        return y;
    }

    /**
     * Backward weights as it was: per chunk and group of samples, col_g from im2col's rows and
     * dyᵀ_g as rows, one gemmPackedB each; the partials summed in chunk order.
     */
    private static void backwardWeightsByRows(Workers workers, int batch, Geometry g, int outC, float[] x,
                                              float[] dy, float[] dw, float[] dbias) {
        int kSize = g.kSize(), positions = g.positions(), wSize = outC * kSize;
        int chunks = FastConv.weightChunks(batch), perChunk = Workers.ceilDiv(batch, chunks);
        float[] partial = new float[chunks * wSize];
        double[] partialBias = new double[chunks * outC];
        for (int c = 0; c < chunks; c++) {
            int chunkEnd = Math.min(batch, (c + 1) * perChunk);
            for (int b0 = c * perChunk; b0 < chunkEnd; b0 += FastConv.GEMM_SAMPLES) {
                int samples = Math.min(chunkEnd, b0 + FastConv.GEMM_SAMPLES) - b0, length = samples * positions;
                float[] col = new float[kSize * length];
                for (int s = 0; s < samples; s++) {
                    float[][] rows = new float[kSize][positions];
                    FastConv.im2col(x, (b0 + s) * g.inC() * g.inH() * g.inW(), g.inC(), g.inH(), g.inW(), g.kH(),
                            g.kW(), g.stride(), g.pad(), g.outH(), g.outW(), rows);
                    for (int kk = 0; kk < kSize; kk++) System.arraycopy(rows[kk], 0, col, kk * length + s * positions, positions);
                }
                float[][] dyT = new float[length][outC];
                FastConv.dyTransposedRows(dy, b0, samples, outC, positions, dyT, partialBias, c * outC);
                FastGemm.gemmPackedB(workers.sequential(), false, kSize, outC, length, col, 0, dyT, partial, c * wSize,
                        b0 > c * perChunk);
            }
        }
        for (int o = 0; o < outC; o++) {
            for (int kk = 0; kk < kSize; kk++) {
                float sum = partial[kk * outC + o];
                for (int c = 1; c < chunks; c++) sum += partial[c * wSize + kk * outC + o];
                dw[o * kSize + kk] += sum;
            }
            double sum = partialBias[o];
            for (int c = 1; c < chunks; c++) sum += partialBias[c * outC + o];
            dbias[o] += (float) sum;
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
        return a;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }
}
