package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.GridDataset;
import dev.kiln.data.SyntheticArc;
import dev.kiln.loss.CrossEntropy;
import dev.kiln.loss.FocalLoss;
import dev.kiln.loss.GaussianKl;
import dev.kiln.loss.Reduction;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.nn.Param;
import dev.kiln.optim.Adam;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A short ARC training run of the convolutional VAE, the same on any backend: seeded synthetic
 * grids, seeded initialisation and noise, a focal or class-weighted cross-entropy reconstruction
 * plus β·KL (β constant), Adam. The
 * steps are the trainer's (forward, losses, KL, backward, optimizer step) without its files, so a
 * test can run them on the opencl backend, which the trainer's configs do not name yet.
 */
public final class ArcSteps {
    /** One logged step: reconstruction (nats per cell) and KL (nats per grid). */
    public record Step(double recon, double kl) {}

    /** The run's log and its final parameters. */
    public record Run(List<Step> steps, List<float[]> params) {}

    /** The reconstruction loss: focal (γ = 2, no α) or the demo's class-weighted cross-entropy. */
    public enum Recon { FOCAL, WEIGHTED_CE }

    /**
     * Class weights of the weighted-CE runs: background (class 0, most cells) light, the colours
     * heavy, the spread of inverse-frequency weights on ARC grids (w_c ∝ freq_c^−½).
     */
    static final float[] CLASS_WEIGHTS = {0.05f, 3f, 4f, 5f, 2f, 6f, 7f, 3f, 9f, 12f};

    private ArcSteps() {}

    /** {@link #train(Backend, int, int, int, int, int, int, Recon)} with the focal loss. */
    public static Run train(Backend backend, int steps, int batch, int c1, int c2, int hidden, int latent) {
        return train(backend, steps, batch, c1, c2, hidden, latent, Recon.FOCAL);
    }

    /**
     * Trains {@code steps} steps at batch {@code batch} on {@code backend} (restoring the previous
     * backend after), with channels c1, c2, dense width hidden and latent size D.
     */
    public static Run train(Backend backend, int steps, int batch, int c1, int c2, int hidden, int latent,
                            Recon loss) {
        Backend before = Backends.current();
        Backends.use(backend);
        try {
            GridDataset data = GridDataset.ungrouped(SyntheticArc.generate(batch * 2, 12));
            Vae vae = Architectures.arcConv(c1, c2, hidden, latent, new Rng(12));
            Adam adam = new Adam(vae.params(), Adam.Config.adam(3e-3f));
            FocalLoss focal = new FocalLoss(Reduction.MEAN, 2f, null);
            CrossEntropy weighted = new CrossEntropy(Reduction.MEAN, CLASS_WEIGHTS);
            GaussianKl kl = new GaussianKl();
            float beta = 0.5f;
            List<Step> log = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                int[] idx = new int[batch];
                for (int i = 0; i < batch; i++) idx[i] = (s * batch + i) % (batch * 2);
                GridDataset.Batch b = data.batch(idx);
                adam.zeroGrad();
                Vae.Pass pass = vae.forward(b.oneHot(), true);
                Tensor logits = pass.out().reshape(batch, GridDataset.CLASSES, GridDataset.CELLS);
                double r = loss == Recon.FOCAL ? focal.forward(logits, b.targets())
                        : weighted.forward(logits, b.targets());
                Tensor klMatrix = kl.forward(pass.mu(), pass.logVar());            // [B, D]
                double klSum = 0;
                for (float v : klMatrix.data) klSum += v;
                Tensor dKl = klMatrix.zerosLike();
                java.util.Arrays.fill(dKl.data, beta / (batch * (float) GridDataset.CELLS));  // β·KL per cell
                GaussianKl.Grads g = kl.backward(dKl);
                Tensor dLogits = loss == Recon.FOCAL ? focal.backward() : weighted.backward();
                Tensor dOut = dLogits.reshape(pass.out().shape());
                vae.backward(dOut, g.dMu(), g.dLogVar());
                adam.step();
                log.add(new Step(r, klSum / batch));
            }
            List<float[]> params = new ArrayList<>();
            for (Param p : vae.params()) params.add(p.value.data.clone());
            return new Run(log, params);
        } finally {
            Backends.use(before);
        }
    }
}
