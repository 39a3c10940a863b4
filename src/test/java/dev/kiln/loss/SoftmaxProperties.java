package dev.kiln.loss;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
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
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Softmax, log-softmax and logsumexp along the class axis of [B, C, S]. */
@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class SoftmaxProperties {

    @Provide
    Arbitrary<int[]> classShapes() {
        return LossCases.classShapes(1, 5);
    }

    @Property(tries = 40)
    @Label("Softmax backward matches central differences, C = 1 and S > 1 included")
    void softmaxBackwardMatchesCentralDifferences(@ForAll("classShapes") int[] shape,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        collect(shape);
        Tensor x = LossCases.gaussian(new Rng(seed), 2.0, shape);
        GradCheck.checkLayer(new Softmax(), x, seed + 1);
    }

    @Property(tries = 40)
    @Label("Log-softmax backward matches central differences, C = 1 and S > 1 included")
    void logSoftmaxBackwardMatchesCentralDifferences(@ForAll("classShapes") int[] shape,
                                                     @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        collect(shape);
        Tensor x = LossCases.gaussian(new Rng(seed), 2.0, shape);
        GradCheck.checkLayer(new LogSoftmax(), x, seed + 1);
    }

    @Property(tries = 60)
    @Label("Every softmax fibre sums to 1, for logits up to ±1e4 and S > 1")
    void softmaxFibresSumToOne(@ForAll("classShapes") int[] shape,
                               @ForAll @DoubleRange(min = 0.1, max = 1e4) double scale,
                               @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        collect(shape);
        Statistics.label("scale").collect(scale >= 100 ? "≥ 100" : "< 100")
                .coverage(c -> c.check("≥ 100").count(n -> n > 0));
        Tensor x = LossCases.gaussian(new Rng(seed), scale, shape);
        Tensor y = new Softmax().forward(x);
        ClassShape s = ClassShape.of("test", x);
        for (int b = 0; b < s.rows(); b++) {
            for (int cell = 0; cell < s.inner(); cell++) {
                double sum = 0;
                for (int c = 0; c < s.classes(); c++) {
                    float p = y.data[(b * s.classes() + c) * s.inner() + cell];
                    assertTrue(p >= 0f && p <= 1f, "probability " + p);
                    sum += p;
                }
                assertEquals(1.0, sum, Tolerances.F32, "fibre (" + b + ", " + cell + ")");
            }
        }
    }

    @Property(tries = 60)
    @Label("logsumexp equals log Σ exp computed naively in double on moderate inputs")
    void logSumExpEqualsNaiveComputation(@ForAll("classShapes") int[] shape,
                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Tensor x = LossCases.gaussian(new Rng(seed), 5.0, shape);
        ClassShape s = ClassShape.of("test", x);
        float[] lse = new float[s.cells()];
        Backends.current().logSumExp(x.data, s.rows(), s.classes(), s.inner(), lse);
        for (int b = 0; b < s.rows(); b++) {
            for (int cell = 0; cell < s.inner(); cell++) {
                double expected = LossCases.naiveLogSumExp(x.data, s, b, cell);
                assertEquals(expected, lse[b * s.inner() + cell], Tolerances.F32_REL * Math.max(1, Math.abs(expected)));
            }
        }
    }

    @Property(tries = 40)
    @Label("Log-softmax equals x minus logsumexp, and exp of it equals softmax")
    void logSoftmaxIsConsistentWithSoftmax(@ForAll("classShapes") int[] shape,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Tensor x = LossCases.gaussian(new Rng(seed), 3.0, shape);
        Tensor logY = new LogSoftmax().forward(x);
        Tensor y = new Softmax().forward(x);
        for (int i = 0; i < x.size(); i++) {
            assertEquals(y.data[i], Math.exp(logY.data[i]), Tolerances.F32_REL, "index " + i);
        }
    }

    @Example
    void logSumExpIsExactAtPlusAndMinusTenThousand() {
        Backend be = Backends.current();
        float[] out = new float[1];
        be.logSumExp(new float[] {1e4f, 1e4f}, 1, 2, 1, out);
        assertEquals((float) (1e4 + Math.log(2)), out[0]);
        be.logSumExp(new float[] {-1e4f, -1e4f + 1}, 1, 2, 1, out);
        assertEquals((float) (-1e4 + 1 + Math.log1p(Math.exp(-1))), out[0]);
        be.logSumExp(new float[] {-1e4f, 1e4f}, 1, 2, 1, out);
        assertEquals(1e4f, out[0]);
    }

    @Example
    void allMinusInfinityFibreHasLogSumExpMinusInfinityNotNaN() {
        float[] x = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] out = new float[1];
        Backends.current().logSumExp(x, 1, 3, 1, out);
        assertEquals(Float.NEGATIVE_INFINITY, out[0]);
    }

    @Example
    void aMinusInfinityClassGetsProbabilityExactlyZeroAndZeroGradient() {
        Tensor x = Tensor.of(new float[] {0.5f, Float.NEGATIVE_INFINITY, -1f}, 1, 3);
        Softmax op = new Softmax();
        Tensor y = op.forward(x);
        assertTrue(y.data[1] == 0f, "masked probability " + y.data[1]);
        Tensor dx = op.backward(Tensor.of(new float[] {1f, 2f, 3f}, 1, 3));
        assertTrue(dx.data[1] == 0f, "masked gradient " + dx.data[1]);
    }

    @Example
    void softmaxOfExtremeLogitsIsAFiniteOneHot() {
        Tensor y = new Softmax().forward(Tensor.of(new float[] {1e4f, -1e4f, 0f}, 1, 3));
        assertEquals(1f, y.data[0]);
        assertEquals(0f, y.data[1]);
        assertEquals(0f, y.data[2]);
    }

    @Example
    void rankOneAndRankFiveTensorsAreRefusedNamingTheShape() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new Softmax().forward(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[B, C, H, W]"), e.getMessage());
        e = assertThrows(ShapeMismatchException.class, () -> new LogSoftmax().forward(Tensor.zeros(1, 2, 1, 1, 1)));
        assertTrue(e.getMessage().contains("[1, 2, 1, 1, 1]"), e.getMessage());
    }

    private static void collect(int[] shape) {
        Statistics.label("classes").collect(shape[1] == 1 ? "C = 1" : "C > 1")
                .coverage(c -> c.check("C = 1").count(n -> n > 0));
        Statistics.label("cells").collect(LossCases.cellsLabel(shape))
                .coverage(c -> {
                    c.check("S = 1").count(n -> n > 0);
                    c.check("S > 1").count(n -> n > 0);
                });
    }
}
