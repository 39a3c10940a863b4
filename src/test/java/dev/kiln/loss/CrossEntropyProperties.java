package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class CrossEntropyProperties {

    @Provide
    Arbitrary<int[]> classShapes() {
        return LossCases.classShapes(1, 5);
    }

    @Property(tries = 60)
    @Label("Cross-entropy backward matches central differences, weighted or not, every reduction")
    void backwardMatchesCentralDifferences(@ForAll("classShapes") int[] shape, @ForAll boolean weighted,
                                           @ForAll Reduction reduction,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Statistics.label("cells").collect(LossCases.cellsLabel(shape))
                .coverage(c -> c.check("S > 1").count(n -> n > 0));
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 2.0, shape);
        ClassShape s = ClassShape.of("test", x);
        int[] t = LossCases.targets(rng, s);
        CrossEntropy loss = new CrossEntropy(reduction, LossCases.weightsOrNull(rng, s.classes(), weighted));
        loss.forward(x, t);
        float[] analytic = loss.backward().data;
        GradCheck.check("cross_entropy " + reduction, x.data, analytic, () -> loss.forward(x, t), rng);
    }

    @Property(tries = 60)
    @Label("Cross-entropy equals −Σ w[t]·(x_t − log Σ exp x) computed naively in double")
    void forwardMatchesNaiveFormula(@ForAll("classShapes") int[] shape, @ForAll boolean weighted,
                                    @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 3.0, shape);
        ClassShape s = ClassShape.of("test", x);
        int[] t = LossCases.targets(rng, s);
        float[] w = LossCases.weightsOrNull(rng, s.classes(), weighted);
        double expected = 0;
        for (int b = 0; b < s.rows(); b++) {
            for (int cell = 0; cell < s.inner(); cell++) {
                int target = t[b * s.inner() + cell];
                double xt = x.data[(b * s.classes() + target) * s.inner() + cell];
                double wt = w == null ? 1 : w[target];
                expected += -wt * (xt - LossCases.naiveLogSumExp(x.data, s, b, cell));
            }
        }
        double actual = new CrossEntropy(Reduction.SUM, w).forward(x, t);
        assertEquals(expected, actual, Tolerances.F32_REL * Math.max(1, Math.abs(expected)));
    }

    @Property(tries = 40)
    @Label("MEAN is SUM over B·S and BATCH_MEAN is SUM over B, for the value and the gradient")
    void reductionsDifferOnlyByTheirDivisor(@ForAll("classShapes") int[] shape, @ForAll boolean weighted,
                                            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 2.0, shape);
        ClassShape s = ClassShape.of("test", x);
        int[] t = LossCases.targets(rng, s);
        float[] w = LossCases.weightsOrNull(rng, s.classes(), weighted);
        CrossEntropy sum = new CrossEntropy(Reduction.SUM, w);
        double total = sum.forward(x, t);
        float[] gSum = sum.backward().data;
        for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.BATCH_MEAN}) {
            double div = r == Reduction.MEAN ? s.cells() : s.rows();
            CrossEntropy loss = new CrossEntropy(r, w);
            assertEquals(total / div, loss.forward(x, t), Tolerances.F32 * Math.max(1, total / div), r.name());
            float[] g = loss.backward().data;
            for (int i = 0; i < g.length; i++) {
                assertEquals(gSum[i] / div, g[i], Tolerances.F32, r + " gradient at " + i);
            }
        }
    }

    @Property(tries = 30)
    @Label("Each cell's gradient sums to 0 over the classes (softmax minus one-hot)")
    void gradientSumsToZeroOverClasses(@ForAll("classShapes") int[] shape, @ForAll boolean weighted,
                                       @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 3.0, shape);
        ClassShape s = ClassShape.of("test", x);
        int[] t = LossCases.targets(rng, s);
        CrossEntropy loss = new CrossEntropy(Reduction.SUM, LossCases.weightsOrNull(rng, s.classes(), weighted));
        loss.forward(x, t);
        float[] g = loss.backward().data;
        for (int b = 0; b < s.rows(); b++) {
            for (int cell = 0; cell < s.inner(); cell++) {
                double acc = 0;
                for (int c = 0; c < s.classes(); c++) acc += g[(b * s.classes() + c) * s.inner() + cell];
                assertEquals(0.0, acc, Tolerances.F32 * 3);
            }
        }
    }

    @Example
    void weightedMeanDividesByTheCellCountNotTheWeightSum() {
        // two cells, C = 2, logits 0 so −log p_t = log 2 in each; weights 3 and 1
        Tensor x = Tensor.zeros(2, 2);
        int[] t = {0, 1};
        double loss = new CrossEntropy(Reduction.MEAN, new float[] {3f, 1f}).forward(x, t);
        assertEquals((3 + 1) * Math.log(2) / 2, loss, Tolerances.F32);
    }

    @Example
    void singleClassCostsNothingAndHasZeroGradient() {
        Tensor x = Tensor.of(new float[] {3f, -7f, 0.5f}, 3, 1);
        CrossEntropy loss = new CrossEntropy(Reduction.SUM);
        assertEquals(0.0, loss.forward(x, new int[] {0, 0, 0}));
        for (float g : loss.backward().data) assertTrue(g == 0f, "gradient " + g);
    }

    @Example
    void extremeLogitsGiveTheExactFiniteLoss() {
        // target logit −1e4 against 1e4: −log p_t = 2e4 (+ log(1 + e^−2e4), which is 0 in double)
        Tensor x = Tensor.of(new float[] {-1e4f, 1e4f}, 1, 2);
        CrossEntropy loss = new CrossEntropy(Reduction.SUM);
        assertEquals(2e4, loss.forward(x, new int[] {0}));
        float[] g = loss.backward().data;
        assertEquals(-1f, g[0]);
        assertEquals(1f, g[1]);
    }

    @Example
    void imageLogitsUseTheClassOfEachPixel() {
        // [B=1, C=2, H=1, W=2]: pixel 0 has logits (0, ln 3) → p = (1/4, 3/4); pixel 1 has (0, 0)
        float ln3 = (float) Math.log(3);
        Tensor x = Tensor.of(new float[] {0f, 0f, ln3, 0f}, 1, 2, 1, 2);
        double loss = new CrossEntropy(Reduction.SUM).forward(x, new int[] {1, 0});
        assertEquals(-Math.log(0.75) - Math.log(0.5), loss, Tolerances.F32);
    }

    @Example
    void targetOutsideTheClassesIsNamedWithItsIndexAndValue() {
        Tensor x = Tensor.zeros(2, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropy(Reduction.MEAN).forward(x, new int[] {0, 1, 5, 2}));
        assertTrue(e.getMessage().startsWith("cross_entropy: targets[2] = 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropy(Reduction.MEAN).forward(x, new int[] {0, -1, 0, 2}));
        assertTrue(e.getMessage().contains("targets[1] = -1") && e.getMessage().contains("[0, 3)"), e.getMessage());
    }

    @Example
    void targetsOfTheWrongLengthAndWeightsOfTheWrongSizeAreRefused() {
        Tensor x = Tensor.zeros(2, 3, 2);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new CrossEntropy(Reduction.SUM).forward(x, new int[] {0, 1, 2}));
        assertTrue(e.getMessage().contains("length 3") && e.getMessage().contains("= 4"), e.getMessage());
        e = assertThrows(ShapeMismatchException.class,
                () -> new CrossEntropy(Reduction.SUM, new float[] {1f, 1f}).forward(x, new int[4]));
        assertTrue(e.getMessage().contains("classWeights has length 2"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropy(Reduction.SUM, new float[] {1f, -2f}));
        assertTrue(bad.getMessage().contains("classWeights[1] = -2.0"), bad.getMessage());
    }

    @Example
    void backwardBeforeForwardIsAnError() {
        assertThrows(IllegalStateException.class, () -> new CrossEntropy(Reduction.SUM).backward());
    }
}
