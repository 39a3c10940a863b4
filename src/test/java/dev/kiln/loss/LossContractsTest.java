package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contracts of the losses beyond their values: every shape check refuses two tensors of the
 * same size but a different shape (the case where a missing check would silently read the wrong
 * elements instead of failing), targets are refused from C on, and the accessors report what the
 * loss was built with.
 */
class LossContractsTest {

    private static Tensor ramp(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = 0.1f * i - 0.3f;
        return t;
    }

    @Test
    void aTargetEqualToTheClassCountIsRefusedByCrossEntropyAndFocalLoss() {
        Tensor logits = ramp(2, 3);                                       // B = 2, C = 3
        for (ClassLossCase loss : ClassLossCase.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loss.forward(logits, new int[] {0, 3}), loss.name());
            assertTrue(e.getMessage().contains("targets[1] = 3") && e.getMessage().contains("[0, 3)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loss.forward(logits, new int[] {-1, 0}), loss.name());
            assertThrows(ShapeMismatchException.class, () -> loss.forward(logits, new int[] {0, 1, 2}), loss.name());
            assertTrue(Double.isFinite(loss.forward(logits, new int[] {2, 0})), loss.name() + ": C − 1 is a class");
        }
    }

    private enum ClassLossCase {
        CROSS_ENTROPY, FOCAL;

        double forward(Tensor logits, int[] targets) {
            return this == CROSS_ENTROPY ? new CrossEntropy(Reduction.MEAN).forward(logits, targets)
                    : new FocalLoss(Reduction.MEAN, 2f, null).forward(logits, targets);
        }
    }

    @Test
    void focalLossRefusesAnAlphaOfTheWrongLengthAndAcceptsZeroWeights() {
        Tensor logits = ramp(2, 3);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new FocalLoss(Reduction.SUM, 2f, new float[] {1, 1}).forward(logits, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("alpha has length 2, expected C = 3"), e.getMessage());
        FocalLoss zeroAlpha = new FocalLoss(Reduction.SUM, 2f, new float[] {0f, 1f, 1f});   // α = 0 is allowed
        assertEquals(0.0, zeroAlpha.forward(logits, new int[] {0, 0}));
        assertEquals(2f, zeroAlpha.gamma());
        assertSame(Reduction.SUM, zeroAlpha.reduction());
        CrossEntropy zeroWeight = new CrossEntropy(Reduction.SUM, new float[] {0f, 1f, 1f});
        assertEquals(0.0, zeroWeight.forward(logits, new int[] {0, 0}));
    }

    @Test
    void classShapeReadsBCSAndCountsCellsAndLogits() {
        ClassShape s = ClassShape.of("t", Tensor.zeros(2, 3, 4, 5));
        assertEquals(new ClassShape(2, 3, 20), s);
        assertEquals(40, s.cells());
        assertEquals(120, s.size());
        assertEquals(6, ClassShape.of("t", Tensor.zeros(6, 7)).cells());
        assertEquals(42, ClassShape.of("t", Tensor.zeros(6, 7)).size());
    }

    @Test
    void everyLossReportsItsReduction() {
        assertSame(Reduction.MEAN, new BceWithLogits(Reduction.MEAN).reduction());
        assertSame(Reduction.SUM, new MseLoss(Reduction.SUM).reduction());
        assertSame(Reduction.SUM, new CrossEntropy(Reduction.SUM).reduction());
        assertSame(Reduction.MEAN, new FocalLoss(Reduction.MEAN, 0f, null).reduction());
    }

    @Test
    void klAndReparameterizeRefuseSameSizedTensorsOfAnotherShape() {
        Tensor mu = ramp(2, 3), other = ramp(3, 2);
        GaussianKl kl = new GaussianKl();
        assertThrows(ShapeMismatchException.class, () -> kl.forward(mu, other));
        kl.forward(mu, mu);
        assertThrows(ShapeMismatchException.class, () -> kl.backward(other));

        Reparameterize rp = new Reparameterize(new Rng(1));
        assertThrows(ShapeMismatchException.class, () -> rp.forward(mu, other));
        assertThrows(ShapeMismatchException.class, () -> rp.forward(mu, other, mu));
        assertThrows(ShapeMismatchException.class, () -> rp.forward(mu, mu, other));
        assertThrows(ShapeMismatchException.class, () -> rp.forwardMean(mu, other));
    }

    @Test
    void softmaxLayersRefuseAGradientOfAnotherShapeAndNameThemselves() {
        Tensor x = ramp(2, 3), other = ramp(3, 2);
        Softmax softmax = new Softmax();
        softmax.forward(x);
        assertThrows(ShapeMismatchException.class, () -> softmax.backward(other));
        LogSoftmax logSoftmax = new LogSoftmax();
        logSoftmax.forward(x);
        assertThrows(ShapeMismatchException.class, () -> logSoftmax.backward(other));
        assertEquals("Softmax(class axis)", softmax.describe());
        assertTrue(logSoftmax.describe().startsWith("LogSoftmax"), logSoftmax.describe());
    }

    @Test
    void gumbelSoftmaxChecksItsNoiseAndMaskAndNamesItsMode() {
        Tensor logits = ramp(2, 3);
        GumbelSoftmax soft = new GumbelSoftmax(0.5f, false, new Rng(3));
        GumbelSoftmax hard = new GumbelSoftmax(2f, true, new Rng(3));
        assertEquals("GumbelSoftmax(τ=0.5)", soft.describe());
        assertEquals("GumbelSoftmax(τ=2.0, straight-through)", hard.describe());
        assertEquals(0.5f, soft.temperature());
        assertFalse(soft.straightThrough());
        assertTrue(hard.straightThrough());

        assertThrows(ShapeMismatchException.class, () -> soft.forward(logits, null, ramp(3, 2)));
        assertThrows(ShapeMismatchException.class, () -> soft.forward(logits, new boolean[] {true, true}, logits));
        assertThrows(IllegalArgumentException.class, () -> soft.forward(logits, new boolean[3], logits));
        soft.forward(logits);
        assertThrows(ShapeMismatchException.class, () -> soft.backward(ramp(3, 2)));
    }

    @Test
    void aRefusedMaskConsumesNoRandomness() {
        Tensor logits = ramp(2, 3);
        GumbelSoftmax refused = new GumbelSoftmax(1f, false, new Rng(9));
        assertThrows(IllegalArgumentException.class, () -> refused.forward(logits, new boolean[3]));
        assertThrows(ShapeMismatchException.class, () -> refused.forward(logits, new boolean[2]));
        Tensor after = refused.forward(logits);
        Tensor fresh = new GumbelSoftmax(1f, false, new Rng(9)).forward(logits);
        assertArrayEquals(fresh.data, after.data, "the refused calls drew noise");
    }

    @Test
    void aRefusedReparameterizationConsumesNoRandomness() {
        Tensor mu = ramp(2, 3);
        Reparameterize refused = new Reparameterize(new Rng(5));
        assertThrows(ShapeMismatchException.class, () -> refused.forward(mu, ramp(3, 2)));
        Tensor after = refused.forward(mu, mu);
        assertArrayEquals(new Reparameterize(new Rng(5)).forward(mu, mu).data, after.data, "the refused call drew ε");
    }

    @Test
    void straightThroughPicksTheFirstClassOnATie() {
        Tensor logits = Tensor.of(new float[] {1f, 1f, 0f}, 1, 3);       // classes 0 and 1 tie
        Tensor noise = Tensor.zeros(1, 3);
        Tensor y = new GumbelSoftmax(1f, true, new Rng(1)).forward(logits, null, noise);
        assertArrayEquals(new float[] {1f, 0f, 0f}, y.data);
        Tensor masked = new GumbelSoftmax(1f, true, new Rng(1)).forward(logits, new boolean[] {false, true, true}, noise);
        assertArrayEquals(new float[] {0f, 1f, 0f}, masked.data);
    }
}
