package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.GridDataset;
import dev.kiln.data.SyntheticArc;
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
 * grids, seeded initialisation and noise, focal reconstruction plus β·KL (β constant), Adam. The
 * steps are the trainer's (forward, losses, KL, backward, optimizer step) without its files, so a
 * test can run them on the opencl backend, which the trainer's configs do not name yet.
 */
public final class ArcSteps {
    /** One logged step: reconstruction (nats per cell) and KL (nats per grid). */
    public record Step(double recon, double kl) {}

    /** The run's log and its final parameters. */
    public record Run(List<Step> steps, List<float[]> params) {}

    private ArcSteps() {}

    /**
     * Trains {@code steps} steps at batch {@code batch} on {@code backend} (restoring the previous
     * backend after), with channels c1, c2, dense width hidden and latent size D.
     */
    public static Run train(Backend backend, int steps, int batch, int c1, int c2, int hidden, int latent) {
        Backend before = Backends.current();
        Backends.use(backend);
        try {
            GridDataset data = GridDataset.ungrouped(SyntheticArc.generate(batch * 2, 12));
            Vae vae = Architectures.arcConv(c1, c2, hidden, latent, new Rng(12));
            Adam adam = new Adam(vae.params(), Adam.Config.adam(3e-3f));
            FocalLoss recon = new FocalLoss(Reduction.MEAN, 2f, null);
            GaussianKl kl = new GaussianKl();
            float beta = 0.5f;
            List<Step> log = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                int[] idx = new int[batch];
                for (int i = 0; i < batch; i++) idx[i] = (s * batch + i) % (batch * 2);
                GridDataset.Batch b = data.batch(idx);
                adam.zeroGrad();
                Vae.Pass pass = vae.forward(b.oneHot(), true);
                double r = recon.forward(pass.out().reshape(batch, GridDataset.CLASSES, GridDataset.CELLS), b.targets());
                Tensor klMatrix = kl.forward(pass.mu(), pass.logVar());            // [B, D]
                double klSum = 0;
                for (float v : klMatrix.data) klSum += v;
                Tensor dKl = klMatrix.zerosLike();
                java.util.Arrays.fill(dKl.data, beta / (batch * (float) GridDataset.CELLS));  // β·KL per cell
                GaussianKl.Grads g = kl.backward(dKl);
                Tensor dOut = recon.backward().reshape(pass.out().shape());
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
