package dev.kiln.backend;

import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

import static dev.kiln.backend.ReferenceComparison.FAST_ALWAYS_PARALLEL;
import static dev.kiln.backend.ReferenceComparison.FAST_ONE_THREAD;
import static dev.kiln.testing.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Every kernel of the fast backend other than GEMM and convolution computes each element with the
 * reference's own float expression (or is the reference), so it must agree with
 * {@link ReferenceBackend} bit for bit, on one thread and on three, at extreme values too.
 */
class FastElementwiseProperties {

    /** Values the activations and softmax meet at their edges. */
    private static final float[] EXTREMES = {0f, -0f, 100f, -100f, 1e30f, -1e30f, Float.MIN_VALUE, 88.7f, -103f};

    /** Array lengths: empty, 1, small, and around the 8192-element chunk edges of the parallel loops. */
    @Provide
    Arbitrary<Integer> elementwiseLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(0, 1)),
                Tuple.of(2, Arbitraries.integers().between(2, 100)),
                Tuple.of(2, Arbitraries.of(8191, 8192, 8193, 2 * 8192 + 1, 3 * 8192 + 5)));
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60)
    void fastActivationsAreTheReferenceBitForBit(@ForAll Activation f, @ForAll("elementwiseLengths") int n,
                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float alpha = 0.01f;
        float[] x = withExtremes(gaussian(rng, n, 5f), rng);
        float[] dy = gaussian(rng, n, 1f);
        float[] dx0 = gaussian(rng, n, 1f);

        float[] yRef = new float[n];
        ReferenceBackend.INSTANCE.activationForward(f, alpha, x, yRef, n);
        float[] dxRef = dx0.clone();
        ReferenceBackend.INSTANCE.activationBackward(f, alpha, x, yRef, dy, dxRef, n);
        for (FastCpuBackend fast : new FastCpuBackend[] {FAST_ONE_THREAD, FAST_ALWAYS_PARALLEL}) {
            float[] y = new float[n];
            fast.activationForward(f, alpha, x, y, n);
            float[] dx = dx0.clone();
            fast.activationBackward(f, alpha, x, yRef, dy, dx, n);
            assertArrayEquals(yRef, y, f + " forward, n = " + n + ", " + fast.threads() + " threads");
            assertArrayEquals(dxRef, dx, f + " backward, n = " + n + ", " + fast.threads() + " threads");
        }
        Statistics.label("activation").collect(f);
        Statistics.label("length").collect(n < 2 ? "0 or 1" : n <= 100 ? "small" : "around a chunk edge");
        Statistics.label("length").coverage(c -> {
            c.check("0 or 1").count(k -> k > 0);
            c.check("around a chunk edge").count(k -> k > 0);
        });
    }

    /** [rows, classes, inner] shapes: MLP logits (inner 1), small images, and a 30×30 decoder output. */
    @Provide
    Arbitrary<int[]> classAxisShapes() {
        Arbitrary<Integer> rows = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> classes = Arbitraries.integers().between(1, 12);
        Arbitrary<Integer> inner = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(2, Arbitraries.integers().between(2, 30)),
                Tuple.of(2, Arbitraries.just(900)));
        return net.jqwik.api.Combinators.combine(rows, classes, inner).as((r, c, s) -> new int[] {r, c, s});
    }

    @StatisticsReport(onFailureOnly = true)
    // Purely random tries (no edge-case mixing), so that each try draws inner = 900 with
    // probability 1/3 and the coverage check below fails by chance with probability (2/3)^40 < 1e-7.
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void fastClassAxisKernelsAreTheReferenceBitForBit(@ForAll("classAxisShapes") int[] shape,
                                                      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int rows = shape[0], classes = shape[1], inner = shape[2];
        int n = rows * classes * inner;
        Rng rng = new Rng(seed);
        float[] x = withExtremes(gaussian(rng, n, 5f), rng);
        if (n > 0 && rng.nextInt(2) == 0) {                     // one fibre fully masked: logsumexp −∞
            for (int c = 0; c < classes; c++) x[c * inner] = Float.NEGATIVE_INFINITY;
        }
        float[] lseRef = new float[rows * inner];
        float[] softmaxRef = new float[n];
        float[] logSoftmaxRef = new float[n];
        ReferenceBackend.INSTANCE.logSumExp(x, rows, classes, inner, lseRef);
        ReferenceBackend.INSTANCE.softmax(x, rows, classes, inner, softmaxRef);
        ReferenceBackend.INSTANCE.logSoftmax(x, rows, classes, inner, logSoftmaxRef);
        for (FastCpuBackend fast : new FastCpuBackend[] {FAST_ONE_THREAD, FAST_ALWAYS_PARALLEL}) {
            float[] lse = new float[rows * inner];
            float[] softmax = new float[n];
            float[] logSoftmax = new float[n];
            fast.logSumExp(x, rows, classes, inner, lse);
            fast.softmax(x, rows, classes, inner, softmax);
            fast.logSoftmax(x, rows, classes, inner, logSoftmax);
            String where = "[" + rows + ", " + classes + ", " + inner + "], " + fast.threads() + " threads";
            assertArrayEquals(lseRef, lse, "logSumExp " + where);
            assertArrayEquals(softmaxRef, softmax, "softmax " + where);
            assertArrayEquals(logSoftmaxRef, logSoftmax, "logSoftmax " + where);
        }
        Statistics.label("inner").collect(inner == 1 ? "1" : inner == 900 ? "900" : "2..30");
        Statistics.label("inner").coverage(c -> {
            c.check("1").count(k -> k > 0);
            c.check("900").count(k -> k > 0);
        });
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 40)
    void kernelsTheFastBackendDelegatesAreTheReferenceBitForBit(@ForAll("elementwiseLengths") int n,
                                                               @ForAll boolean decoupled,
                                                               @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = gaussian(rng, n, 3f);
        float[] y = gaussian(rng, n, 3f);
        Backend reference = ReferenceBackend.INSTANCE;
        Backend fast = FAST_ALWAYS_PARALLEL;

        float[] axpyRef = y.clone(), axpyFast = y.clone();
        reference.axpy(0.3f, x, axpyRef, n);
        fast.axpy(0.3f, x, axpyFast, n);
        assertArrayEquals(axpyRef, axpyFast, "axpy");

        float[] scaleRef = x.clone(), scaleFast = x.clone();
        reference.scale(-1.7f, scaleRef, n);
        fast.scale(-1.7f, scaleFast, n);
        assertArrayEquals(scaleRef, scaleFast, "scale");

        // sum and sumSquares add in another order than the reference: FastReduceProperties.

        float[] klRef = new float[n], klFast = new float[n];
        reference.gaussianKl(x, y, klRef, n);
        fast.gaussianKl(x, y, klFast, n);
        assertArrayEquals(klRef, klFast, "gaussianKl");
        float[] dmuRef = new float[n], dmuFast = new float[n], dlvRef = new float[n], dlvFast = new float[n];
        reference.gaussianKlBackward(x, y, klRef, dmuRef, dlvRef, n);
        fast.gaussianKlBackward(x, y, klRef, dmuFast, dlvFast, n);
        assertArrayEquals(dmuRef, dmuFast, "gaussianKlBackward dmu");
        assertArrayEquals(dlvRef, dlvFast, "gaussianKlBackward dlogVar");

        float[] g = gaussian(rng, n, 1f);
        float[] pRef = x.clone(), pFast = x.clone(), mRef = new float[n], mFast = new float[n];
        float[] vRef = new float[n], vFast = new float[n];
        reference.adamStep(pRef, g, mRef, vRef, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 0.1f, 0.001f);
        fast.adamStep(pFast, g, mFast, vFast, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 0.1f, 0.001f);
        assertArrayEquals(pRef, pFast, "adam p");
        assertArrayEquals(mRef, mFast, "adam m");
        assertArrayEquals(vRef, vFast, "adam v");

        float[] sRef = x.clone(), sFast = x.clone(), bufRef = y.clone(), bufFast = y.clone();
        reference.sgdStep(sRef, g, bufRef, n, 0.1f, 0.9f, 1e-4f);
        fast.sgdStep(sFast, g, bufFast, n, 0.1f, 0.9f, 1e-4f);
        assertArrayEquals(sRef, sFast, "sgd p");
        assertArrayEquals(bufRef, bufFast, "sgd buf");
    }

    /** Replaces about one value in seven with one of {@link #EXTREMES}. */
    private static float[] withExtremes(float[] x, Rng rng) {
        for (int i = 0; i < x.length; i++) {
            if (rng.nextInt(7) == 0) x[i] = EXTREMES[rng.nextInt(EXTREMES.length)];
        }
        return x;
    }
}
