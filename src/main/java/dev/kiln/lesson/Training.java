package dev.kiln.lesson;

import dev.kiln.backend.Backends;
import dev.kiln.data.FashionMnist;
import dev.kiln.loss.BceWithLogits;
import dev.kiln.loss.GaussianKl;
import dev.kiln.loss.Reduction;
import dev.kiln.model.Vae;
import dev.kiln.optim.Adam;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lesson's training loop: one MLP model ({@link dev.kiln.model.Vae}, run as a VAE or as the
 * autoencoder, see {@link Objective}) on Fashion-MNIST images {@code [B, 784]} in [0, 1], with
 * Adam. It is pytorch/examples' vae/main.py {@code train()}, written out:
 * <pre>
 *   for each epoch:
 *     shuffle the training images (Rng.shuffle)
 *     for each batch x [B, 784]:  step(x)
 *   step(x):
 *     zero the gradients
 *     forward   μ, log σ², z, logits = vae.forward(x, sample z?)
 *     loss      recon = Σ_pixels BCE(logits, x), mean over the batch            nats per image
 *               kl    = Σ_dims ½(μ² + σ² − 1 − log σ²), mean over the batch        nats per image
 *               L     = recon + β·kl                                              (autoencoder: L = recon)
 *     backward  ∂L/∂logits from BCE, ∂L/∂μ and ∂L/∂log σ² from the KL, then vae.backward
 *     Adam step
 * </pre>
 * pytorch/examples sums the loss over the batch too; the mean over the batch used here differs by
 * the constant factor B, which Adam's update m̂/√v̂ ignores (up to its ε).
 */
public final class Training {

    /**
     * How a model is trained.
     *
     * @param epochs       passes over the training images, ≥ 1
     * @param batchSize    images per step, ≥ 1 (128 in pytorch/examples)
     * @param learningRate Adam's learning rate, &gt; 0 (1e-3 in pytorch/examples)
     */
    public record Settings(int epochs, int batchSize, float learningRate) {
        public Settings {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be a finite number > 0, got " + learningRate);
            }
        }

