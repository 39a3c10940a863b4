package dev.kiln.model;

import dev.kiln.loss.BceWithLogits;
import dev.kiln.loss.GaussianKl;
import dev.kiln.loss.Reduction;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.Tanh;
import dev.kiln.optim.Adam;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end: the parts, put together as a VAE, learn. */
class VaeOverfitTest {
    static final int INPUTS = 8, PIXELS = 16, HIDDEN = 32, LATENT = 4, STEPS = 400;

    /** The negative ELBO (BCE summed per sample + KL summed per sample, batch mean) after each step. */
    static double[] train(long seed) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.zeros(INPUTS, PIXELS);               // 8 random binary patterns
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat() < 0.5f ? 1f : 0f;
        Vae vae = new Vae(new Sequential(new Linear(PIXELS, HIDDEN, rng), new Tanh()), HIDDEN, LATENT,
                new Sequential(new Linear(LATENT, HIDDEN, rng), new Tanh(), new Linear(HIDDEN, PIXELS, rng)), rng);
        Adam adam = new Adam(vae.params(), Adam.Config.adam(1e-2f));
        BceWithLogits recon = new BceWithLogits(Reduction.BATCH_MEAN);
        GaussianKl kl = new GaussianKl();
        double[] losses = new double[STEPS];
        for (int step = 0; step < STEPS; step++) {
            adam.zeroGrad();
            Vae.Pass pass = vae.forward(x, true);
            double r = recon.forward(pass.out(), x);
            Tensor klMatrix = kl.forward(pass.mu(), pass.logVar());        // [B, D]
            double k = dev.kiln.backend.Backends.current().sum(klMatrix.data, 0, klMatrix.size()) / INPUTS;
            losses[step] = r + k;
            Tensor dKl = klMatrix.zerosLike();                             // ∂(Σ KL / B)/∂kl = 1/B
            java.util.Arrays.fill(dKl.data, 1f / INPUTS);
            GaussianKl.Grads g = kl.backward(dKl);
            vae.backward(recon.backward(), g.dMu(), g.dLogVar());
            adam.step();
        }
        return losses;
    }

    @Test
    void negativeElboFallsByAtLeastAFactorOfThreeOnEightPatterns() {
        double[] losses = train(3);
        double first = losses[0];
        double last = (losses[STEPS - 1] + losses[STEPS - 2] + losses[STEPS - 3]) / 3;
        // Starts near 16·log 2 ≈ 11 nats; the best a VAE can do here is about log 8 ≈ 2.1 nats of KL.
        assertTrue(first > 9, "initial loss " + first);
        assertTrue(last < first / 3, "loss fell only from " + first + " to " + last);
    }

    @Test
    void sameSeedGivesBitIdenticalTraining() {
        assertArrayEquals(train(11), train(11));
    }
}
