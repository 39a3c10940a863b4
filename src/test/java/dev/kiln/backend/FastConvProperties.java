package dev.kiln.backend;

import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Example;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.kiln.backend.ReferenceComparison.FAST_ALWAYS_PARALLEL;
import static dev.kiln.backend.ReferenceComparison.FAST_ONE_THREAD;
import static dev.kiln.backend.ReferenceComparison.FAST_SCALAR_PARALLEL;
import static dev.kiln.testing.TestArrays.abs;
import static dev.kiln.backend.ReferenceComparison.assertWithinRoundingOfReference;
import static dev.kiln.testing.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The fast convolution kernels (im2col + GEMM) against the direct loops of the scalar reference
 * {@link dev.kiln.kernels.Conv}: forward, backward data and backward weights, over kernel sizes
 * 1–5 (square or not), strides 1–3, padding 0–2, size-1 images and channels, batch 1 and more.
 */
class FastConvProperties {

    /** A geometry plus the seed of its inputs; the backward kernels add into non-zero gradients. */
    record ConvCase(ConvShape shape, boolean withBias, long seed) {}

    /**
     * Geometries: kernel 1×1, square or not (sides 1–5), stride 1–3, pad 0–2, channels 1–4, image
     * sides from the smallest the kernel fits (padded) up to 11, batch 1 or 2–5.
     */
    @Provide
    Arbitrary<ConvShape> convShapes() {
        Arbitrary<Integer> batch = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(3, Arbitraries.integers().between(2, 5)));
        Arbitrary<Integer> channels = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> kernelSide = Arbitraries.of(1, 2, 3, 4, 5);
        Arbitrary<int[]> kernel = Arbitraries.frequencyOf(                    // {kH, kW}
                Tuple.of(1, Arbitraries.just(new int[] {1, 1})),
                Tuple.of(2, kernelSide.map(k -> new int[] {k, k})),
                Tuple.of(2, Combinators.combine(kernelSide, kernelSide).as((h, w) -> new int[] {h, w})));
        Arbitrary<Integer> stride = Arbitraries.of(1, 2, 3);
        Arbitrary<Integer> pad = Arbitraries.of(0, 1, 2);
        return Combinators.combine(kernel, stride, pad).flatAs((k, st, p) -> {
            int kH = k[0], kW = k[1];
            Arbitrary<Integer> inH = imageSides(Math.max(1, kH - 2 * p));
            Arbitrary<Integer> inW = imageSides(Math.max(1, kW - 2 * p));
            return Combinators.combine(batch, channels, inH, inW, channels).as((b, inC, h, w, outC) ->
                    new ConvShape(b, inC, h, w, outC, kH, kW, st, p, (h + 2 * p - kH) / st + 1, (w + 2 * p - kW) / st + 1));
        });
    }

    /** Image sides from the smallest the kernel fits (often: windows mostly in the padding) to 11. */
    private static Arbitrary<Integer> imageSides(int smallest) {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(smallest)),
                Tuple.of(3, Arbitraries.integers().between(smallest, 11)));
    }

    @Provide
    Arbitrary<ConvCase> convCases() {
        return Combinators.combine(convShapes(), Arbitraries.of(false, true), Arbitraries.longs()).as(ConvCase::new);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60)
    void fastConvForwardMatchesTheReference(@ForAll("convCases") ConvCase c) {
        ConvShape s = c.shape();
        Rng rng = new Rng(c.seed());
        float[] x = gaussian(rng, s.xSize(), 1f);
        float[] w = gaussian(rng, s.wSize(), 0.5f);
        float[] bias = c.withBias() ? gaussian(rng, s.outC(), 1f) : null;

        float[] reference = new float[s.ySize()];
        ReferenceBackend.INSTANCE.conv2dForward(s, x, w, bias, reference);
        float[] absScale = new float[s.ySize()];
        ReferenceBackend.INSTANCE.conv2dForward(s, abs(x), abs(w), bias == null ? null : abs(bias), absScale);
        float[] sequential = filled(s.ySize(), Float.NaN);      // forward overwrites: stale values must not leak
        FAST_ONE_THREAD.conv2dForward(s, x, w, bias, sequential);
        float[] parallel = filled(s.ySize(), Float.NaN);
        FAST_ALWAYS_PARALLEL.conv2dForward(s, x, w, bias, parallel);

        assertWithinRoundingOfReference("forward " + s, sequential, reference, absScale,
                s.inC() * s.kH() * s.kW());
        assertArrayEquals(sequential, parallel, "forward on 1 and 3 threads: " + s);
        collectGeometry(s);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60)
    void fastConvBackwardDataMatchesTheReference(@ForAll("convCases") ConvCase c) {
        ConvShape s = c.shape();
        Rng rng = new Rng(c.seed());
        float[] dy = gaussian(rng, s.ySize(), 1f);
        float[] w = gaussian(rng, s.wSize(), 0.5f);
        float[] dx0 = gaussian(rng, s.xSize(), 1f);             // backward data adds into dx

        float[] reference = dx0.clone();
        ReferenceBackend.INSTANCE.conv2dBackwardData(s, dy, w, reference);
        float[] absScale = abs(dx0);
        ReferenceBackend.INSTANCE.conv2dBackwardData(s, abs(dy), abs(w), absScale);
        float[] sequential = dx0.clone();
        FAST_ONE_THREAD.conv2dBackwardData(s, dy, w, sequential);
        float[] parallel = dx0.clone();
        FAST_ALWAYS_PARALLEL.conv2dBackwardData(s, dy, w, parallel);

        assertWithinRoundingOfReference("backward data " + s, sequential, reference, absScale,
                s.outC() * s.kH() * s.kW());
        assertArrayEquals(sequential, parallel, "backward data on 1 and 3 threads: " + s);
        collectGeometry(s);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60)
    void fastConvBackwardWeightsMatchesTheReference(@ForAll("convCases") ConvCase c) {
        ConvShape s = c.shape();
        Rng rng = new Rng(c.seed());
        float[] x = gaussian(rng, s.xSize(), 1f);
        float[] dy = gaussian(rng, s.ySize(), 1f);
        float[] dw0 = gaussian(rng, s.wSize(), 1f);             // backward weights adds into dw, dbias
        float[] dbias0 = c.withBias() ? gaussian(rng, s.outC(), 1f) : null;

        float[] referenceW = dw0.clone();
        float[] referenceBias = dbias0 == null ? null : dbias0.clone();
        ReferenceBackend.INSTANCE.conv2dBackwardWeights(s, x, dy, referenceW, referenceBias);
        float[] absScaleW = abs(dw0);
        float[] absScaleBias = dbias0 == null ? null : abs(dbias0);
        ReferenceBackend.INSTANCE.conv2dBackwardWeights(s, abs(x), abs(dy), absScaleW, absScaleBias);
        float[] sequentialW = dw0.clone();
        float[] sequentialBias = dbias0 == null ? null : dbias0.clone();
        FAST_ONE_THREAD.conv2dBackwardWeights(s, x, dy, sequentialW, sequentialBias);
        float[] parallelW = dw0.clone();
        float[] parallelBias = dbias0 == null ? null : dbias0.clone();
        FAST_ALWAYS_PARALLEL.conv2dBackwardWeights(s, x, dy, parallelW, parallelBias);

        int terms = s.batch() * s.outH() * s.outW();
        assertWithinRoundingOfReference("backward weights " + s, sequentialW, referenceW, absScaleW, terms);
        assertArrayEquals(sequentialW, parallelW, "backward weights on 1 and 3 threads: " + s);
        if (dbias0 != null) {
            assertWithinRoundingOfReference("backward bias " + s, sequentialBias, referenceBias, absScaleBias, terms);
            assertArrayEquals(sequentialBias, parallelBias, "backward bias on 1 and 3 threads: " + s);
        }
        collectGeometry(s);
    }

    /**
     * Backward weights with more than {@code MAX_WEIGHT_CHUNKS} (8) samples: each chunk then holds
     * several samples side by side in one GEMM (batch 9–20: 2 or 3 per chunk, a shorter last chunk;
     * batch 129–150: more than {@code GEMM_SAMPLES} (16) per chunk, so two GEMMs add into one partial),
     * against the reference on the Vector API kernel and on its scalar twin, and 1 vs 3 threads bit
     * for bit. The generic property above stays at batch ≤ 5, one sample per chunk.
     */
    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 25)
    void backwardWeightsWithSeveralSamplesPerChunkMatchesTheReference(
            @ForAll("convCases") ConvCase c, @ForAll("batchesPastEightChunks") int batch) {
        ConvShape g = c.shape();
        ConvShape s = new ConvShape(batch, g.inC(), g.inH(), g.inW(), g.outC(), g.kH(), g.kW(), g.stride(), g.pad(),
                g.outH(), g.outW());
        Rng rng = new Rng(c.seed());
        float[] x = gaussian(rng, s.xSize(), 1f);
        float[] dy = gaussian(rng, s.ySize(), 1f);
        float[] dw0 = gaussian(rng, s.wSize(), 1f);
        float[] dbias0 = gaussian(rng, s.outC(), 1f);

        float[] referenceW = dw0.clone(), referenceBias = dbias0.clone();
        ReferenceBackend.INSTANCE.conv2dBackwardWeights(s, x, dy, referenceW, referenceBias);
        float[] absScaleW = abs(dw0), absScaleBias = abs(dbias0);
        ReferenceBackend.INSTANCE.conv2dBackwardWeights(s, abs(x), abs(dy), absScaleW, absScaleBias);
        int terms = s.batch() * s.outH() * s.outW();
        float[][] byPath = new float[3][];
        FastCpuBackend[] paths = {FAST_ONE_THREAD, FAST_ALWAYS_PARALLEL, FAST_SCALAR_PARALLEL};
        for (int q = 0; q < paths.length; q++) {
            float[] dw = dw0.clone(), dbias = dbias0.clone();
            paths[q].conv2dBackwardWeights(s, x, dy, dw, dbias);
            String what = "backward weights, " + paths[q].threads() + " threads, vector " + paths[q].vector() + ", " + s;
            assertWithinRoundingOfReference(what, dw, referenceW, absScaleW, terms);
            assertWithinRoundingOfReference(what + " (bias)", dbias, referenceBias, absScaleBias, terms);
            byPath[q] = dw;
        }
        assertArrayEquals(byPath[0], byPath[1], "backward weights on 1 and 3 threads: " + s);
        int perChunk = (batch + 7) / 8;
        Statistics.label("samples per chunk").collect(perChunk <= 16 ? String.valueOf(perChunk) : "> 16: two GEMMs");
        Statistics.label("samples per chunk").coverage(cov -> {
            cov.check("2").count(n -> n > 0);
            cov.check("3").count(n -> n > 0);
            cov.check("> 16: two GEMMs").count(n -> n > 0);
        });
    }

    /** Batches of 9–20 (2 or 3 samples per chunk), and 129–150 (17–19: more than one GEMM per chunk). */
    @Provide
    Arbitrary<Integer> batchesPastEightChunks() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(9, 20)),
                Tuple.of(1, Arbitraries.integers().between(129, 150)));
    }

    /**
     * Every scratch buffer is sized by the call that needs it: on a thread that has run no kernel
     * yet (its scratch is empty), forward, backward data and backward weights (batch 9: several
     * chunks) give the same bits as on this thread. A buffer asked for too small fails there, where
     * on a thread whose buffers earlier calls have grown it would go unnoticed.
     */
    @Example
    void theConvolutionsSizeTheirScratchOnAThreadThatHasNone() throws Exception {
        ConvShape s = ConvShape.conv(9, 3, 7, 6, 5, 3, 2, 1);
        Rng rng = new Rng(23);
        float[] x = gaussian(rng, s.xSize(), 1f), w = gaussian(rng, s.wSize(), 0.5f);
        float[] bias = gaussian(rng, s.outC(), 1f), dy = gaussian(rng, s.ySize(), 1f);
        java.util.function.Supplier<float[][]> all = () -> {
            float[] y = new float[s.ySize()], dx = new float[s.xSize()], dw = new float[s.wSize()];
            float[] dbias = new float[s.outC()];
            FAST_ONE_THREAD.conv2dForward(s, x, w, bias, y);
            FAST_ONE_THREAD.conv2dBackwardData(s, dy, w, dx);
            FAST_ONE_THREAD.conv2dBackwardWeights(s, x, dy, dw, dbias);
            return new float[][] {y, dx, dw, dbias};
        };
        float[][] here = all.get();
        float[][][] fresh = new float[1][][];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                fresh[0] = all.get();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) throw new AssertionError("on a fresh thread: " + failure[0], failure[0]);
        String[] names = {"y", "dx", "dw", "dbias"};
        for (int q = 0; q < names.length; q++) assertArrayEquals(here[q], fresh[0][q], names[q] + " on a fresh thread");
    }

    /** The VAE's layers (Conv2d 10→32 on 30×30, 32→64 on 15×15, stride 2, pad 1) at batch 3. */
    @Example
    void fastConvMatchesTheReferenceOnTheVaeGeometries() {
        for (ConvShape s : List.of(ConvShape.conv(3, 10, 30, 30, 32, 3, 2, 1),
                ConvShape.conv(3, 32, 15, 15, 64, 3, 2, 1),
                ConvShape.transposed(3, 64, 8, 8, 32, 3, 2, 1, 0),
                ConvShape.transposed(3, 32, 15, 15, 10, 3, 2, 1, 1))) {
            Rng rng = new Rng(7);
            float[] x = gaussian(rng, s.xSize(), 1f);
            float[] w = gaussian(rng, s.wSize(), 0.2f);
            float[] dy = gaussian(rng, s.ySize(), 1f);

            float[] yRef = new float[s.ySize()], yFast = new float[s.ySize()], yScale = new float[s.ySize()];
            ReferenceBackend.INSTANCE.conv2dForward(s, x, w, null, yRef);
            ReferenceBackend.INSTANCE.conv2dForward(s, abs(x), abs(w), null, yScale);
            FastCpuBackend.INSTANCE.conv2dForward(s, x, w, null, yFast);
            assertWithinRoundingOfReference("forward " + s, yFast, yRef, yScale, s.inC() * s.kH() * s.kW());

            float[] dxRef = new float[s.xSize()], dxFast = new float[s.xSize()], dxScale = new float[s.xSize()];
            ReferenceBackend.INSTANCE.conv2dBackwardData(s, dy, w, dxRef);
            ReferenceBackend.INSTANCE.conv2dBackwardData(s, abs(dy), abs(w), dxScale);
            FastCpuBackend.INSTANCE.conv2dBackwardData(s, dy, w, dxFast);
            assertWithinRoundingOfReference("backward data " + s, dxFast, dxRef, dxScale, s.outC() * s.kH() * s.kW());

            float[] dwRef = new float[s.wSize()], dwFast = new float[s.wSize()], dwScale = new float[s.wSize()];
            ReferenceBackend.INSTANCE.conv2dBackwardWeights(s, x, dy, dwRef, null);
            ReferenceBackend.INSTANCE.conv2dBackwardWeights(s, abs(x), abs(dy), dwScale, null);
            FastCpuBackend.INSTANCE.conv2dBackwardWeights(s, x, dy, dwFast, null);
            assertWithinRoundingOfReference("backward weights " + s, dwFast, dwRef, dwScale,
                    s.batch() * s.outH() * s.outW());
        }
    }

    @Example
    void fastConvGivesBitIdenticalResultsTwiceAndOnAnyThreadCount() {
        // Batch 32 of the VAE's second layer: big enough for the default backend to go parallel.
        ConvShape s = ConvShape.conv(32, 32, 15, 15, 64, 3, 2, 1);
        Rng rng = new Rng(11);
        float[] x = gaussian(rng, s.xSize(), 1f);
        float[] w = gaussian(rng, s.wSize(), 0.2f);
        float[] bias = gaussian(rng, s.outC(), 1f);
        float[] dy = gaussian(rng, s.ySize(), 1f);
        FastCpuBackend fourThreads = new FastCpuBackend(4);
        List<float[][]> runs = new ArrayList<>();
        for (FastCpuBackend backend : List.of(FastCpuBackend.INSTANCE, FastCpuBackend.INSTANCE, FAST_ONE_THREAD,
                fourThreads)) {
            float[] y = new float[s.ySize()];
            float[] dx = new float[s.xSize()];
            float[] dw = new float[s.wSize()];
            float[] dbias = new float[s.outC()];
            backend.conv2dForward(s, x, w, bias, y);
            backend.conv2dBackwardData(s, dy, w, dx);
            backend.conv2dBackwardWeights(s, x, dy, dw, dbias);
            runs.add(new float[][] {y, dx, dw, dbias});
        }
        String[] names = {"y", "dx", "dw", "dbias"};
        String[] runNames = {"second run", "1 thread", "4 threads"};
        for (int r = 1; r < runs.size(); r++) {
            for (int t = 0; t < names.length; t++) {
                assertArrayEquals(runs.get(0)[t], runs.get(r)[t], names[t] + ": first run vs " + runNames[r - 1]);
            }
        }
    }

    private static float[] filled(int n, float value) {
        float[] out = new float[n];
        Arrays.fill(out, value);
        return out;
    }

    private static void collectGeometry(ConvShape s) {
        Statistics.label("kernel").collect(s.kH() == 1 && s.kW() == 1 ? "1x1" : s.kH() == s.kW() ? "square" : "non-square");
        Statistics.label("stride").collect(s.stride());
        Statistics.label("pad").collect(s.pad());
        Statistics.label("batch").collect(s.batch() == 1 ? "1" : "> 1");
        // Kernel offset 0 reads only padding when even the last output's window starts above (left of) the image.
        Statistics.label("a kernel offset reads only padding").collect(
                (s.outH() - 1) * s.stride() < s.pad() || (s.outW() - 1) * s.stride() < s.pad());
        Statistics.label("size-1 dimension").collect(s.inC() == 1 || s.outC() == 1 || s.inH() == 1 || s.inW() == 1
                || s.outH() == 1 || s.outW() == 1);
        Statistics.label("kernel").coverage(c -> {
            c.check("1x1").count(n -> n > 0);
            c.check("non-square").count(n -> n > 0);
        });
        Statistics.label("stride").coverage(c -> {
            for (int st = 1; st <= 3; st++) c.check(st).count(n -> n > 0);
        });
        Statistics.label("pad").coverage(c -> {
            for (int p = 0; p <= 2; p++) c.check(p).count(n -> n > 0);
        });
        Statistics.label("batch").coverage(c -> {
            c.check("1").count(n -> n > 0);
            c.check("> 1").count(n -> n > 0);
        });
        Statistics.label("size-1 dimension").coverage(c -> c.check(true).count(n -> n > 0));
        Statistics.label("a kernel offset reads only padding").coverage(c -> c.check(true).count(n -> n > 0));
    }
}