        /** pytorch/examples' settings: batch 128, Adam 1e-3, for the given number of epochs. */
        public static Settings pytorchExamples(int epochs) {
            return new Settings(epochs, 128, 1e-3f);
        }
    }

    /**
     * One batch's (or one epoch's average) losses, per image, in nats.
     *
     * @param loss  what was minimised: recon + β·kl (recon for the autoencoder)
     * @param recon Σ over pixels of the Bernoulli negative log-likelihood
     * @param kl    Σ over latent dimensions of KL(N(μ, σ²) ‖ N(0, 1)); NaN for the autoencoder,
     *              which has no σ
     */
    public record Losses(double loss, double recon, double kl) {}

    /** One epoch: its number (from 1), the average training losses, and its wall time. */
    public record Epoch(int epoch, Losses train, double seconds) {}

    /**
     * Per-image averages over a whole split.
     *
     * @param recon  Σ_pixels BCE, with z sampled for a VAE (z = μ for the autoencoder)
     * @param kl     Σ_dims KL; NaN for the autoencoder
     * @param images how many images were averaged
     */
    public record Evaluation(double recon, double kl, int images) {
        /**
         * recon + KL: for a VAE this is the negative ELBO, an upper bound on −log p(x), estimated
         * with one z per image. NaN for the autoencoder.
         */
        public double negativeElbo() {
            return recon + kl;
        }
    }

    private final Vae vae;
    private final Objective objective;
    private final Settings settings;
    private final Adam adam;
    private final BceWithLogits bce = new BceWithLogits(Reduction.BATCH_MEAN);   // Σ pixels, mean batch
    private final GaussianKl kl = new GaussianKl();

    public Training(Vae vae, Objective objective, Settings settings) {
        this.vae = vae;
        this.objective = objective;
        this.settings = settings;
        this.adam = new Adam(vae.params(), Adam.Config.adam(settings.learningRate()));
    }

    /** Trains for {@code settings.epochs()} epochs; {@code afterEach} sees every epoch as it ends. */
    public List<Epoch> run(FashionMnist data, Rng shuffle, Consumer<Epoch> afterEach) {
        List<Epoch> epochs = new ArrayList<>();
        for (int e = 1; e <= settings.epochs(); e++) {
            Epoch epoch = epoch(e, data, shuffle);
            epochs.add(epoch);
            afterEach.accept(epoch);
        }
        return epochs;
    }

    /** One pass over {@code data} in a fresh random order; returns the average losses. */
    public Epoch epoch(int number, FashionMnist data, Rng shuffle) {
        long t0 = System.nanoTime();
        int n = data.size();
        int[] order = new int[n];                          // [N] image indices
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle.shuffle(order);
        double sumLoss = 0, sumRecon = 0, sumKl = 0;       // Σ over images
        for (int from = 0; from < n; from += settings.batchSize()) {
            int[] idx = Arrays.copyOfRange(order, from, Math.min(n, from + settings.batchSize()));
            Losses l = step(data.batch(idx));
            sumLoss += l.loss() * idx.length;
            sumRecon += l.recon() * idx.length;
            sumKl += l.kl() * idx.length;
        }
        Losses mean = new Losses(sumLoss / n, sumRecon / n, sumKl / n);
        return new Epoch(number, mean, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * One batch through the model: forward, loss, backward, one Adam step.
     *
     * @param x the images, [B, 784] in [0, 1]; they are also the reconstruction targets
     * @return the batch's losses, per image
     */
    public Losses step(Tensor x) {
        int batch = x.dim(0);
        adam.zeroGrad();

        // 1. forward: encoder → μ, log σ² [B, D] → z [B, D] → decoder logits [B, 784]
        Vae.Pass pass = vae.forward(x, objective.sampleZ());

        // 2. reconstruction: Σ_pixels −log Bernoulli(x | σ(logits)), mean over the batch
        double recon = bce.forward(pass.out(), x);
        Tensor dLogits = bce.backward();                                // [B, 784] (σ(logits) − x)/B

        if (objective.isAutoencoder()) {
            // 3a. the autoencoder: no KL; backward through decoder, μ head and encoder
            vae.backward(dLogits, null, null);
            adam.step();
            return new Losses(recon, recon, Double.NaN);
        }

        // 3b. KL(N(μ, σ²) ‖ N(0, I)) per image and dimension, closed form, [B, D]
        Tensor klMatrix = kl.forward(pass.mu(), pass.logVar());
        double klPerImage = Backends.current().sum(klMatrix.data, 0, klMatrix.size()) / batch;
        Tensor dKl = klMatrix.zerosLike();                              // ∂(β·Σ kl / B)/∂kl[b, j] = β/B
        Arrays.fill(dKl.data, (float) (objective.beta() / batch));
        GaussianKl.Grads g = kl.backward(dKl);

        // 4. backward through decoder, reparameterization, both heads and encoder; 5. Adam
        vae.backward(dLogits, g.dMu(), g.dLogVar());
        adam.step();
        return new Losses(recon + objective.beta() * klPerImage, recon, klPerImage);
    }

    /**
     * Reconstruction and KL per image over all of {@code data}, without training: z is sampled
     * (one ε per image, from the model's own noise generator) for a VAE, so recon + KL is the usual
     * one-sample estimate of the negative ELBO; z = μ for the autoencoder.
     */
    public static Evaluation evaluate(Vae vae, Objective objective, FashionMnist data, int batchSize) {
        BceWithLogits bce = new BceWithLogits(Reduction.SUM);
        GaussianKl kl = new GaussianKl();
        int n = data.size();
        double sumRecon = 0, sumKl = 0;
        for (int from = 0; from < n; from += batchSize) {
            int[] idx = range(from, Math.min(n, from + batchSize));
            Tensor x = data.batch(idx);                                  // [B, 784]
            Vae.Pass pass = vae.forward(x, objective.sampleZ());
            sumRecon += bce.forward(pass.out(), x);
            if (!objective.isAutoencoder()) {
                Tensor k = kl.forward(pass.mu(), pass.logVar());         // [B, D]
                sumKl += Backends.current().sum(k.data, 0, k.size());
            }
        }
        return new Evaluation(sumRecon / n, objective.isAutoencoder() ? Double.NaN : sumKl / n, n);
    }

    /** {@code [from, from + 1, …, to − 1]}. */
    static int[] range(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return idx;
    }
}
