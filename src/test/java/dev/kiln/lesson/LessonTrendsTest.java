package dev.kiln.lesson;

import dev.kiln.backend.Backends;
import dev.kiln.data.FashionMnist;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lesson's two claims about trained models, on a small seeded run of its own training loop
 * over synthetic shapes (400 training and 200 test images, 784-64-8 MLP, 15 epochs, batch 32):
 * <ul>
 *   <li>the β sweep: as β goes 0.1 → 1 → 5, KL falls and reconstruction error rises, each step by
 *       at least {@link Tolerances#BETA_SWEEP_MARGIN_NATS};</li>
 *   <li>the hook: decodings of z ~ N(0, I) lie further from the training images for the
 *       autoencoder than for the VAE (β = 1).</li>
 * </ul>
 * Every model starts from the same weights and sees the same batches, as in {@link Lesson}.
 */
class LessonTrendsTest {
    static final int TRAIN = 400, TEST = 200, HIDDEN = 64, LATENT = 8, EPOCHS = 15, BATCH = 32, SAMPLES = 64;
    static final long SEED = 1;
    static final double[] BETAS = {0.1, 1, 5};

    static FashionMnist train;
    static Training.Evaluation[] sweep;        // [3], by β
    static Vae autoencoder;
    static Vae vae;                            // β = 1

    @BeforeAll
    static void trainTheModels() {
        try (Backends.Scope fast = Backends.use(Backends.pick("fast"))) {
            train = SyntheticShapes.generate(TRAIN, SEED);
            FashionMnist test = SyntheticShapes.generate(TEST, SEED + 100);
            sweep = new Training.Evaluation[BETAS.length];
            for (int i = 0; i < BETAS.length; i++) {
                Vae m = train(Objective.vae(BETAS[i]));
                sweep[i] = Training.evaluate(m, Objective.vae(BETAS[i]), test, 100);
                if (BETAS[i] == 1) vae = m;
            }
            autoencoder = train(Objective.autoencoder());
        }
    }

    static Vae train(Objective objective) {
        Vae m = Architectures.mlp(FashionMnist.PIXELS, new int[] {HIDDEN}, LATENT, new Rng(SEED));
        new Training(m, objective, new Training.Settings(EPOCHS, BATCH, 1e-3f)).run(train, new Rng(SEED + 7), e -> {});
        return m;
    }

    @Test
    void klFallsAsBetaGrows() {
        for (int i = 1; i < BETAS.length; i++) {
            double gap = sweep[i - 1].kl() - sweep[i].kl();
            assertTrue(gap >= Tolerances.BETA_SWEEP_MARGIN_NATS, "KL at β=" + BETAS[i - 1] + " is " + sweep[i - 1].kl()
                    + ", at β=" + BETAS[i] + " it is " + sweep[i].kl() + "; expected it to fall by at least "
                    + Tolerances.BETA_SWEEP_MARGIN_NATS + " nats");
        }
    }

    @Test
    void reconstructionErrorRisesAsBetaGrows() {
        for (int i = 1; i < BETAS.length; i++) {
            double gap = sweep[i].recon() - sweep[i - 1].recon();
            assertTrue(gap >= Tolerances.BETA_SWEEP_MARGIN_NATS, "reconstruction at β=" + BETAS[i - 1] + " is "
                    + sweep[i - 1].recon() + ", at β=" + BETAS[i] + " it is " + sweep[i].recon()
                    + "; expected it to rise by at least " + Tolerances.BETA_SWEEP_MARGIN_NATS + " nats");
        }
    }

    @Test
    void priorSamplesLieFurtherFromTheDataThroughTheAutoencoderThanThroughTheVae() {
        Tensor z = Tensor.zeros(SAMPLES, LATENT);                       // [64, 8], the same codes for both
        new Rng(SEED + 99).fillGaussian(z.data, z.size());
        float[] reference = train.batch(Training.range(0, TRAIN)).data;  // [400, 784]
        double ae = Measures.meanNearestDistance(Figures.decode(autoencoder, z), SAMPLES, reference);
        double v = Measures.meanNearestDistance(Figures.decode(vae, z), SAMPLES, reference);
        assertTrue(ae - v >= Tolerances.SAMPLE_DISTANCE_MARGIN, "autoencoder samples are " + ae
                + " from the nearest training image, VAE samples " + v + "; expected the autoencoder's to be "
                + "further by at least " + Tolerances.SAMPLE_DISTANCE_MARGIN);
    }
}
