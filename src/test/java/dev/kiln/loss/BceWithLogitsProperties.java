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
import net.jqwik.api.statistics.StatisticsReport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
class BceWithLogitsProperties {

    @Provide
    Arbitrary<int[]> shapes() {
        return LossCases.classShapes(1, 4);
    }

    /** Targets: a third exactly 0, a third exactly 1, a third uniform in (0, 1). */
    private static Tensor targets(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            int kind = rng.nextInt(3);
            t.data[i] = kind == 0 ? 0f : kind == 1 ? 1f : rng.nextFloat();
        }
        return t;
    }

    @Property(tries = 60)
    @Label("BCE-with-logits backward matches central differences, every reduction")
    void backwardMatchesCentralDifferences(@ForAll("shapes") int[] shape, @ForAll Reduction reduction,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 3.0, shape);
        Tensor t = targets(rng, shape);
        BceWithLogits loss = new BceWithLogits(reduction);
        loss.forward(x, t);
        float[] analytic = loss.backward().data;
        GradCheck.check("bce_with_logits " + reduction, x.data, analytic, () -> loss.forward(x, t), rng);
    }

    @Property(tries = 60)
    @Label("BCE-with-logits equals −t·log σ(x) − (1 − t)·log(1 − σ(x)) computed naively on moderate logits")
    void forwardMatchesNaiveFormula(@ForAll("shapes") int[] shape, @ForAll Reduction reduction,
                                    @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 4.0, shape);
        Tensor t = targets(rng, shape);
        double sum = 0;
        for (int i = 0; i < x.size(); i++) {
            double p = 1 / (1 + Math.exp(-x.data[i]));
            sum += -t.data[i] * Math.log(p) - (1 - t.data[i]) * Math.log(1 - p);
        }
        double expected = sum / reduction.divisor(shape[0], x.size());
        double actual = new BceWithLogits(reduction).forward(x, t);
        assertEquals(expected, actual, Tolerances.F32_REL * Math.max(1, Math.abs(expected)));
    }

    @Example
    void logitsOfPlusAndMinusOneHundredGiveFiniteExactValuesAndGradients() {
        Tensor x = Tensor.of(new float[] {100f, -100f, 100f, -100f}, 4, 1);
        Tensor t = Tensor.of(new float[] {1f, 1f, 0f, 0f}, 4, 1);
        BceWithLogits loss = new BceWithLogits(Reduction.SUM);
        // right with confidence: log(1 + e^−100) ≈ 3.7e−44 each; wrong with confidence: 100 each
        double expected = 2 * 100 + 2 * Math.log1p(Math.exp(-100));
        assertEquals(expected, loss.forward(x, t));
        float[] g = loss.backward().data;
        assertEquals(0f, g[0]);
        assertEquals(-1f, g[1]);
        assertEquals(1f, g[2]);
        assertEquals((float) (Math.exp(-100) / (1 + Math.exp(-100))), g[3]);   // σ(−100), a float subnormal
        assertTrue(g[3] > 0f);
    }

    @Example
    void theMinimumOverLogitsOfAFractionalTargetIsItsEntropy() {
        // t = 0.25: the loss is minimal at σ(x) = t, where it equals the Bernoulli entropy H(0.25)
        float x = (float) Math.log(0.25 / 0.75);
        BceWithLogits loss = new BceWithLogits(Reduction.SUM);
        double value = loss.forward(Tensor.of(new float[] {x}, 1, 1), Tensor.of(new float[] {0.25f}, 1, 1));
        double entropy = -0.25 * Math.log(0.25) - 0.75 * Math.log(0.75);
        assertEquals(entropy, value, Tolerances.F32);
        assertEquals(0.0, loss.backward().data[0], Tolerances.F32);
    }

    @Example
    void targetsOutsideTheUnitIntervalAndMismatchedShapesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BceWithLogits(Reduction.MEAN).forward(Tensor.zeros(1, 3),
                        Tensor.of(new float[] {0f, 255f, 1f}, 1, 3)));
        assertTrue(e.getMessage().startsWith("bce_with_logits: targets[1] = 255.0"), e.getMessage());
        ShapeMismatchException s = assertThrows(ShapeMismatchException.class,
                () -> new BceWithLogits(Reduction.MEAN).forward(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(s.getMessage().contains("[2, 3]") && s.getMessage().contains("[3, 2]"), s.getMessage());
    }
}
