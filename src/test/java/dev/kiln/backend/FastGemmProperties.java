package dev.kiln.backend;

import dev.kiln.kernels.fast.FastGemm;
import dev.kiln.kernels.fast.Workers;
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

import java.util.Arrays;

import static dev.kiln.backend.ReferenceComparison.FAST_ALWAYS_PARALLEL;
import static dev.kiln.backend.ReferenceComparison.FAST_ONE_THREAD;
import static dev.kiln.backend.ReferenceComparison.FAST_SCALAR_PARALLEL;
import static dev.kiln.testing.TestArrays.abs;
import static dev.kiln.backend.ReferenceComparison.assertWithinRoundingOfReference;
import static dev.kiln.testing.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast GEMM against the scalar reference {@link dev.kiln.kernels.Gemm}. */
class FastGemmProperties {

    /**
     * The fast GEMM sums p in blocks of this many values (FastGemm.KC), each block from 0, and then
     * adds the block sums: a rounding depth of {@link #summationDepth} instead of K.
     */
    private static final int BLOCK = 128;

    /** Floats past the end of C that no GEMM may touch. */
    private static final int GUARD = 5;

    /** One GEMM call: C[M, N] = op(A)·op(B) (+ C), each array read from its offset. */
    record GemmCase(boolean transA, boolean transB, int m, int n, int k, int aOff, int bOff, int cOff,
                    boolean accumulate, long seed) {}

