package dev.kiln.nn;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import static dev.kiln.testing.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearProperties {

    @Property(tries = 40)
    @Label("Linear backward matches central differences, size-1 dimensions included")
    void linearBackwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 5) int batch,
                                                 @ForAll @IntRange(min = 1, max = 7) int in,
                                                 @ForAll @IntRange(min = 1, max = 6) int out,
                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Linear layer = new Linear(in, out, rng);
        Tensor x = Tensor.zeros(batch, in);
        rng.fillGaussian(x.data, x.size());
        GradCheck.checkLayer(layer, x, seed + 1, param("weight", out, in), param("bias", out));
    }

    @Example
    void forwardComputesXTimesWTransposedPlusBias() {
        Linear layer = new Linear(2, 3, new Rng(1));
        System.arraycopy(new float[] {1, 2, 3, 4, 5, 6}, 0, layer.weight().value.data, 0, 6);
        System.arraycopy(new float[] {0.5f, -1, 0}, 0, layer.bias().value.data, 0, 3);
        Tensor y = layer.forward(Tensor.of(new float[] {1, -1}, 1, 2));
        assertEquals(1 - 2 + 0.5f, y.data[0]);
        assertEquals(3 - 4 - 1f, y.data[1]);
        assertEquals(5 - 6 + 0f, y.data[2]);
    }

    @Example
    void wrongInputShapeNamesBothShapes() {
        Linear layer = new Linear(5, 2, new Rng(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Tensor.zeros(4, 3)));
        assertTrue(e.getMessage().contains("[4, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("[*, 5]"), e.getMessage());
        assertTrue(e.getMessage().contains("Linear(5→2)"), e.getMessage());
    }
}
