package dev.kiln.optim;

import dev.kiln.nn.Param;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.statistics.Statistics;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerProperties {

    /** Gradients spanning six orders of magnitude, both signs, never within eps of zero. */
    @Provide
    Arbitrary<float[]> gradients() {
        Arbitrary<Float> magnitude = Arbitraries.floats().between(-3f, 3f).ofScale(4)
                .map(e -> (float) Math.pow(10, e));
        Arbitrary<Float> signed = Arbitraries.of(-1f, 1f).flatMap(s -> magnitude.map(m -> s * m));
        return signed.array(float[].class).ofMinSize(1).ofMaxSize(16);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 200)
    void adamFirstStepMovesEachParameterByLrTimesSignOfGradient(@ForAll("gradients") float[] g,
                                                                @ForAll @FloatRange(min = 1e-4f, max = 1e-1f) @net.jqwik.api.constraints.Scale(6) float lr) {
        Param p = param(g.length, 0.5f);
        System.arraycopy(g, 0, p.grad, 0, g.length);
        new Adam(List.of(p), Adam.Config.adam(lr)).step();
        for (int i = 0; i < g.length; i++) {
            double moved = 0.5 - p.value.data[i];
            assertEquals(lr * Math.signum(g[i]), moved, lr * 1e-3, "param " + i + " with gradient " + g[i]);
        }
        Statistics.label("smallest |g|").collect(Math.abs(g[0]) < 1e-2 ? "< 1e-2" : ">= 1e-2");
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 100)
    void adamWDecayIsDecoupledFromTheGradientScale(@ForAll("gradients") float[] g,
                                                   @ForAll @FloatRange(min = 1f, max = 1000f) float gradScale) {
        // AdamW: the decay lr·wd·p is added beside the normalized Adam step, so scaling the
        // gradient (which Adam's update ignores) cannot change the decay either.
        float lr = 0.01f, wd = 0.1f;
        Param a = param(g.length, 2f);
        Param b = param(g.length, 2f);
        for (int i = 0; i < g.length; i++) {
            a.grad[i] = g[i];
            b.grad[i] = g[i] * gradScale;
        }
        new Adam(List.of(a), Adam.Config.adamW(lr, wd)).step();
        new Adam(List.of(b), Adam.Config.adamW(lr, wd)).step();
        for (int i = 0; i < g.length; i++) {
            double expected = 2f - lr * (Math.signum(g[i]) + wd * 2f);
            assertEquals(expected, a.value.data[i], 1e-5);
            assertEquals(a.value.data[i], b.value.data[i], 1e-5);
        }
    }

    @Example
    void adamWithZeroGradientShrinksByExactlyLrTimesWdButCoupledAdamDoesNot() {
        float lr = 0.01f, wd = 0.1f;
        Param decoupled = param(3, 4f);
        Param coupled = param(3, 4f);
        new Adam(List.of(decoupled), Adam.Config.adamW(lr, wd)).step();
        new Adam(List.of(coupled), new Adam.Config(lr, 0.9f, 0.999f, 1e-8f, wd, false)).step();
        for (int i = 0; i < 3; i++) {
            assertEquals(4f * (1 - lr * wd), decoupled.value.data[i], Tolerances.F32);
            // coupled L2: g' = wd·p is normalized by Adam, so the first step is lr·sign(p) = 0.01
            assertEquals(4f - lr, coupled.value.data[i], Tolerances.F32);
        }
    }

    @Example
    void adamSecondStepMatchesHandComputedMoments() {
        Param p = param(1, 1f);
        Adam adam = new Adam(List.of(p), new Adam.Config(0.1f, 0.9f, 0.999f, 1e-8f, 0f, false));
        p.grad[0] = 2f;
        adam.step();
        p.grad[0] = -1f;
        adam.step();
        double m = 0.9 * (0.1 * 2) + 0.1 * -1;              // 0.08
        double v = 0.999 * (0.001 * 4) + 0.001 * 1;          // 0.004996
        double mHat = m / (1 - 0.81), vHat = v / (1 - 0.998001);
        double expected = 1 - 0.1 - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
        assertEquals(expected, p.value.data[0], 1e-5);
        assertEquals(2, adam.stepCount());
    }

    @Example
    void sgdMomentumAccumulatesVelocity() {
        Param p = param(1, 1f);
        Sgd sgd = new Sgd(List.of(p), new Sgd.Config(0.1f, 0.9f, 0f));
        p.grad[0] = 1f;
        sgd.step();                 // buf = 1,   p = 0.9
        sgd.step();                 // buf = 1.9, p = 0.71
        assertEquals(0.71f, p.value.data[0], Tolerances.F32);
    }

    @Example
    void sgdCountsItsStepsAndAppliesCoupledWeightDecay() {
        Param p = param(1, 2f);
        Sgd sgd = new Sgd(List.of(p), new Sgd.Config(0.1f, 0f, 0.25f));
        assertEquals(0, sgd.stepCount());
        p.grad[0] = 0.5f;
        sgd.step();                 // g + wd·p = 0.5 + 0.5 = 1: p = 2 − 0.1 = 1.9
        assertEquals(1.9f, p.value.data[0], Tolerances.F32);
        sgd.step();                 // 0.5 + 0.475 = 0.975: p = 1.9 − 0.0975 = 1.8025
        assertEquals(1.8025f, p.value.data[0], Tolerances.F32);
        assertEquals(2, sgd.stepCount());
        sgd.setStepCount(7);
        sgd.step();
        assertEquals(8, sgd.stepCount());
        assertEquals(List.of(p), sgd.params());
        assertEquals(1, sgd.stateArrays().size());
        sgd.setLearningRate(0.5f);
        assertEquals(0.5f, sgd.learningRate());
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 100)
    void clippingCapsTheGlobalNormAndKeepsTheDirection(@ForAll("gradients") float[] g,
                                                       @ForAll @FloatRange(min = 0.01f, max = 10f) float maxNorm) {
        Param a = param(g.length, 0f);
        Param b = param(2, 0f);
        System.arraycopy(g, 0, a.grad, 0, g.length);
        b.grad[0] = 0.3f;
        b.grad[1] = -0.4f;
        float[] before = a.grad.clone();
        double norm = GradClip.clipGlobalNorm(List.of(a, b), maxNorm);
        double after = Math.sqrt(sq(a.grad) + sq(b.grad));
        assertTrue(after <= maxNorm * (1 + 1e-5), "norm after clipping " + after + " > " + maxNorm);
        if (norm <= maxNorm) {
            assertArrayEquals(before, a.grad);
        } else {
            assertEquals(maxNorm, after, maxNorm * 1e-4);
            double ratio = a.grad[0] / (double) before[0];
            for (int i = 0; i < g.length; i++) assertEquals(ratio, a.grad[i] / (double) before[i], 1e-4);
        }
    }

    @Example
    void invalidHyperparametersAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Adam.Config(0.01f, 1f, 0.999f, 1e-8f, 0f, false));
        assertTrue(e.getMessage().contains("beta1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Sgd.Config(-1f, 0.9f, 0f));
        assertTrue(e.getMessage().contains("lr"), e.getMessage());
    }

    @Example
    void hyperparametersAreValidatedAtTheirExactBounds() {
        assertThrows(IllegalArgumentException.class, () -> new Adam.Config(0f, 0.9f, 0.999f, 1e-8f, 0f, false));
        assertThrows(IllegalArgumentException.class, () -> new Adam.Config(0.1f, 0.9f, 1f, 1e-8f, 0f, false));
        assertThrows(IllegalArgumentException.class, () -> new Adam.Config(0.1f, -0.1f, 0.999f, 1e-8f, 0f, false));
        assertThrows(IllegalArgumentException.class, () -> new Adam.Config(0.1f, 0.9f, -0.1f, 1e-8f, 0f, false));
        assertThrows(IllegalArgumentException.class, () -> new Adam.Config(0.1f, 0.9f, 0.999f, 0f, 0f, false));
        assertThrows(IllegalArgumentException.class, () -> new Adam.Config(0.1f, 0.9f, 0.999f, 1e-8f, -1e-3f, false));
        new Adam.Config(0.1f, 0f, 0f, 1e-8f, 0f, false);               // β = 0 and no decay are allowed
        assertThrows(IllegalArgumentException.class, () -> new Sgd.Config(0f, 0.9f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd.Config(0.1f, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd.Config(0.1f, -0.1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd.Config(0.1f, 0.5f, -1f));
        new Sgd.Config(0.1f, 0f, 0f);
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(), 0));
    }

    @Example
    void adamExposesItsParametersStateAndLearningRateForCheckpoints() {
        Param a = param(2, 1f), b = param(3, 1f);
        Adam adam = new Adam(List.of(a, b), Adam.Config.adamW(0.01f, 0.1f));
        assertEquals(List.of(a, b), adam.params());
        assertEquals(0.01f, adam.learningRate());
        assertEquals(Adam.Config.adamW(0.01f, 0.1f), adam.config());
        java.util.Arrays.fill(a.grad, 1f);
        adam.step();
        List<float[]> state = adam.stateArrays();                     // m of each param, then v of each
        assertEquals(List.of(2, 3, 2, 3), state.stream().map(x -> x.length).toList());
        assertEquals(0.1f, state.get(0)[0], 1e-7f);                   // m = (1 − β₁)·g
        assertEquals(0.001f, state.get(2)[0], 1e-7f);                 // v = (1 − β₂)·g²
        assertEquals(0f, state.get(1)[0]);
        adam.setLearningRate(0.5f);
        assertEquals(0.5f, adam.learningRate());
        assertEquals(0.1f, adam.config().weightDecay());
        adam.zeroGrad();
        assertArrayEquals(new float[2], a.grad);
    }

    @Example
    void aGradientExactlyAtTheClipNormIsLeftAlone() {
        Param p = param(1, 0f);
        p.grad[0] = 1e-12f;                                          // ‖g‖ = maxNorm, far below the 1e-12 guard
        double norm = GradClip.clipGlobalNorm(List.of(p), Math.abs((double) 1e-12f));
        assertEquals(Math.abs((double) 1e-12f), norm);
        assertEquals(1e-12f, p.grad[0]);
    }

    private static Param param(int n, float value) {
        Param p = new Param("p", Tensor.zeros(n));
        java.util.Arrays.fill(p.value.data, value);
        return p;
    }

    private static double sq(float[] x) {
        double s = 0;
        for (float v : x) s += (double) v * v;
        return s;
    }
}