    /** Dimensions: 0 and 1 often, small and medium, and sometimes past the tile sizes (16, 128, 256). */
    @Provide
    Arbitrary<Integer> gemmDimensions() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(0, 2)),
                Tuple.of(5, Arbitraries.integers().between(3, 40)),
                Tuple.of(1, Arbitraries.integers().between(100, 300)));
    }

    @Provide
    Arbitrary<GemmCase> gemmCases() {
        Arbitrary<Integer> dim = gemmDimensions();
        Arbitrary<int[]> offsets = Arbitraries.integers().between(0, 7).array(int[].class).ofSize(3);
        return Combinators.combine(Arbitraries.integers().between(0, 3), dim, dim, dim, offsets,
                        Arbitraries.of(false, true), Arbitraries.longs())
                .as((transposes, m, n, k, off, accumulate, seed) -> new GemmCase((transposes & 1) != 0,
                        (transposes & 2) != 0, m, n, k, off[0], off[1], off[2], accumulate, seed))
                .filter(g -> (long) g.m() * g.n() * g.k() <= 2_000_000);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 80)
    void fastGemmMatchesTheReferenceForEveryTransposeShapeAndOffset(@ForAll("gemmCases") GemmCase g) {
        matchesTheReference(g);
        Statistics.label("transA, transB").collect(g.transA(), g.transB());
        Statistics.label("accumulate").collect(g.accumulate());
        Statistics.label("a zero dimension").collect(g.m() == 0 || g.n() == 0 || g.k() == 0);
        Statistics.label("a dimension of 1").collect(g.m() == 1 || g.n() == 1 || g.k() == 1);
        Statistics.label("past a tile or block edge").collect(g.m() > 16 || g.n() > 256 || g.k() > BLOCK);
        Statistics.label("transA, transB").coverage(c -> {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) c.check(ta, tb).count(n -> n > 0);
            }
        });
        Statistics.label("a zero dimension").coverage(c -> c.check(true).count(n -> n > 0));
        Statistics.label("a dimension of 1").coverage(c -> c.check(true).count(n -> n > 0));
        Statistics.label("past a tile or block edge").coverage(c -> c.check(true).count(n -> n > 0));
    }

    @Example
    void theTestsRunTheVectorApiKernelsAndTheirScalarTwins() {
        assertTrue(FAST_ONE_THREAD.vector(), "Surefire runs with --add-modules jdk.incubator.vector");
        assertTrue(FAST_ALWAYS_PARALLEL.vector());
        assertFalse(FAST_SCALAR_PARALLEL.vector());
    }

    /**
     * Which path ran, told apart by one rounding: with a = 1 + 2⁻¹², a² = 1 + 2⁻¹¹ + 2⁻²⁴ needs 25
     * bits. The sum (−1)·1 + a·a is 2⁻¹¹ + 2⁻²⁴ with fused multiply-adds (the Vector API kernel) and
     * 2⁻¹¹ when a·a is rounded first (the scalar twin: a² → 1 + 2⁻¹¹, a tie to even).
     */
    @Example
    void theVectorKernelFusesEachMultiplyWithItsAddAndTheScalarTwinDoesNot() {
        float a = 1f + 0x1p-12f;
        float[] row = {-1f, a};                                  // A [1, 2]
        float[] col = {1f, a};                                   // B [2, 1]
        float[] fused = new float[1], rounded = new float[1];
        FAST_ONE_THREAD.gemm(false, false, 1, 1, 2, row, 0, col, 0, fused, 0, false);
        FAST_SCALAR_PARALLEL.gemm(false, false, 1, 1, 2, row, 0, col, 0, rounded, 0, false);
        assertEquals(0x1p-11f + 0x1p-24f, fused[0], "Vector API kernel");
        assertEquals(0x1p-11f, rounded[0], "scalar twin");
    }

    /**
     * The narrow heads (Linear 4096→32, batch 32: M = N = 32, K = 4096) and a tile edge in every
     * direction, against the reference on both paths and bit for bit on 1 and 3 threads.
     */
    @Example
    void narrowAndRaggedShapesMatchTheReferenceOnBothPaths() {
        int[][] shapes = {{32, 32, 4096}, {1, 1, 4096}, {17, 257, 129}, {5, 33, 7}, {4, 31, 300}, {3, 16, 1}};
        Rng rng = new Rng(9);
        for (int[] shape : shapes) {
            int m = shape[0], n = shape[1], k = shape[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    GemmCase g = new GemmCase(transA, transB, m, n, k, 1, 2, 3, true, 0);
                    float[] a = gaussian(rng, 1 + m * k, 1f);
                    float[] b = gaussian(rng, 2 + k * n, 1f);
                    float[] c0 = gaussian(rng, 3 + m * n + GUARD, 1f);
                    float[] reference = c0.clone();
                    gemm(ReferenceBackend.INSTANCE, g, a, b, reference);
                    float[] absScale = new float[c0.length];
                    for (int i = 3; i < 3 + m * n; i++) absScale[i] = Math.abs(c0[i]);
                    gemm(ReferenceBackend.INSTANCE, g, abs(a), abs(b), absScale);
                    float[] one = c0.clone(), three = c0.clone(), scalar = c0.clone();
                    gemm(FAST_ONE_THREAD, g, a, b, one);
                    gemm(FAST_ALWAYS_PARALLEL, g, a, b, three);
                    gemm(FAST_SCALAR_PARALLEL, g, a, b, scalar);
                    assertWithinRoundingOfReference("vector " + g, one, reference, absScale, summationDepth(k));
                    assertWithinRoundingOfReference("scalar " + g, scalar, reference, absScale, summationDepth(k));
                    assertArrayEquals(one, three, "1 and 3 threads: " + g);
                }
            }
        }
    }

    /**
     * The edges of the Vector API kernel, which writes its block sums straight into C: N one below,
     * at and one above a multiple of the 2-vector panel (32 columns with AVX-512, 16 with AVX2) and
     * of the tile width 256, so the last panel of a tile goes through the tail buffer; M from 1 to 9
     * (groups of four rows, then single rows); K at and around the block of 128 (the first block is
     * stored, later ones added). Accumulating and not, against the reference on both paths, 1 vs 3
     * threads bit for bit, and the guard band past C untouched.
     */
    @Example
    void theVectorKernelsPanelTileAndBlockEdgesMatchTheReference() {
        int[] ns = {1, 15, 16, 17, 31, 32, 33, 63, 255, 256, 257, 289};
        int[] ms = {1, 2, 3, 4, 5, 7, 8, 9};
        int[] ks = {1, 127, 128, 129, 257};
        Rng rng = new Rng(17);
        int cases = 0;
        for (int n : ns) {
            for (int m : ms) {
                int k = ks[(n + m) % ks.length];
                boolean accumulate = (n + m) % 2 == 0;
                boolean transA = n % 2 == 0, transB = m % 3 == 0;
                GemmCase g = new GemmCase(transA, transB, m, n, k, 3, 1, 2, accumulate, 0);
                float[] a = gaussian(rng, 3 + m * k, 1f);
                float[] b = gaussian(rng, 1 + k * n, 1f);
                float[] c0 = gaussian(rng, 2 + m * n + GUARD, 1f);
                float[] reference = c0.clone();
                gemm(ReferenceBackend.INSTANCE, g, a, b, reference);
                float[] absScale = new float[c0.length];
                if (accumulate) {
                    for (int i = 2; i < 2 + m * n; i++) absScale[i] = Math.abs(c0[i]);
                }
                gemm(ReferenceBackend.INSTANCE, g, abs(a), abs(b), absScale);
                float[] one = c0.clone(), three = c0.clone(), scalar = c0.clone();
                gemm(FAST_ONE_THREAD, g, a, b, one);
                gemm(FAST_ALWAYS_PARALLEL, g, a, b, three);
                gemm(FAST_SCALAR_PARALLEL, g, a, b, scalar);
                assertWithinRoundingOfReference("vector " + g, one, reference, absScale, summationDepth(k));
                assertWithinRoundingOfReference("scalar " + g, scalar, reference, absScale, summationDepth(k));
                assertArrayEquals(one, three, "1 and 3 threads: " + g);
                cases++;
            }
        }
        assertEquals(ns.length * ms.length, cases);
    }

    /**
     * The GEMM's scratch (packed B, the tail buffer of a partial last panel, the scalar twin's
     * accumulator rows) is sized by the call itself: on a thread that has run no kernel yet, the
     * result is the same as on this thread, on both paths. M = 6 (a group of four rows and two
     * single rows), N = 37 (a partial panel), K = 130 (two blocks), accumulating.
     */
    @Example
    void theGemmSizesItsScratchOnAThreadThatHasNone() throws Exception {
        int m = 6, n = 37, k = 130;
        Rng rng = new Rng(29);
        float[] a = gaussian(rng, m * k, 1f), b = gaussian(rng, k * n, 1f), c0 = gaussian(rng, m * n, 1f);
        for (FastCpuBackend fast : new FastCpuBackend[] {FAST_ONE_THREAD, new FastCpuBackend(1, Long.MAX_VALUE, false)}) {
            float[] here = c0.clone(), fresh = c0.clone();
            fast.gemm(false, true, m, n, k, a, 0, b, 0, here, 0, true);
            Throwable[] failure = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    fast.gemm(false, true, m, n, k, a, 0, b, 0, fresh, 0, true);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            t.start();
            t.join();
            if (failure[0] != null) throw new AssertionError("on a fresh thread: " + failure[0], failure[0]);
            assertArrayEquals(here, fresh, "vector " + fast.vector() + ", on a fresh thread");
        }
    }

    /** One case: the fast GEMM on 1 and 3 threads and its scalar twin, each against the reference. */
    private void matchesTheReference(GemmCase g) {
        Rng rng = new Rng(g.seed());
        float[] a = gaussian(rng, g.aOff() + g.m() * g.k(), 1f);
        float[] b = gaussian(rng, g.bOff() + g.k() * g.n(), 1f);
        float[] c0 = gaussian(rng, g.cOff() + g.m() * g.n() + GUARD, 1f);

        float[] reference = c0.clone();
        gemm(ReferenceBackend.INSTANCE, g, a, b, reference);
        // Σ|a·b| (+ |c| when accumulating) over C's range, 0 elsewhere: the scale of the rounding error.
        float[] absScale = new float[c0.length];
        if (g.accumulate()) {
            for (int i = g.cOff(); i < g.cOff() + g.m() * g.n(); i++) absScale[i] = Math.abs(c0[i]);
        }
        ReferenceBackend.INSTANCE.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), abs(a), g.aOff(), abs(b),
                g.bOff(), absScale, g.cOff(), true);
        float[] sequential = c0.clone();
        gemm(FAST_ONE_THREAD, g, a, b, sequential);
        float[] parallel = c0.clone();
        gemm(FAST_ALWAYS_PARALLEL, g, a, b, parallel);

        float[] scalar = c0.clone();
        gemm(FAST_SCALAR_PARALLEL, g, a, b, scalar);

        assertWithinRoundingOfReference("gemm " + g, sequential, reference, absScale, summationDepth(g.k()));
        assertWithinRoundingOfReference("scalar twin, gemm " + g, scalar, reference, absScale, summationDepth(g.k()));
        assertArrayEquals(sequential, parallel, "gemm on 1 and 3 threads must agree bit for bit: " + g);
    }

    /**
     * Every edge of the packed kernel at once, for every transpose and accumulate mode: three
     * blocks of p (the last partial), two column tiles (the second partial, its last panel too),
     * two row tiles (the second with a partial sliver of 6 rows), offsets into every array; and
     * the same shape with K = 0 (C = 0, or C unchanged when accumulating).
     */
    @Example
    void theVectorKernelsEdgesAllAtOnceMatchTheReference() {
        for (int modes = 0; modes < 8; modes++) {
            matchesTheReference(new GemmCase((modes & 1) != 0, (modes & 2) != 0,
                    23, 263, 300, 3, 5, 7, (modes & 4) != 0, 11L + modes));
            matchesTheReference(new GemmCase((modes & 1) != 0, (modes & 2) != 0,
                    23, 263, 0, 3, 5, 7, (modes & 4) != 0, 19L + modes));
        }
    }

    @Example
    void aPackedBWithRowsShorterThanTheKernelNeedsIsRefused() {
        int n = 3;
        float[][] bRows = {new float[n - 1], new float[n]};
        float[] c = new float[n];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastGemm.gemmPackedB(
                new Workers(1, 0), false, 1, n, 2, new float[2], 0, bRows, c, 0, false));
        assertTrue(e.getMessage().contains("packed B row 0 has 2 floats"), e.getMessage());
    }

    @Example
    void fastGemmGivesBitIdenticalResultsTwiceAndOnAnyThreadCount() {
        // Large enough (256³) that the default backend really goes parallel.
        int m = 256, n = 256, k = 256;
        Rng rng = new Rng(42);
        float[] a = gaussian(rng, m * k, 1f);
        float[] b = gaussian(rng, n * k, 1f);
        for (boolean transB : new boolean[] {false, true}) {
            float[] first = new float[m * n];
            float[] second = new float[m * n];
            float[] oneThread = new float[m * n];
            float[] fourThreads = new float[m * n];
            FastCpuBackend.INSTANCE.gemm(false, transB, m, n, k, a, 0, b, 0, first, 0, false);
            FastCpuBackend.INSTANCE.gemm(false, transB, m, n, k, a, 0, b, 0, second, 0, false);
            FAST_ONE_THREAD.gemm(false, transB, m, n, k, a, 0, b, 0, oneThread, 0, false);
            new FastCpuBackend(4).gemm(false, transB, m, n, k, a, 0, b, 0, fourThreads, 0, false);
            assertArrayEquals(first, second, "two runs, transB = " + transB);
            assertArrayEquals(first, oneThread, "default threads vs 1 thread, transB = " + transB);
            assertArrayEquals(first, fourThreads, "default threads vs 4 threads, transB = " + transB);
        }
    }

    /**
     * The batch-128 drift (issue 11): one running float sum over K = 4096 loses what a blocked sum
     * keeps. Row 0 of A is 1 followed by 4095 values of 2⁻²⁴ (half an ulp of 1), B is all ones:
     * the exact product is 1 + 4095·2⁻²⁴, a running sum stays at 1.0 (every 1 + 2⁻²⁴ rounds back
     * to 1, an error of 2.4e-4), and blocks of 128 lose only the first block's 127·2⁻²⁴. The bound
     * with the blocked depth (128 + 32 + 2)·2⁻²³ ≈ 1.9e-5 lets the second through, not the first.
     * Row 1 puts the 1 last instead (the small terms add up first).
     */
    @Example
    void aLongDotProductIsSummedInBlocksNotInOneRunningSum() {
        int m = 2, n = 3, k = 4096;
        float tiny = 0x1p-24f;
        float[] a = new float[m * k];
        Arrays.fill(a, tiny);
        a[0] = 1f;                       // A[0, 0]: the big term first
        a[k + k - 1] = 1f;               // A[1, K−1]: the big term last
        float[] b = new float[k * n];
        Arrays.fill(b, 1f);
        double exact = 1 + 4095 * (double) tiny;
        float[] reference = new float[m * n];
        ReferenceBackend.INSTANCE.gemm(false, false, m, n, k, a, 0, b, 0, reference, 0, false);
        for (FastCpuBackend fast : new FastCpuBackend[] {FAST_ONE_THREAD, FAST_ALWAYS_PARALLEL, FAST_SCALAR_PARALLEL}) {
            float[] c = new float[m * n];
            fast.gemm(false, false, m, n, k, a, 0, b, 0, c, 0, false);
            float[] absScale = new float[m * n];
            Arrays.fill(absScale, (float) exact);
            assertWithinRoundingOfReference("1 + 4095·2⁻²⁴ on " + fast.threads() + " threads, vector " + fast.vector(), c, reference,
                    absScale, summationDepth(k));
        }
    }

    /** How many roundings deep a sum of k terms is in the fast GEMM: BLOCK within a block, then one per block. */
    static int summationDepth(int k) {
        return Math.min(k, BLOCK + (k + BLOCK - 1) / BLOCK);
    }

    private static void gemm(Backend backend, GemmCase g, float[] a, float[] b, float[] c) {
        backend.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), a, g.aOff(), b, g.bOff(), c, g.cOff(),
                g.accumulate());
    }
}
