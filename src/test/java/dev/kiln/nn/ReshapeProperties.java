package dev.kiln.nn;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReshapeProperties {

    @Property(tries = 50)
    @StatisticsReport(onFailureOnly = true)
    @Label("Reshape backward matches central differences and restores the input shape")
    void reshapeBackwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 3) int batch,
                                                  @ForAll("perSampleShapes") int[] perSample,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        int[] target = regrouped(perSample, rng);
        Statistics.label("target rank").collect(target.length);
        Tensor x = Tensor.zeros(withBatch(batch, perSample));
        rng.fillGaussian(x.data, x.size());
        Reshape layer = new Reshape(target);
        assertArrayEquals(withBatch(batch, target), layer.forward(x).shape());
        GradCheck.checkLayer(layer, x, seed + 1);
        Statistics.label("target rank").coverage(c -> {
            c.check(1).count(n -> n > 0);
            c.checkQuery(r -> (Integer) r.get(0) >= 3).count(n -> n > 0);
        });
    }

    @Property(tries = 50)
    @Label("Flatten backward matches central differences and restores the input shape")
    void flattenBackwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 3) int batch,
                                                  @ForAll("perSampleShapes") int[] perSample,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.zeros(withBatch(batch, perSample));
        rng.fillGaussian(x.data, x.size());
        Flatten layer = new Flatten();
        assertArrayEquals(new int[] {batch, x.size() / batch}, layer.forward(x).shape());
        GradCheck.checkLayer(layer, x, seed + 1);
    }

    @Property(tries = 40)
    @Label("Reshape and Flatten keep the row-major order of the data, forward and backward")
    void reshapeAndFlattenKeepRowMajorOrder(@ForAll @IntRange(min = 1, max = 3) int batch,
                                            @ForAll("perSampleShapes") int[] perSample,
                                            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.zeros(withBatch(batch, perSample));
        rng.fillGaussian(x.data, x.size());
        for (Layer layer : List.of(new Reshape(regrouped(perSample, rng)), new Flatten())) {
            Tensor y = layer.forward(x);
            assertArrayEquals(x.data, y.data, layer.describe() + " forward");
            Tensor dy = y.zerosLike();
            rng.fillGaussian(dy.data, dy.size());
            Tensor dx = layer.backward(dy);
            assertArrayEquals(x.shape(), dx.shape(), layer.describe() + " backward shape");
            assertArrayEquals(dy.data, dx.data, layer.describe() + " backward");
            assertSame(dy.data, dx.data, layer.describe() + " backward is a view of dy, no copy");
        }
    }

    /** Per-sample shapes of rank 1 to 4, each axis 1 to 4 long (size-1 axes included). */
    @Provide
    Arbitrary<int[]> perSampleShapes() {
        return Arbitraries.integers().between(1, 4).array(int[].class).ofMinSize(1).ofMaxSize(4);
    }

    // ---------------------------------------------------------------- examples and validation

    @Example
    void reshapeTurnsADenseDecoderInputIntoAnImage() {
        Tensor y = new Reshape(64, 7, 7).forward(Tensor.zeros(5, 3136));
        assertArrayEquals(new int[] {5, 64, 7, 7}, y.shape());
        Tensor flat = new Flatten().forward(y);
        assertArrayEquals(new int[] {5, 3136}, flat.shape());
    }

    @Example
    void reshapeToAnotherSizeNamesBothShapes() {
        Reshape layer = new Reshape(4, 4);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Tensor.zeros(2, 3, 5)));
        assertTrue(e.getMessage().contains("[2, 3, 5]") && e.getMessage().contains("[B, 4, 4]"), e.getMessage());
    }

    @Example
    void reshapeRejectsNonPositiveTargetDimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Reshape(4, 0));
        assertTrue(e.getMessage().contains("[4, 0]"), e.getMessage());
    }

    @Example
    void flattenNeedsAnAxisAfterTheBatch() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new Flatten().forward(Tensor.zeros(7)));
        assertTrue(e.getMessage().contains("[7]"), e.getMessage());
    }

    @Example
    void backwardRejectsAGradientOfTheWrongShape() {
        Reshape reshape = new Reshape(2, 3);
        reshape.forward(Tensor.zeros(4, 6));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> reshape.backward(Tensor.zeros(4, 3, 2)));
        assertTrue(e.getMessage().contains("[4, 3, 2]") && e.getMessage().contains("[4, 2, 3]"), e.getMessage());
    }

    private static int[] withBatch(int batch, int[] perSample) {
        int[] shape = new int[perSample.length + 1];
        shape[0] = batch;
        System.arraycopy(perSample, 0, shape, 1, perSample.length);
        return shape;
    }

    /**
     * Another shape of the same size: the axes shuffled, then random neighbours merged, so the target
     * ranges from one flat axis to as many axes as the input had.
     */
    private static int[] regrouped(int[] perSample, Rng rng) {
        int[] order = new int[perSample.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        rng.shuffle(order);
        List<Integer> groups = new ArrayList<>();
        for (int i : order) {
            if (!groups.isEmpty() && rng.nextInt(2) == 0) {
                groups.set(groups.size() - 1, groups.get(groups.size() - 1) * perSample[i]);
            } else {
                groups.add(perSample[i]);
            }
        }
        int[] target = new int[groups.size()];
        for (int i = 0; i < target.length; i++) target[i] = groups.get(i);
        return target;
    }
}
