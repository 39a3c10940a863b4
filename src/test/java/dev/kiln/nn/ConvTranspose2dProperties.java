package dev.kiln.nn;

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

import java.util.Arrays;

import static dev.kiln.testing.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvTranspose2dProperties {

    @Property(tries = 50)
    @StatisticsReport(onFailureOnly = true)
    @Label("ConvTranspose2d backward matches central differences for input, weight and bias")
    void convTransposeBackwardMatchesCentralDifferences(@ForAll("transposedConvolutions") ConvGeometries.Transposed t,
                                                        @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Statistics.label("size-1 axis").collect(t.hasSizeOneAxis());
        Statistics.label("stride").collect(t.stride());
        Statistics.label("outputPadding").collect(t.outputPadding());
        Statistics.label("pad").collect(t.pad());

        Rng rng = new Rng(seed);
        ConvTranspose2d layer = new ConvTranspose2d(t.inC(), t.outC(), t.k(), t.stride(), t.pad(), t.outputPadding(),
                rng);
        Tensor u = Tensor.zeros(t.batch(), t.inC(), t.h(), t.w());
        rng.fillGaussian(u.data, u.size());                      // N(0, 1) inputs
        GradCheck.checkLayer(layer, u, seed + 1,
                param("weight", t.inC(), t.outC(), t.k(), t.k()), param("bias", t.outC()));

        Statistics.label("size-1 axis").coverage(c -> c.check(true).percentage(p -> p > 20));
        Statistics.label("stride").coverage(c -> c.check(2).percentage(p -> p > 20));
        Statistics.label("outputPadding").coverage(c -> c.check(1).count(n -> n > 0));
        Statistics.label("pad").coverage(c -> c.check(2).count(n -> n > 0));
    }

    /**
     * The identity that defines a transposed convolution, and so ties the two layers together:
     * with the same weights (Conv2d's [outC, inC, k, k] is ConvTranspose2d's [inC, outC, k, k] for the
     * channel counts swapped) and zero biases, ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩ for every x and y.
     */
    @Property(tries = 60)
    @StatisticsReport(onFailureOnly = true)
    @Label("ConvTranspose2d is the adjoint of Conv2d: <conv(x), y> = <x, convT(y)>")
    void convTransposeIsTheAdjointOfConv(@ForAll("transposedConvolutions") ConvGeometries.Transposed t,
                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Statistics.label("stride").collect(t.stride());
        Rng rng = new Rng(seed);
        ConvTranspose2d convT = new ConvTranspose2d(t.inC(), t.outC(), t.k(), t.stride(), t.pad(), t.outputPadding(),
                rng);
        Conv2d conv = new Conv2d(t.outC(), t.inC(), t.k(), t.stride(), t.pad(), rng);
        System.arraycopy(convT.weight().value.data, 0, conv.weight().value.data, 0, conv.weight().size());
        Arrays.fill(convT.bias().value.data, 0f);
        Arrays.fill(conv.bias().value.data, 0f);

        Tensor x = Tensor.zeros(t.batch(), t.outC(), t.outH(), t.outW());    // big side
        Tensor y = Tensor.zeros(t.batch(), t.inC(), t.h(), t.w());           // small side
        rng.fillGaussian(x.data, x.size());
        rng.fillGaussian(y.data, y.size());

        Tensor convX = conv.forward(x);
        Tensor convTY = convT.forward(y);
        assertArrayEquals(y.shape(), convX.shape(), "conv must map the big side back onto the small side");
        assertArrayEquals(x.shape(), convTY.shape(), "convT must map the small side onto the big side");
        double left = GradCheck.dot(convX.data, y.data);
        double right = GradCheck.dot(x.data, convTY.data);
        double scale = absDot(convX.data, y.data) + absDot(x.data, convTY.data);
        assertEquals(left, right, Tolerances.F32_REL * scale, "<conv(x), y> vs <x, convT(y)> for " + t);

        Statistics.label("stride").coverage(c -> c.check(2).percentage(p -> p > 20));
    }

    @Property(tries = 60)
    @Label("ConvTranspose2d output size is (H − 1)·stride − 2·pad + k + outputPadding")
    void convTransposeOutputSizeFollowsTheFormula(@ForAll("transposedConvolutions") ConvGeometries.Transposed t) {
        ConvTranspose2d layer = new ConvTranspose2d(t.inC(), t.outC(), t.k(), t.stride(), t.pad(), t.outputPadding(),
                new Rng(1));
        Tensor v = layer.forward(Tensor.zeros(t.batch(), t.inC(), t.h(), t.w()));
        int outH = (t.h() - 1) * t.stride() - 2 * t.pad() + t.k() + t.outputPadding();
        int outW = (t.w() - 1) * t.stride() - 2 * t.pad() + t.k() + t.outputPadding();
        assertArrayEquals(new int[] {t.batch(), t.outC(), outH, outW}, v.shape());
    }

    @Provide
    Arbitrary<ConvGeometries.Transposed> transposedConvolutions() {
        return ConvGeometries.transposedConvolutions();
    }

    // ---------------------------------------------------------------- output sizes, worked examples

    @Example
    void outputSizesOfTypicalDecoderLayers() {
        assertEquals(14, layer(4, 2, 1, 0).outputSize(7));     // 7 → 14, the usual 2× upsampling
        assertEquals(28, layer(4, 2, 1, 0).outputSize(14));
        assertEquals(6, layer(3, 2, 1, 1).outputSize(3));      // (3−1)·2 − 2 + 3 + 1
        assertEquals(5, layer(3, 2, 1, 0).outputSize(3));      // the size outputPadding disambiguates
        assertEquals(4, layer(3, 1, 0, 0).outputSize(2));      // stride 1, no pad: "full" convolution
        assertEquals(1, layer(1, 1, 0, 0).outputSize(1));
        Tensor v = layer(4, 2, 1, 0).forward(Tensor.zeros(2, 1, 7, 3));
        assertArrayEquals(new int[] {2, 1, 14, 6}, v.shape());
    }

    /**
     * u = [[1,2],[3,4]], W = [[1,10],[100,1000]], stride 1, pad 0: v[r,s] = Σ u[i,j]·W[r−i, s−j], the
     * "full" convolution, 3×3; the digits of each entry show which products it holds.
     */
    @Example
    void strideOneTransposedConvolutionIsTheFullConvolution() {
        ConvTranspose2d layer = tinyLayer(1, 0, 0);
        Tensor v = layer.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new int[] {1, 1, 3, 3}, v.shape());
        assertArrayEquals(new float[] {
                1, 12, 20,
                103, 1234, 2040,
                300, 3400, 4000}, v.data);
    }

    /** pad 1 crops one row/column from each side of the full 3×3 result above: only its centre is left. */
    @Example
    void padCropsTheFullOutput() {
        Tensor v = tinyLayer(1, 1, 0).forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new int[] {1, 1, 1, 1}, v.shape());
        assertArrayEquals(new float[] {1234}, v.data);
    }

    /**
     * Stride 2 with a 2×2 kernel: each input value stamps u[i,j]·W into its own 2×2 block, no overlap;
     * outputPadding 1 adds a last row and column that receive only the bias (here 0.5).
     */
    @Example
    void strideTwoStampsTheKernelOncePerInputValue() {
        ConvTranspose2d layer = tinyLayer(2, 0, 1);
        layer.bias().value.data[0] = 0.5f;
        Tensor v = layer.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new int[] {1, 1, 5, 5}, v.shape());
        float b = 0.5f;
        assertArrayEquals(new float[] {
                1 + b, 10 + b, 2 + b, 20 + b, b,
                100 + b, 1000 + b, 200 + b, 2000 + b, b,
                3 + b, 30 + b, 4 + b, 40 + b, b,
                300 + b, 3000 + b, 400 + b, 4000 + b, b,
                b, b, b, b, b}, v.data);
    }

    /** Weight layout [inC, outC, k, k]: W[c_in=0] and W[c_in=1] are summed, weighted by u's two channels. */
    @Example
    void weightLayoutIsInputChannelsFirst() {
        ConvTranspose2d layer = new ConvTranspose2d(2, 1, 2, 1, 0, 0, new Rng(1));
        System.arraycopy(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 0, layer.weight().value.data, 0, 8);
        layer.bias().value.data[0] = 0f;
        Tensor v = layer.forward(Tensor.of(new float[] {1, 2}, 1, 2, 1, 1));   // u[c=0] = 1, u[c=1] = 2
        assertArrayEquals(new float[] {21, 42, 63, 84}, v.data);
    }

    /** Backward of the stride-2 example with dv = ones: du[i,j] = Σ W, dW[p,q] = Σ u, dbias = #outputs. */
    @Example
    void strideTwoBackwardMatchesHandComputation() {
        ConvTranspose2d layer = tinyLayer(2, 0, 1);
        layer.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        float[] ones = new float[25];
        Arrays.fill(ones, 1f);
        Tensor du = layer.backward(Tensor.of(ones, 1, 1, 5, 5));
        assertArrayEquals(new float[] {1111, 1111, 1111, 1111}, du.data);
        assertArrayEquals(new float[] {10, 10, 10, 10}, layer.weight().grad);
        assertArrayEquals(new float[] {25}, layer.bias().grad);
    }

    /** fanIn = inC·k²/stride²: 4·16/4 = 16 taps reach each output value, so the Kaiming bound is √(6/16). */
    @Example
    void initialWeightsUseTheStrideAwareFanIn() {
        ConvTranspose2d layer = new ConvTranspose2d(4, 8, 4, 2, 1, 0, new Rng(7));
        double bound = Math.sqrt(6.0 / 16);
        double maxAbs = 0;
        for (float w : layer.weight().value.data) maxAbs = Math.max(maxAbs, Math.abs(w));
        assertTrue(maxAbs <= bound && maxAbs > 0.8 * bound, "max |w| = " + maxAbs + ", bound " + bound);
        double biasBound = 1 / Math.sqrt(16);
        for (float b : layer.bias().value.data) assertTrue(Math.abs(b) <= biasBound, "bias " + b);
    }

    // ---------------------------------------------------------------- validation

    @Example
    void outputPaddingMustBeBelowStride() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(1, 1, 3, 2, 1, 2, new Rng(1)));
        assertTrue(e.getMessage().contains("outputPadding") && e.getMessage().contains("[0, 2)"), e.getMessage());
    }

    @Example
    void padThatCropsEverythingThrowsNamingTheLayerAndInput() {
        ConvTranspose2d layer = new ConvTranspose2d(1, 1, 1, 1, 1, 0, new Rng(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Tensor.zeros(1, 1, 1, 1)));
        assertTrue(e.getMessage().contains("ConvTranspose2d(1→1, k1, s1, p1, op0)"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 1, 1, 1]"), e.getMessage());
    }

    @Example
    void wrongChannelCountNamesBothShapes() {
        ConvTranspose2d layer = new ConvTranspose2d(8, 3, 4, 2, 1, 0, new Rng(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Tensor.zeros(2, 3, 7, 7)));
        assertTrue(e.getMessage().contains("[2, 3, 7, 7]") && e.getMessage().contains("[*, 8, *, *]"),
                e.getMessage());
    }

    private static ConvTranspose2d layer(int k, int stride, int pad, int outputPadding) {
        return new ConvTranspose2d(1, 1, k, stride, pad, outputPadding, new Rng(1));
    }

    /** 1→1 channel, 2×2 kernel [[1,10],[100,1000]], bias 0. */
    private static ConvTranspose2d tinyLayer(int stride, int pad, int outputPadding) {
        ConvTranspose2d layer = new ConvTranspose2d(1, 1, 2, stride, pad, outputPadding, new Rng(1));
        System.arraycopy(new float[] {1, 10, 100, 1000}, 0, layer.weight().value.data, 0, 4);
        layer.bias().value.data[0] = 0f;
        return layer;
    }

    private static double absDot(float[] a, float[] b) {
        double acc = 0;
        for (int i = 0; i < a.length; i++) acc += Math.abs((double) a[i] * b[i]);
        return acc;
    }
}
