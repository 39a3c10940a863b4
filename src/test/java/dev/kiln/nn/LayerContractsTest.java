package dev.kiln.nn;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.StaleTensorException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the layers promise besides their gradients: initial weights drawn from the documented
 * ranges (not left at zero), sizes validated at the exact boundary, Sequential's wiring and
 * names, and the parameter bookkeeping the optimizer and checkpoints rely on.
 */
class LayerContractsTest {

    /** Every value within ±bound, and the draws reach both halves of the range (not all one value). */
    private static void assertSpreadOver(float[] values, double bound, String what) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            assertTrue(Math.abs(v) <= bound, what + ": " + v + " outside ±" + bound);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min < -bound / 2 && max > bound / 2, what + ": draws span [" + min + ", " + max + "] of ±" + bound);
    }

    @Test
    void initializersDrawFromTheirDocumentedRanges() {
        float[] w = new float[4000], b = new float[4000];
        Init.kaimingUniform(w, 50, new Rng(1));
        assertSpreadOver(w, Math.sqrt(6.0 / 50), "kaiming uniform, fanIn 50");
        double var = 0;
        for (float v : w) var += (double) v * v;
        assertEquals(2.0 / 50, var / w.length, 0.1 * 2.0 / 50, "Var[w] = 2/fanIn");
        Init.fanInUniformBias(b, 25, new Rng(2));
        assertSpreadOver(b, 1.0 / 5, "bias U(−1/√25, 1/√25)");
    }

    @Test
    void layersStartFromRandomWeightsAndBiasesInTheirRanges() {
        Linear linear = new Linear(16, 64, new Rng(3));
        assertSpreadOver(linear.weight().value.data, Math.sqrt(6.0 / 16), "Linear weight");
        assertSpreadOver(linear.bias().value.data, 1.0 / 4, "Linear bias");
        Conv2d conv = new Conv2d(4, 32, 2, 1, 0, new Rng(4));                 // fanIn = 4·2·2 = 16
        assertSpreadOver(conv.weight().value.data, Math.sqrt(6.0 / 16), "Conv2d weight");
        assertSpreadOver(conv.bias().value.data, 1.0 / 4, "Conv2d bias");
        ConvTranspose2d up = new ConvTranspose2d(16, 32, 2, 2, 0, 0, new Rng(5));   // fanIn = 16·4/4 = 16
        assertSpreadOver(up.weight().value.data, Math.sqrt(6.0 / 16), "ConvTranspose2d weight");
        assertSpreadOver(up.bias().value.data, 1.0 / 4, "ConvTranspose2d bias");
    }

    @Test
    void layerSizesAreValidatedAtTheBoundary() {
        Rng rng = new Rng(1);
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 1, rng));
        assertThrows(IllegalArgumentException.class, () -> new Linear(1, 0, rng));
        assertDoesNotThrow(() -> new Linear(1, 1, rng));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(0, 1, 1, 1, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 0, 1, 1, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 1, 0, 1, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 1, 1, 0, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 1, 1, 1, -1, rng));
        assertDoesNotThrow(() -> new Conv2d(1, 1, 1, 1, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(0, 1, 1, 1, 0, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(1, 0, 1, 1, 0, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(1, 1, 0, 1, 0, 0, rng));
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(1, 1, 1, 0, 0, 0, rng));
        assertTrue(stride.getMessage().contains("stride must be at least 1"), stride.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(1, 1, 1, 1, -1, 0, rng));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(1, 1, 1, 2, 0, 2, rng));
        assertDoesNotThrow(() -> new ConvTranspose2d(1, 1, 1, 2, 0, 1, rng));
        assertThrows(IllegalArgumentException.class, () -> new Reshape(2, 0));
        assertDoesNotThrow(() -> new Reshape(1));
        assertDoesNotThrow(() -> new Reshape(Integer.MAX_VALUE));        // the largest target allowed
        assertThrows(IllegalArgumentException.class, () -> new Reshape(65536, 32768));
    }

    @Test
    void convolutionsAcceptInputsExactlyAsLargeAsTheirKernelAndRefuseSmallerOnes() {
        Conv2d conv = new Conv2d(1, 1, 5, 1, 2, new Rng(1));               // 1 + 2·2 = 5: one output
        assertArrayEquals(new int[] {1, 1, 1, 1}, conv.forward(Tensor.zeros(1, 1, 1, 1)).shape());
        Conv2d unpadded = new Conv2d(1, 1, 3, 1, 0, new Rng(1));
        assertThrows(ShapeMismatchException.class, () -> unpadded.forward(Tensor.zeros(1, 1, 2, 3)));
        assertThrows(ShapeMismatchException.class, () -> unpadded.forward(Tensor.zeros(1, 1, 3, 2)));
        // Transposed: out = (h − 1)·s − 2·pad + k + outputPadding; h = 1, k = 2, pad = 1 gives 0: refused.
        ConvTranspose2d crop = new ConvTranspose2d(1, 1, 2, 1, 1, 0, new Rng(1));
        assertThrows(ShapeMismatchException.class, () -> crop.forward(Tensor.zeros(1, 1, 1, 2)));
        assertThrows(ShapeMismatchException.class, () -> crop.forward(Tensor.zeros(1, 1, 2, 1)));
        assertArrayEquals(new int[] {1, 1, 1, 1}, crop.forward(Tensor.zeros(1, 1, 2, 2)).shape());
    }

    @Test
    void sequentialChainsForwardInOrderBackwardInReverseAndPrefixesParameterNames() {
        Rng rng = new Rng(7);
        Linear first = new Linear(3, 4, rng), second = new Linear(4, 2, rng);
        ReLU relu = new ReLU();
        Sequential net = new Sequential(first, relu, second);
        assertEquals(List.of(first, relu, second), net.layers());
        assertEquals("Sequential(Linear(3→4), ReLU, Linear(4→2))", net.describe());
        assertEquals("[0.weight[4, 3], 0.bias[4], 2.weight[2, 4], 2.bias[2]]", net.params().toString());
        assertSame(first.weight().value, net.params().get(0).value);
        assertSame(second.bias().grad, net.params().get(3).grad);

        Tensor x = Tensor.of(new float[] {1, -2, 0.5f, 0, 3, -1}, 2, 3);
        Tensor expected = second.forward(relu.forward(first.forward(x))).copy();   // the net reruns these layers
        assertArrayEquals(expected.data, net.forward(x).data);
        Tensor dy = Tensor.of(new float[] {1, -1, 0.5f, 2}, 2, 2);
        Tensor expectedDx = first.backward(relu.backward(second.backward(dy))).copy();
        net.forward(x);
        assertArrayEquals(expectedDx.data, net.backward(dy).data);
        assertThrows(IllegalArgumentException.class, () -> new Sequential(List.of()));
    }

    /** Gradients of every parameter of {@code net} after one backward (or backwardParams) from zero. */
    private static List<float[]> gradientsAfter(Layer net, Tensor x, Tensor dy, boolean paramsOnly) {
        for (Param p : net.params()) p.zeroGrad();
        net.forward(x);
        if (paramsOnly) net.backwardParams(dy);
        else net.backward(dy);
        return net.params().stream().map(p -> p.grad.clone()).toList();
    }

    private static Tensor seeded(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) rng.nextGaussian();
        return t;
    }

    @Test
    void backwardParamsAddsExactlyTheParameterGradientsOfBackward() {
        Rng rng = new Rng(11);
        List<Layer> nets = List.of(
                new Linear(5, 3, rng),
                new Conv2d(2, 3, 3, 2, 1, rng),
                new ConvTranspose2d(3, 2, 3, 2, 1, 1, rng),
                new Sequential(new Linear(6, 4, rng), new ReLU(), new Linear(4, 3, rng)),
                new Sequential(new Conv2d(2, 4, 3, 2, 1, rng), new LeakyReLU(0.2f), new Conv2d(4, 3, 3, 1, 1, rng)));
        int[][] inputs = {{4, 5}, {2, 2, 7, 7}, {2, 3, 4, 4}, {3, 6}, {2, 2, 7, 7}};
        for (int n = 0; n < nets.size(); n++) {
            Layer net = nets.get(n);
            Tensor x = seeded(rng, inputs[n]);
            Tensor dy = seeded(rng, net.forward(x).shape());
            List<float[]> full = gradientsAfter(net, x, dy, false), only = gradientsAfter(net, x, dy, true);
            assertEquals(net.params().size(), full.size());
            assertTrue(full.size() >= 2, net.describe() + " has parameters to compare");
            for (int i = 0; i < full.size(); i++) {
                String what = net.describe() + " " + net.params().get(i).name;
                boolean nonZero = false;
                for (float v : full.get(i)) nonZero |= v != 0f;
                assertTrue(nonZero, what + " gets a gradient");
                assertArrayEquals(full.get(i), only.get(i), what);
            }
        }
    }

    @Test
    void sequentialBackwardParamsRunsTheFullBackwardOfEveryLayerButTheFirst() {
        List<String> calls = new java.util.ArrayList<>();
        class Spy implements Layer {
            final String name;
            Spy(String name) { this.name = name; }
            @Override public Tensor forward(Tensor x) { return x; }
            @Override public Tensor backward(Tensor dy) { calls.add(name + ".backward"); return dy; }
            @Override public void backwardParams(Tensor dy) { calls.add(name + ".backwardParams"); }
            @Override public String describe() { return name; }
        }
        Sequential net = new Sequential(new Spy("a"), new Spy("b"), new Spy("c"));
        Tensor t = Tensor.zeros(1, 1);
        net.forward(t);
        net.backwardParams(t);
        assertEquals(List.of("c.backward", "b.backward", "a.backwardParams"), calls);
        calls.clear();
        net.backward(t);
        assertEquals(List.of("c.backward", "b.backward", "a.backward"), calls);
        calls.clear();
        new Sequential(new Spy("only")).backwardParams(t);
        assertEquals(List.of("only.backwardParams"), calls);
    }

    @Test
    void parametersClearTheirGradientsAndShareThemUnderAPrefix() {
        Param p = new Param("weight", Tensor.zeros(2, 3));
        java.util.Arrays.fill(p.grad, 1.5f);
        Param seen = p.prefixed("encoder.0");
        assertEquals("encoder.0.weight", seen.name);
        assertEquals("encoder.0.weight[2, 3]", seen.toString());
        assertSame(p.value, seen.value);
        assertSame(p.grad, seen.grad);
        seen.zeroGrad();
        assertArrayEquals(new float[6], p.grad);
        assertEquals(6, p.size());
    }

    @Test
    void reshapeViewsAnEmptyBatchAndRefusesAMismatchedOne() {
        Reshape layer = new Reshape(2, 3);
        assertEquals("Reshape(2, 3)", layer.describe());
        assertArrayEquals(new int[] {0, 2, 3}, layer.forward(Tensor.zeros(0, 6)).shape());
        assertArrayEquals(new int[] {0, 2, 3}, layer.forward(Tensor.zeros(0, 3, 2)).shape());
        assertThrows(ShapeMismatchException.class, () -> layer.forward(Tensor.zeros(0, 5)));
        assertThrows(ShapeMismatchException.class, () -> layer.forward(Tensor.zeros(2, 5)));
        assertArrayEquals(new int[] {3, 1}, new Reshape(1).forward(Tensor.zeros(3)).shape());   // rank 1: [B] → [B, 1]
    }

    @Test
    void layersNameThemselvesInMessages() {
        assertEquals("Flatten", new Flatten().describe());
        assertEquals("ReLU", new ReLU().describe());
        assertEquals("Sigmoid", new Sigmoid().describe());
        assertEquals("Tanh", new Tanh().describe());
        assertEquals("LeakyReLU(0.2)", new LeakyReLU(0.2f).describe());
        assertEquals(0.2f, new LeakyReLU(0.2f).alpha());
    }

    /**
     * A layer's output lives in an array the layer fills again on its next forward
     * (ReusedBuffer). Feeding a layer its own last output would read x while writing y over it:
     * the layers refuse it once the new output is handed out, before the kernel reads x.
     */
    @Test
    void aLayerFedItsOwnLastOutputRefusesItInsteadOfReadingWhatItOverwrites() {
        Rng rng = new Rng(3);
        List<Layer> layers = List.of(new Linear(4, 4, rng), new Conv2d(2, 2, 3, 1, 1, rng),
                new ConvTranspose2d(2, 2, 3, 1, 1, 0, rng));
        List<Tensor> inputs = List.of(Tensor.zeros(2, 4), Tensor.zeros(1, 2, 5, 5), Tensor.zeros(1, 2, 5, 5));
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Tensor x = inputs.get(i);
            Tensor y = layer.forward(x);
            assertArrayEquals(x.shape(), y.shape(), layer.describe() + " keeps the shape here");
            StaleTensorException e = assertThrows(StaleTensorException.class, () -> layer.forward(y), layer.describe());
            assertTrue(e.getMessage().contains(layer.describe() + " output"), e.getMessage());
            assertDoesNotThrow(() -> layer.forward(x), layer.describe() + " takes a fresh input again");
        }
    }
}
