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
 * Every kernel of the fast backend other than GEMM, convolution, the class-axis kernels and the
 * losses computes each element with the reference's own float expression (or is the reference), so
 * it must agree with
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

    // The class-axis kernels (logsumexp, softmax, log-softmax) and the losses run float FastMath in
    // the fast backend: FastLossProperties checks them against the reference within derived bounds.

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
