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
class MseLossProperties {

    @Provide
    Arbitrary<int[]> shapes() {
        return LossCases.classShapes(1, 4);
    }

    @Property(tries = 60)
    @Label("MSE backward matches central differences, every reduction")
    void backwardMatchesCentralDifferences(@ForAll("shapes") int[] shape, @ForAll Reduction reduction,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 2.0, shape);
        Tensor t = LossCases.gaussian(rng, 2.0, shape);
        MseLoss loss = new MseLoss(reduction);
        loss.forward(x, t);
        float[] analytic = loss.backward().data;
        GradCheck.check("mse " + reduction, x.data, analytic, () -> loss.forward(x, t), rng);
    }

    @Property(tries = 60)
    @Label("MSE equals ½·Σ(x − t)² over the reduction's divisor, computed in double")
    void forwardMatchesHalfSumOfSquares(@ForAll("shapes") int[] shape, @ForAll Reduction reduction,
                                        @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 3.0, shape);
        Tensor t = LossCases.gaussian(rng, 3.0, shape);
        double sum = 0;
        for (int i = 0; i < x.size(); i++) {
            double d = (double) x.data[i] - t.data[i];
            sum += 0.5 * d * d;
        }
        double expected = sum / reduction.divisor(shape[0], x.size());
        assertEquals(expected, new MseLoss(reduction).forward(x, t), Tolerances.F32_REL * Math.max(1, expected));
    }

    @Example
    void unitsPerReductionOnAKnownExample() {
        // B = 2 samples of 2 values; d = (1, 1, 2, 0): ½Σd² = 3
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f, 4f}, 2, 2);
        Tensor t = Tensor.of(new float[] {0f, 1f, 1f, 4f}, 2, 2);
        assertEquals(3.0, new MseLoss(Reduction.SUM).forward(x, t));
        assertEquals(0.75, new MseLoss(Reduction.MEAN).forward(x, t));
        assertEquals(1.5, new MseLoss(Reduction.BATCH_MEAN).forward(x, t));
        MseLoss mean = new MseLoss(Reduction.MEAN);
        mean.forward(x, t);
        float[] g = mean.backward().data;
        assertEquals(0.25f, g[0]);
        assertEquals(0.5f, g[2]);
        assertEquals(0f, g[3]);
    }

    @Example
    void mismatchedShapesAreRefusedNamingBoth() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new MseLoss(Reduction.SUM).forward(Tensor.zeros(2, 4), Tensor.zeros(2, 5)));
        assertTrue(e.getMessage().startsWith("mse") && e.getMessage().contains("[2, 4]")
                && e.getMessage().contains("[2, 5]"), e.getMessage());
    }
}
