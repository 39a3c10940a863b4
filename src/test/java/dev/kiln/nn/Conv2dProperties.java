package dev.kiln.nn;

import dev.kiln.backend.ConvShape;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static dev.kiln.testing.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Conv2dProperties {

    @Property(tries = 50)
    @StatisticsReport(onFailureOnly = true)
    @Label("Conv2d backward matches central differences for input, weight and bias")
    void conv2dBackwardMatchesCentralDifferences(@ForAll("convolutions") ConvGeometries.Conv g,
                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Statistics.label("size-1 axis").collect(g.hasSizeOneAxis());
        Statistics.label("stride").collect(g.stride());
        Statistics.label("pad").collect(g.pad());
        Statistics.label("kernel wider than unpadded input").collect(g.k() > Math.min(g.h(), g.w()));

        Rng rng = new Rng(seed);
        Conv2d layer = new Conv2d(g.inC(), g.outC(), g.k(), g.stride(), g.pad(), rng);
        Tensor x = Tensor.zeros(g.batch(), g.inC(), g.h(), g.w());
        rng.fillGaussian(x.data, x.size());                      // N(0, 1) inputs
        GradCheck.checkLayer(layer, x, seed + 1,
                param("weight", g.outC(), g.inC(), g.k(), g.k()), param("bias", g.outC()));

        Statistics.label("size-1 axis").coverage(c -> c.check(true).percentage(p -> p > 20));
        Statistics.label("stride").coverage(c -> c.check(2).percentage(p -> p > 20));
        Statistics.label("pad").coverage(c -> {
            c.check(0).count(n -> n > 0);
            c.check(2).count(n -> n > 0);
        });
        Statistics.label("kernel wider than unpadded input").coverage(c -> c.check(true).count(n -> n > 0));
    }

    @Property(tries = 60)
    @Label("Conv2d output size is floor((H + 2·pad − k) / stride) + 1")
    void conv2dOutputSizeFollowsTheFormula(@ForAll("convolutions") ConvGeometries.Conv g) {
        Conv2d layer = new Conv2d(g.inC(), g.outC(), g.k(), g.stride(), g.pad(), new Rng(1));
        Tensor y = layer.forward(Tensor.zeros(g.batch(), g.inC(), g.h(), g.w()));
        int outH = Math.floorDiv(g.h() + 2 * g.pad() - g.k(), g.stride()) + 1;
        int outW = Math.floorDiv(g.w() + 2 * g.pad() - g.k(), g.stride()) + 1;
        assertArrayEquals(new int[] {g.batch(), g.outC(), outH, outW}, y.shape());
    }

    @Provide
    Arbitrary<ConvGeometries.Conv> convolutions() {
        return ConvGeometries.convolutions();
    }

    // ---------------------------------------------------------------- worked examples by hand

    /**
     * x = [[1,2,3],[4,5,6],[7,8,9]], W = [[1,2],[3,4]], bias 0.5, stride 1, pad 0:
     * y[i,j] = x[i,j] + 2·x[i,j+1] + 3·x[i+1,j] + 4·x[i+1,j+1] + 0.5.
     */
    @Example
    void tinyConvolutionStride1Pad0MatchesHandComputation() {
        Conv2d layer = tinyLayer(1, 0);
        Tensor y = layer.forward(tinyInput());
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        // 1+4+12+20, 2+6+15+24, 4+10+21+32, 5+12+24+36, each + 0.5
        assertArrayEquals(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, y.data);
    }

    /**
     * Same x and W, stride 2, pad 1: output rows read input rows {−1, 0} and {1, 2} (likewise
     * columns), the −1 being padding. y[0,0] = 4·1, y[0,1] = 3·2 + 4·3, y[1,0] = 2·4 + 4·7,
     * y[1,1] = 1·5 + 2·6 + 3·8 + 4·9.
     */
    @Example
    void tinyConvolutionStride2Pad1MatchesHandComputation() {
        Conv2d layer = tinyLayer(2, 1);
        Tensor y = layer.forward(tinyInput());
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {4.5f, 18.5f, 36.5f, 77.5f}, y.data);
    }

    /**
     * With dy = all ones (stride 1, pad 0): dx[r,s] is the sum of the weights that touch (r,s),
     * dW[p,q] the sum of the 2×2 window of x at offset (p,q), dbias the number of outputs.
     */
    @Example
    void tinyConvolutionBackwardMatchesHandComputation() {
        Conv2d layer = tinyLayer(1, 0);
        layer.forward(tinyInput());
        Tensor dx = layer.backward(Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2));
        assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, dx.data);
        // windows: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
        assertArrayEquals(new float[] {12, 16, 24, 28}, layer.weight().grad);
        assertArrayEquals(new float[] {4}, layer.bias().grad);
    }

    /** Channels: y[o] = Σ_c W[o,c] * x[c]; a 1×1 kernel mixes channels only. */
    @Example
    void oneByOneKernelMixesChannelsWithWeightLayoutOutInFirst() {
        Conv2d layer = new Conv2d(2, 1, 1, 1, 0, new Rng(3));
        System.arraycopy(new float[] {10, 100}, 0, layer.weight().value.data, 0, 2);   // W[0,0], W[0,1]
        layer.bias().value.data[0] = 0f;
        Tensor y = layer.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 1, 2));    // x[c=0]=[1,2], x[c=1]=[3,4]
        assertArrayEquals(new float[] {310, 420}, y.data);
    }

    // ---------------------------------------------------------------- validation

    @Example
    void kernelLargerThanPaddedInputThrowsNamingKernelAndInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvShape.conv(1, 1, 2, 2, 1, 5, 1, 1));
        assertTrue(e.getMessage().contains("kernel 5"), e.getMessage());
        assertTrue(e.getMessage().contains("larger than padded input"), e.getMessage());

        Conv2d layer = new Conv2d(1, 1, 5, 1, 1, new Rng(1));
        ShapeMismatchException viaLayer = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Tensor.zeros(3, 1, 2, 8)));
        assertTrue(viaLayer.getMessage().contains("Conv2d(1→1, k5, s1, p1)"), viaLayer.getMessage());
        assertTrue(viaLayer.getMessage().contains("[3, 1, 2, 8]"), viaLayer.getMessage());
        assertTrue(viaLayer.getMessage().contains("kernel 5 larger than padded input 4x10"), viaLayer.getMessage());
    }

    @Example
    void kernelExactlyAsWideAsPaddedInputGivesOneOutput() {
        Tensor y = new Conv2d(1, 1, 4, 3, 1, new Rng(1)).forward(Tensor.zeros(1, 1, 2, 2));
        assertArrayEquals(new int[] {1, 1, 1, 1}, y.shape());
    }

    @Example
    void wrongChannelCountNamesBothShapes() {
        Conv2d layer = new Conv2d(3, 2, 3, 1, 1, new Rng(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.forward(Tensor.zeros(4, 1, 8, 8)));
        assertTrue(e.getMessage().contains("[4, 1, 8, 8]"), e.getMessage());
        assertTrue(e.getMessage().contains("[*, 3, *, *]"), e.getMessage());
    }

    @Example
    void wrongGradientShapeInBackwardNamesBothShapes() {
        Conv2d layer = new Conv2d(1, 2, 3, 1, 0, new Rng(1));
        layer.forward(Tensor.zeros(2, 1, 5, 5));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.backward(Tensor.zeros(2, 2, 5, 5)));
        assertTrue(e.getMessage().contains("[2, 2, 5, 5]") && e.getMessage().contains("[2, 2, 3, 3]"),
                e.getMessage());
    }

    @Example
    void invalidHyperparametersAreRejectedByName() {
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(1, 1, 3, 0, 0, new Rng(1)));
        assertTrue(stride.getMessage().contains("stride"), stride.getMessage());
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(1, 1, 3, 1, -1, new Rng(1)));
        assertTrue(pad.getMessage().contains("pad"), pad.getMessage());
    }

    @Example
    void initialWeightsAreKaimingUniformWithFanInOfChannelsTimesKernelArea() {
        int inC = 4;
        int k = 3;
        Conv2d layer = new Conv2d(inC, 8, k, 1, 1, new Rng(7));
        double bound = Math.sqrt(6.0 / (inC * k * k));
        double maxAbs = 0;
        for (float w : layer.weight().value.data) maxAbs = Math.max(maxAbs, Math.abs(w));
        assertTrue(maxAbs <= bound && maxAbs > 0.8 * bound, "max |w| = " + maxAbs + ", bound " + bound);
        assertEquals(8, layer.bias().size());
    }

    private static Tensor tinyInput() {
        return Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    }

    /** 1→1 channel, 2×2 kernel [[1,2],[3,4]], bias 0.5. */
    private static Conv2d tinyLayer(int stride, int pad) {
        Conv2d layer = new Conv2d(1, 1, 2, stride, pad, new Rng(1));
        System.arraycopy(new float[] {1, 2, 3, 4}, 0, layer.weight().value.data, 0, 4);
        layer.bias().value.data[0] = 0.5f;
        return layer;
    }
}
