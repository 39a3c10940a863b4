package dev.kiln.kernels.fast;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forward and backward data put S samples side by side in one GEMM ({@link FastConv#samplesPerGemm}).
 * Each output is the same sum over the same terms in the same order for every S, so the claim
 * tested here is bit-identity: any S (1, the old one-sample-per-GEMM path; a partial last group;
 * one group for the whole batch; S past the batch) gives the same bits as S = 1, on the Vector API
 * kernel and on its scalar twin, on 1 and 3 threads. (Agreement with the scalar reference is
 * {@code dev.kiln.backend.FastConvProperties}.)
 */
class FastConvGroupingProperties {

    private static final Workers ONE = Workers.SEQUENTIAL;
    private static final Workers THREE = new Workers(3, 0);
    private static final Workers THREE_SCALAR = new Workers(3, 0, false);
    private static final Workers ONE_SCALAR = new Workers(1, Long.MAX_VALUE, false);

    /** {batch, inC, inH, inW, outC, kH, kW, stride, pad}; the kernel fits the padded image. */
    @Provide
    Arbitrary<int[]> geometries() {
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 9);
        Arbitrary<Integer> channels = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> kernel = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> stride = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> pad = Arbitraries.integers().between(0, 2);
        Arbitrary<Integer> side = Arbitraries.integers().between(1, 9);
        return Combinators.combine(batch, channels, channels, kernel, kernel, stride, pad, side)
                .flatAs((b, inC, outC, kH, kW, st, p, h) -> side.map(w -> new int[] {
                        b, inC, Math.max(h, kH - 2 * p), Math.max(w, kW - 2 * p), outC, kH, kW, st, p}));
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 80)
    void forwardGivesTheSameBitsForAnyNumberOfSamplesPerGemm(@ForAll("geometries") int[] g,
                                                             @ForAll @IntRange(min = 2, max = 11) int samples,
                                                             @ForAll boolean withBias, @ForAll long seed) {
        int b = g[0], inC = g[1], inH = g[2], inW = g[3], outC = g[4], kH = g[5], kW = g[6], st = g[7], p = g[8];
        int outH = (inH + 2 * p - kH) / st + 1, outW = (inW + 2 * p - kW) / st + 1;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = random(rng, b * inC * inH * inW);
        float[] w = random(rng, outC * inC * kH * kW);
        float[] bias = withBias ? random(rng, outC) : null;
        int ySize = b * outC * outH * outW;
        for (Workers[] pair : new Workers[][] {{ONE, THREE}, {ONE_SCALAR, THREE_SCALAR}}) {
            float[] perSample = nans(ySize);
            FastConv.forward(pair[0], 1, b, inC, inH, inW, outC, kH, kW, st, p, outH, outW, x, w, bias, perSample);
            for (Workers workers : pair) {
                float[] grouped = nans(ySize);      // forward overwrites: nothing stale may survive
                FastConv.forward(workers, samples, b, inC, inH, inW, outC, kH, kW, st, p, outH, outW, x, w, bias,
                        grouped);
                assertArrayEquals(perSample, grouped, "forward, S = " + samples + ", " + workers.threads()
                        + " threads, vector " + workers.vector() + ", " + Arrays.toString(g));
            }
        }
        collect(b, samples);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 80)
    void backwardDataGivesTheSameBitsForAnyNumberOfSamplesPerGemm(@ForAll("geometries") int[] g,
                                                                  @ForAll @IntRange(min = 2, max = 11) int samples,
                                                                  @ForAll long seed) {
        int b = g[0], inC = g[1], inH = g[2], inW = g[3], outC = g[4], kH = g[5], kW = g[6], st = g[7], p = g[8];
        int outH = (inH + 2 * p - kH) / st + 1, outW = (inW + 2 * p - kW) / st + 1;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] dy = random(rng, b * outC * outH * outW);
        float[] w = random(rng, outC * inC * kH * kW);
        float[] dx0 = random(rng, b * inC * inH * inW);          // backward data adds into dx
        for (Workers[] pair : new Workers[][] {{ONE, THREE}, {ONE_SCALAR, THREE_SCALAR}}) {
            float[] perSample = dx0.clone();
            FastConv.backwardData(pair[0], 1, b, inC, inH, inW, outC, kH, kW, st, p, outH, outW, dy, w, perSample);
            for (Workers workers : pair) {
                float[] grouped = dx0.clone();
                FastConv.backwardData(workers, samples, b, inC, inH, inW, outC, kH, kW, st, p, outH, outW, dy, w,
                        grouped);
                assertArrayEquals(perSample, grouped, "backward data, S = " + samples + ", " + workers.threads()
                        + " threads, vector " + workers.vector() + ", " + Arrays.toString(g));
            }
        }
        collect(b, samples);
    }

    /** S is at least 1, at most GEMM_SAMPLES, about GEMM_COLUMNS columns, and leaves a group per thread. */
    @Property(tries = 200)
    void samplesPerGemmStaysInItsBounds(@ForAll @IntRange(min = 1, max = 600) int batch,
                                        @ForAll @IntRange(min = 1, max = 5000) int positions,
                                        @ForAll @IntRange(min = 1, max = 32) int threads) {
        int s = FastConv.samplesPerGemm(batch, positions, threads);
        assertTrue(s >= 1 && s <= FastConv.GEMM_SAMPLES, "S = " + s);
        assertTrue(s == 1 || s * positions <= FastConv.GEMM_COLUMNS, "S·P = " + s * positions);
        assertTrue(Workers.ceilDiv(batch, s) >= Math.min(batch, threads), "groups for " + threads + " threads");
    }

    /** The ARC VAE's layers on 2 threads: P = 225 (30×30 → 15×15) and P = 64 (15×15 → 8×8). */
    @Example
    void samplesPerGemmOnTheArcLayers() {
        assertEquals(4, FastConv.samplesPerGemm(128, 225, 2));     // 900 columns
        assertEquals(16, FastConv.samplesPerGemm(128, 64, 2));     // 1024 columns
        assertEquals(16, FastConv.samplesPerGemm(32, 64, 2));      // two groups of 16
        assertEquals(8, FastConv.samplesPerGemm(32, 64, 4));       // a group per thread
        assertEquals(1, FastConv.samplesPerGemm(1, 64, 2));
        assertEquals(1, FastConv.samplesPerGemm(128, 4096, 2));    // one sample is already 4096 columns
    }

    private static void collect(int batch, int samples) {
        String regime = samples >= batch ? "one group" : batch % samples == 0 ? "full groups" : "a partial last group";
        Statistics.label("groups").collect(regime);
        Statistics.label("groups").coverage(c -> {
            c.check("one group").count(n -> n > 0);
            c.check("full groups").count(n -> n > 0);
            c.check("a partial last group").count(n -> n > 0);
        });
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
