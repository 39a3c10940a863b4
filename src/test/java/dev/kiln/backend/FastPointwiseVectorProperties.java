package dev.kiln.backend;

import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;

import static dev.kiln.backend.EdgeFloats.FAST;
import static dev.kiln.backend.EdgeFloats.assertGuardIntact;
import static dev.kiln.backend.EdgeFloats.lengthClass;
import static dev.kiln.backend.EdgeFloats.withEdges;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The elementwise kernels of the fast backend (activations, axpy, scale) on the Vector API and on
 * their scalar twins, on one thread and on three, give the reference's float bits
 * (assertArrayEquals compares floats by {@link Float#floatToIntBits}: −0 ≠ +0, every NaN alike),
 * at every edge value and every length around the vector, chunk and parallel edges, and write
 * nothing past n.
 */
class FastPointwiseVectorProperties {

    @Provide
    Arbitrary<Integer> lengths() {
        return EdgeFloats.lengths();
    }

    /** Leaky slopes: the usual 0.01 and 0.2, 0 (ReLU as a leaky one), a negative and an odd one. */
    @Provide
    Arbitrary<Float> slopes() {
        return Arbitraries.of(0.01f, 0.2f, 0f, -0.5f, 0.3333f);
    }

    @Test
    void theVectorPathIsWhatTheseTestsRun() {
        assertTrue(EdgeFloats.VECTOR_ONE.vector(), "the test JVM must have jdk.incubator.vector (Surefire passes it)");
        assertTrue(!EdgeFloats.SCALAR_ONE.vector() && !EdgeFloats.SCALAR_THREE.vector());
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 80)
    void activationsAreTheReferenceBitForBitOnBothPathsAndAnyThreadCount(
            @ForAll Activation f, @ForAll("lengths") int n, @ForAll("slopes") float alpha,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = withEdges(rng, n, 3f);
        float[] dy = withEdges(rng, n, 1f);
        float[] dx0 = withEdges(rng, n, 1f);
        // σ and tanh backward read y = f(x) saved by the forward pass: give them valid outputs
        // (edge values included: σ(±∞) = 1, 0; σ(NaN) = NaN).
        float[] yRef = x.clone();
        ReferenceBackend.INSTANCE.activationForward(f, alpha, x, yRef, n);
        float[] dxRef = dx0.clone();
        ReferenceBackend.INSTANCE.activationBackward(f, alpha, x, yRef, dy, dxRef, n);
        for (FastCpuBackend fast : FAST) {
            String where = f + " (α " + alpha + "), n = " + n + ", " + fast.threads() + " threads, vector " + fast.vector();
            float[] y = x.clone();
            fast.activationForward(f, alpha, x, y, n);
            assertArrayEquals(yRef, y, where + " forward");
            float[] dx = dx0.clone();
            fast.activationBackward(f, alpha, x, yRef, dy, dx, n);
            assertArrayEquals(dxRef, dx, where + " backward");
            assertGuardIntact(dx, n, where + " backward");
        }
        Statistics.label("activation").collect(f);
        Statistics.label("length").collect(lengthClass(n));
        Statistics.label("length").coverage(c -> {
            c.check("0 or 1").count(k -> k > 0);
            c.check("around a chunk edge").count(k -> k > 0);
            c.check("above the threshold").count(k -> k > 0);
        });
        Statistics.label("NaN and −0 in x").collect(EdgeFloats.hasNaNAndSignedZero(x, n));
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 40)
    void axpyAndScaleAreTheReferenceBitForBitOnBothPathsAndAnyThreadCount(
            @ForAll("lengths") int n, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = withEdges(rng, n, 3f);
        float[] y0 = withEdges(rng, n, 3f);
        float alpha = rng.nextInt(4) == 0 ? -0f : (float) rng.nextGaussian();
        float[] axpyRef = y0.clone();
        ReferenceBackend.INSTANCE.axpy(alpha, x, axpyRef, n);
        float[] scaleRef = x.clone();
        ReferenceBackend.INSTANCE.scale(alpha, scaleRef, n);
        for (FastCpuBackend fast : FAST) {
            String where = "α " + alpha + ", n = " + n + ", " + fast.threads() + " threads, vector " + fast.vector();
            float[] y = y0.clone();
            fast.axpy(alpha, x, y, n);
            assertArrayEquals(axpyRef, y, "axpy " + where);
            assertGuardIntact(y, n, "axpy " + where);
            float[] s = x.clone();
            fast.scale(alpha, s, n);
            assertArrayEquals(scaleRef, s, "scale " + where);
            assertGuardIntact(s, n, "scale " + where);
        }
        Statistics.label("length").collect(lengthClass(n));
    }

    /**
     * Hand-computed values at the edges, one vector's worth and more (so the vector loop, not only
     * the scalar tail, meets them): ReLU maps −0 and NaN to +0; LeakyReLU keeps −0 (α·−0) and
     * NaN; ReLU backward leaves dx = −0 alone where x ≤ 0 (dx + 0 would make it +0).
     */
    @Test
    void edgeValuesGetTheReferencesSignsOfZeroAndNaNs() {
        int n = 67;                                              // 4 AVX-512 vectors + a tail of 3
        float[] x = new float[n], dy = new float[n], dxMinusZero = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 4) { case 0 -> -0f; case 1 -> Float.NaN; case 2 -> -2f; default -> 3f; };
            dy[i] = 5f;
            dxMinusZero[i] = -0f;
        }
        for (FastCpuBackend fast : FAST) {
            String where = fast.threads() + " threads, vector " + fast.vector();
            float[] relu = new float[n], leaky = new float[n];
            fast.activationForward(Activation.RELU, 0f, x, relu, n);
            fast.activationForward(Activation.LEAKY_RELU, 0.25f, x, leaky, n);
            float[] reluDx = dxMinusZero.clone(), leakyDx = dxMinusZero.clone();
            fast.activationBackward(Activation.RELU, 0f, x, relu, dy, reluDx, n);
            fast.activationBackward(Activation.LEAKY_RELU, 0.25f, x, leaky, dy, leakyDx, n);
            for (int i = 0; i < n; i++) {
                String at = where + ", x = " + x[i];
                switch (i % 4) {
                    case 0 -> {
                        assertEquals(0x00000000, Float.floatToRawIntBits(relu[i]), "relu(−0) = +0, " + at);
                        assertEquals(0x80000000, Float.floatToRawIntBits(leaky[i]), "leaky(−0) = −0, " + at);
                        assertEquals(0x80000000, Float.floatToRawIntBits(reluDx[i]), "relu' at −0 leaves dx = −0, " + at);
                        assertEquals(1.25f, leakyDx[i], at);
                    }
                    case 1 -> {
                        assertEquals(0f, relu[i], at);
                        assertTrue(Float.isNaN(leaky[i]), at);
                        assertEquals(0x80000000, Float.floatToRawIntBits(reluDx[i]), "relu' at NaN leaves dx, " + at);
                        assertEquals(1.25f, leakyDx[i], "leaky' at NaN is α, " + at);
                    }
                    case 2 -> {
                        assertEquals(0f, relu[i], at);
                        assertEquals(-0.5f, leaky[i], at);
                        assertEquals(0x80000000, Float.floatToRawIntBits(reluDx[i]), at);
                        assertEquals(1.25f, leakyDx[i], at);
                    }
                    default -> {
                        assertEquals(3f, relu[i], at);
                        assertEquals(3f, leaky[i], at);
                        assertEquals(5f, reluDx[i], at);
                        assertEquals(5f, leakyDx[i], at);
                    }
                }
            }
        }
    }

    /** σ' and tanh' from saved outputs, by hand: y(1 − y)·dy and (1 − y²)·dy, exact in binary. */
    @Test
    void sigmoidAndTanhBackwardFollowTheirFormulas() {
        int n = 35;
        float[] y = new float[n], dy = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (i % 2 == 0) ? 0.25f : -0.5f;
            dy[i] = 2f;
        }
        for (FastCpuBackend fast : FAST) {
            float[] dxS = new float[n], dxT = new float[n];
            java.util.Arrays.fill(dxS, 1f);
            java.util.Arrays.fill(dxT, 1f);
            fast.activationBackward(Activation.SIGMOID, 0f, null, y, dy, dxS, n);
            fast.activationBackward(Activation.TANH, 0f, null, y, dy, dxT, n);
            for (int i = 0; i < n; i++) {
                float yi = y[i];
                String at = fast.threads() + " threads, vector " + fast.vector() + ", y = " + yi;
                assertEquals(yi == 0.25f ? 1.375f : -0.5f, dxS[i], "1 + y(1 − y)·2, " + at);
                assertEquals(yi == 0.25f ? 2.875f : 2.5f, dxT[i], "1 + (1 − y²)·2, " + at);
            }
        }
    }
}
