package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReparameterizeProperties {

    @Property(tries = 40)
    @Label("The same seed gives bit-identical samples")
    void sameSeedGivesBitIdenticalSamples(@ForAll @IntRange(min = 1, max = 4) int batch,
                                          @ForAll @IntRange(min = 1, max = 8) int dims,
                                          @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng inputs = new Rng(seed);
        Tensor mu = LossCases.gaussian(inputs, 2.0, batch, dims);
        Tensor logVar = LossCases.gaussian(inputs, 2.0, batch, dims);
        Reparameterize a = new Reparameterize(new Rng(seed + 7));
        Reparameterize b = new Reparameterize(new Rng(seed + 7));
        assertArrayEquals(a.forward(mu, logVar).data, b.forward(mu, logVar).data);
        assertArrayEquals(a.forward(mu, logVar).data, b.forward(mu, logVar).data);   // and the next draw too
    }

    @Example
    void differentSeedsGiveDifferentSamples() {
        Tensor mu = Tensor.zeros(2, 3);
        Tensor logVar = Tensor.zeros(2, 3);
        float[] a = new Reparameterize(new Rng(1)).forward(mu, logVar).data;
        float[] b = new Reparameterize(new Rng(2)).forward(mu, logVar).data;
        assertFalse(Arrays.equals(a, b));
    }

    @Property(tries = 40)
    @Label("z equals μ + exp(½·logVar)·ε for the ε that was drawn, logVar in [−30, 30]")
    void forwardIsMuPlusSigmaTimesEpsilon(@ForAll @IntRange(min = 1, max = 4) int batch,
                                          @ForAll @IntRange(min = 1, max = 8) int dims,
                                          @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor mu = LossCases.gaussian(rng, 2.0, batch, dims);
        Tensor logVar = Tensor.zeros(batch, dims);
        for (int i = 0; i < logVar.size(); i++) logVar.data[i] = rng.uniform(-30f, 30f);
        Reparameterize op = new Reparameterize(rng.split());
        Tensor z = op.forward(mu, logVar);
        Tensor eps = op.lastNoise();
        for (int i = 0; i < z.size(); i++) {
            double expected = mu.data[i] + Math.exp(0.5 * logVar.data[i]) * eps.data[i];
            assertEquals(expected, z.data[i], Tolerances.F32_REL * Math.max(1, Math.abs(expected)), "index " + i);
        }
    }

    @Property(tries = 40)
    @Label("Reparameterize backward matches central differences with ε held fixed")
    void backwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 4) int batch,
                                           @ForAll @IntRange(min = 1, max = 6) int dims,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor mu = LossCases.gaussian(rng, 2.0, batch, dims);
        Tensor logVar = LossCases.gaussian(rng, 1.5, batch, dims);
        Tensor eps = LossCases.gaussian(rng, 1.0, batch, dims);
        float[] r = new float[batch * dims];
        rng.fillGaussian(r, r.length);
        Reparameterize op = new Reparameterize(new Rng(seed));
        op.forward(mu, logVar, eps);
        Reparameterize.Grads g = op.backward(Tensor.of(r.clone(), batch, dims));
        GradCheck.check("reparameterize ∂/∂mu", mu.data, g.dMu().data,
                () -> GradCheck.dot(r, op.forward(mu, logVar, eps).data), rng);
        GradCheck.check("reparameterize ∂/∂logVar", logVar.data, g.dLogVar().data,
                () -> GradCheck.dot(r, op.forward(mu, logVar, eps).data), rng);
    }

    @Example
    void theDeterministicModeReturnsTheMeanDrawsNoNoiseAndPassesNoGradientToLogVar() {
        Tensor mu = Tensor.of(new float[] {0.5f, -2f, 3f}, 1, 3);
        Tensor logVar = Tensor.of(new float[] {1f, -1f, 0f}, 1, 3);
        Rng rng = new Rng(42);
        Reparameterize op = new Reparameterize(rng);
        Tensor z = op.forwardMean(mu, logVar);
        assertArrayEquals(mu.data, z.data);
        assertEquals(new Rng(42).nextLong(), rng.nextLong(), "forwardMean must not consume randomness");
        Reparameterize.Grads g = op.backward(Tensor.of(new float[] {1f, 2f, 3f}, 1, 3));
        assertArrayEquals(new float[] {1f, 2f, 3f}, g.dMu().data);
        for (float d : g.dLogVar().data) assertTrue(d == 0f, "dlogVar " + d);
    }

    @Example
    void mismatchedShapesAreRefusedNamingBoth() {
        Reparameterize op = new Reparameterize(new Rng(1));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> op.forward(Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }
}
