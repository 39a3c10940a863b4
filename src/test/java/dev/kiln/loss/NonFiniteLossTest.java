package dev.kiln.loss;

import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A NaN or infinity reaching a loss is reported with the loss's name and the first bad input. */
class NonFiniteLossTest {

    private static String thrown(Executable e) {
        return assertThrows(NonFiniteException.class, e).getMessage();
    }

    private static Tensor logitsWith(float bad) {
        return Tensor.of(new float[] {0.1f, 0.2f, 0.3f, bad, 0.5f, 0.6f}, 2, 3);
    }

    @Test
    void crossEntropyNamesItselfAndTheNaNLogit() {
        String m = thrown(() -> new CrossEntropy(Reduction.MEAN).forward(logitsWith(Float.NaN), new int[] {0, 1}));
        assertEquals("cross_entropy: loss is NaN; logits[3] is NaN", m);
    }

    @Test
    void crossEntropyNamesAnInfiniteLogit() {
        String m = thrown(() -> new CrossEntropy(Reduction.SUM).forward(
                logitsWith(Float.POSITIVE_INFINITY), new int[] {0, 1}));
        assertTrue(m.startsWith("cross_entropy: loss is NaN; logits[3] is Infinity"), m);
    }

    @Test
    void focalNamesItself() {
        String m = thrown(() -> new FocalLoss(Reduction.MEAN, 2f, null).forward(logitsWith(Float.NaN), new int[] {2, 0}));
        assertTrue(m.startsWith("focal: loss is NaN; logits[3] is NaN"), m);
    }

    @Test
    void bceWithLogitsNamesItselfForANaNLogitAndForANaNTarget() {
        Tensor targets = Tensor.of(new float[] {0f, 1f, 0.5f, 1f, 0f, 1f}, 2, 3);
        String m = thrown(() -> new BceWithLogits(Reduction.MEAN).forward(logitsWith(Float.NaN), targets));
        assertTrue(m.startsWith("bce_with_logits: loss is NaN; logits[3] is NaN"), m);
        Tensor badTargets = Tensor.of(new float[] {0f, Float.NaN, 0.5f, 1f, 0f, 1f}, 2, 3);
        m = thrown(() -> new BceWithLogits(Reduction.MEAN).forward(logitsWith(0f), badTargets));
        assertTrue(m.startsWith("bce_with_logits: targets[1] is NaN"), m);
    }

    @Test
    void mseNamesItselfAndWhichInputIsBad() {
        Tensor finite = Tensor.zeros(2, 3);
        String m = thrown(() -> new MseLoss(Reduction.SUM).forward(logitsWith(Float.NaN), finite));
        assertTrue(m.startsWith("mse: loss is NaN; predictions[3] is NaN"), m);
        m = thrown(() -> new MseLoss(Reduction.SUM).forward(finite, logitsWith(Float.NEGATIVE_INFINITY)));
        assertTrue(m.startsWith("mse: loss is Infinity; targets[3] is -Infinity"), m);
    }

    @Test
    void mseSaysSoWhenFiniteInputsOverflow() {
        Tensor x = Tensor.of(new float[] {3e38f}, 1, 1);
        Tensor t = Tensor.of(new float[] {-3e38f}, 1, 1);
        String m = thrown(() -> new MseLoss(Reduction.SUM).forward(x, t));
        assertTrue(m.startsWith("mse: loss is Infinity; every input is finite"), m);
    }

    @Test
    void gaussianKlNamesItselfForANaNMeanAndForAnOverflowingLogVariance() {
        Tensor mu = Tensor.of(new float[] {0.1f, Float.NaN}, 1, 2);
        String m = thrown(() -> new GaussianKl().forward(mu, Tensor.zeros(1, 2)));
        assertTrue(m.startsWith("gaussian_kl: loss is NaN; mu[1] is NaN"), m);
        // e^100 overflows float: the KL itself is infinite although both inputs are finite
        Tensor logVar = Tensor.of(new float[] {0f, 100f}, 1, 2);
        m = thrown(() -> new GaussianKl().forward(Tensor.zeros(1, 2), logVar));
        assertTrue(m.startsWith("gaussian_kl: loss is Infinity; every input is finite"), m);
    }
}
