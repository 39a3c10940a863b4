package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class FocalLossProperties {

    @Provide
    Arbitrary<int[]> classShapes() {
        return LossCases.classShapes(1, 5);
    }

    /** γ from the values people use (0, ½, 1, 2, 5) and anything in between. */
    @Provide
    Arbitrary<Float> gammas() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0f, 0.5f, 1f, 2f, 5f)),
                Tuple.of(1, Arbitraries.floats().between(0f, 5f).ofScale(3)));
    }

    @Property(tries = 60)
    @Label("Focal backward matches central differences for several γ, with and without α")
    void backwardMatchesCentralDifferences(@ForAll("classShapes") int[] shape, @ForAll("gammas") float gamma,
                                           @ForAll boolean withAlpha, @ForAll Reduction reduction,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Statistics.label("gamma").collect(gamma == 0f ? "0" : gamma < 1f ? "(0, 1)" : "≥ 1")
                .coverage(c -> {
                    c.check("0").count(n -> n > 0);
                    c.check("(0, 1)").count(n -> n > 0);
                    c.check("≥ 1").count(n -> n > 0);
                });
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 2.0, shape);
        ClassShape s = ClassShape.of("test", x);
        int[] t = LossCases.targets(rng, s);
        FocalLoss loss = new FocalLoss(reduction, gamma, LossCases.weightsOrNull(rng, s.classes(), withAlpha));
        loss.forward(x, t);
        float[] analytic = loss.backward().data;
        GradCheck.check("focal γ=" + gamma, x.data, analytic, () -> loss.forward(x, t), rng);
    }

    @Property(tries = 40)
    @Label("Focal with γ = 0 and unit α is cross-entropy, bit for bit, value and gradient")
    void gammaZeroIsCrossEntropy(@ForAll("classShapes") int[] shape, @ForAll Reduction reduction,
                                 @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 3.0, shape);
        int[] t = LossCases.targets(rng, ClassShape.of("test", x));
        FocalLoss focal = new FocalLoss(reduction, 0f, null);
        CrossEntropy ce = new CrossEntropy(reduction);
        assertEquals(ce.forward(x, t), focal.forward(x, t));
        assertArrayEquals(ce.backward().data, focal.backward().data);
        FocalLoss unitAlpha = new FocalLoss(reduction, 0f, ones(x.dim(1)));
        assertEquals(ce.forward(x, t), unitAlpha.forward(x, t));
        assertArrayEquals(ce.backward().data, unitAlpha.backward().data);
    }

    @Property(tries = 40)
    @Label("Focal equals −Σ α[t]·(1 − p_t)^γ·log p_t computed naively in double, and never exceeds α-weighted CE")
    void forwardMatchesNaiveFormulaAndIsBoundedByCrossEntropy(
            @ForAll("classShapes") int[] shape, @ForAll("gammas") float gamma, @ForAll boolean withAlpha,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 3.0, shape);
        ClassShape s = ClassShape.of("test", x);
        int[] t = LossCases.targets(rng, s);
        float[] alpha = LossCases.weightsOrNull(rng, s.classes(), withAlpha);
        double expected = 0;
        for (int b = 0; b < s.rows(); b++) {
            for (int cell = 0; cell < s.inner(); cell++) {
                int target = t[b * s.inner() + cell];
                double logPt = x.data[(b * s.classes() + target) * s.inner() + cell]
                        - LossCases.naiveLogSumExp(x.data, s, b, cell);
                double at = alpha == null ? 1 : alpha[target];
                expected += -at * Math.pow(1 - Math.exp(logPt), gamma) * logPt;
            }
        }
        double focal = new FocalLoss(Reduction.SUM, gamma, alpha).forward(x, t);
        assertEquals(expected, focal, Tolerances.F32_REL * Math.max(1, Math.abs(expected)));
        double ce = new CrossEntropy(Reduction.SUM, alpha).forward(x, t);
        assertTrue(focal <= ce + Tolerances.F32, "focal " + focal + " > cross-entropy " + ce);
    }

    @Example
    void confidentCellsHaveAFiniteGradientForGammaBelowOne() {
        // p_t rounds to 1 (q = 0) in the first cell and is 1 − O(1e−13) in the second: (1 − p_t)^(γ−1)
        // alone would be infinite or huge; the gradient must be finite and tiny.
        Tensor x = Tensor.of(new float[] {1e4f, 0f, 30f, 0f}, 2, 2);
        for (float gamma : new float[] {0.25f, 0.5f, 1f, 2f}) {
            FocalLoss loss = new FocalLoss(Reduction.SUM, gamma, null);
            double value = loss.forward(x, new int[] {0, 0});
            assertTrue(value >= 0 && value < 1e-6, "γ=" + gamma + " loss " + value);
            for (float g : loss.backward().data) {
                assertTrue(Float.isFinite(g) && Math.abs(g) < 1e-6, "γ=" + gamma + " gradient " + g);
            }
        }
    }

    @Example
    void invalidGammaAndAlphaAreRefusedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FocalLoss(Reduction.SUM, -1f, null));
        assertTrue(e.getMessage().startsWith("focal: gamma = -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FocalLoss(Reduction.SUM, Float.NaN, null));
        assertTrue(e.getMessage().contains("gamma = NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FocalLoss(Reduction.SUM, 2f, new float[] {1f, Float.POSITIVE_INFINITY}));
        assertTrue(e.getMessage().contains("alpha[1] = Infinity"), e.getMessage());
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }
}
