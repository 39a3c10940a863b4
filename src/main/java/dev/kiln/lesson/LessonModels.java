package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.rand.Rng;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lesson's models: which ones exist ({@link Spec}), trained the first time a part asks for one
 * and kept for the later parts. Every model of one latent size starts from the same weights and
 * sees the images in the same order, so two models differ only in what they were trained to
 * minimise ({@link Objective}).
 */
final class LessonModels {
    /** Hidden widths of the MLP encoder (and, reversed, the decoder): pytorch/examples' 400. */
    static final int[] HIDDEN = {400};
    /** The latent size of pytorch/examples' VAE, used for samples, reconstructions, the sweep and the ELBO. */
    static final int LATENT = 20;
    /** The latent size of the maps and the explorer: 2, so that the latent space can be drawn. */
    static final int MAP_LATENT = 2;
    /** Test images encoded per model at a time. */
    static final int EVAL_BATCH = 500;

    /** A model of the lesson: a name, a title, a latent size and an objective. */
    record Spec(String key, String title, int latent, Objective objective) {}

    static final Spec AE_20 = new Spec("ae_20", "autoencoder", LATENT, Objective.autoencoder());
    static final Spec VAE_20 = new Spec("vae_20", "VAE (β = 1)", LATENT, Objective.vae(1));
    static final Spec AE_2 = new Spec("ae_2", "autoencoder, 2-D latent", MAP_LATENT, Objective.autoencoder());
    static final Spec NOISE_2 = new Spec("noise_2", "noise, no KL (β = 0), 2-D latent", MAP_LATENT, Objective.vae(0));
    static final Spec VAE_2 = new Spec("vae_2", "VAE (β = 1), 2-D latent", MAP_LATENT, Objective.vae(1));

    /** The 20-D sweep's model for β (β = 1 is {@link #VAE_20} itself). */
    static Spec sweep(double beta) {
        if (beta == 1) return VAE_20;
        String b = Objective.showBeta(beta);
        return new Spec("vae_20_beta_" + b, "VAE (β = " + b + ")", LATENT, Objective.vae(beta));
    }

    /** The 2-D model for β ({@link #NOISE_2} at β = 0 and {@link #VAE_2} at β = 1, which parts 2 and 3 show). */
    static Spec map(double beta) {
        if (beta == 0) return NOISE_2;
        if (beta == 1) return VAE_2;
        String b = Objective.showBeta(beta);
        return new Spec("vae_2_beta_" + b, "VAE (β = " + b + "), 2-D latent", MAP_LATENT, Objective.vae(beta));
    }

    /** A trained model: its spec, the network, its epochs and its training wall time. */
    record Trained(Spec spec, Vae vae, List<Training.Epoch> epochs, double seconds) {
        double lastTrainLoss() {
            return epochs.get(epochs.size() - 1).train().loss();
        }

        double[] epochAxis() {
            return epochs.stream().mapToDouble(Training.Epoch::epoch).toArray();
        }

        double[] trainLoss() {
            return epochs.stream().mapToDouble(e -> e.train().loss()).toArray();
        }
    }

    /**
     * Encoded test images: means, standard deviations and labels, and which points get an ellipse.
     *
     * @param mu       [N, D] encoded means
     * @param sigma    [N, D] exp(½ log σ²)
     * @param labels   [N] class ids
     * @param ellipses indices into the N points, a few per class, whose 1σ ellipse a map draws
     */
    record Encoded(float[] mu, float[] sigma, int[] labels, int[] ellipses) {}

    private final LessonData data;
    private final Training.Settings settings;
    private final long seed;
    private final PrintStream console;
    private final Map<String, Trained> trained = new LinkedHashMap<>();

    LessonModels(LessonData data, Training.Settings settings, long seed, PrintStream console) {
        this.data = data;
        this.settings = settings;
        this.seed = seed;
        this.console = console;
    }

    /** The model of {@code spec}, trained the first time it is asked for. */
    Trained get(Spec spec) {
        Trained done = trained.get(spec.key());
        if (done != null) return done;
        Rng init = new Rng(seed * 1_000_003L + spec.latent());   // same start for one latent size
        Rng shuffle = new Rng(seed * 7_919L + spec.latent());    // same batch order too
        Vae vae = Architectures.mlp(FashionMnist.PIXELS, HIDDEN, spec.latent(), init);
        long t0 = System.nanoTime();
        List<Training.Epoch> epochs = new Training(vae, spec.objective(), settings).run(data.train(), shuffle,
                e -> console.printf(Locale.ROOT, "lesson: %-20s epoch %2d/%d  loss %8.2f  recon %8.2f  kl %6s  (%.1f s)%n",
                        spec.key(), e.epoch(), settings.epochs(), e.train().loss(), e.train().recon(),
                        spec.objective().isAutoencoder() ? "-" : String.format(Locale.ROOT, "%.2f", e.train().kl()),
                        e.seconds()));
        Trained t = new Trained(spec, vae, epochs, (System.nanoTime() - t0) / 1e9);
        trained.put(spec.key(), t);
        return t;
    }

    /** Every model trained so far, in training order. */
    Collection<Trained> all() {
        return trained.values();
    }

    /**
     * Encodes {@code max} test images, drawn at random (the same ones for every model and every
     * call), with z = μ: μ and σ = exp(½ log σ²), both [N, D].
     */
    Encoded encode(Vae vae, int max, int ellipsesPerClass) {
        int[] chosen = randomIndices(data.test().size(), max, 4);          // [N] test indices
        int n = chosen.length, dims = vae.latentDim();
        float[] mu = new float[n * dims], sigma = new float[n * dims];   // [N, D]
        int[] labels = new int[n];                                        // [N]
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int[] idx = Arrays.copyOfRange(chosen, from, Math.min(n, from + EVAL_BATCH));
            Vae.Pass pass = vae.forward(data.test().batch(idx), false);
            System.arraycopy(pass.mu().data, 0, mu, from * dims, pass.mu().size());
            for (int i = 0; i < pass.logVar().size(); i++) {
                sigma[from * dims + i] = (float) Math.exp(0.5 * pass.logVar().data[i]);
            }
            int[] y = data.test().labels(idx);
            System.arraycopy(y, 0, labels, from, y.length);
        }
        List<Integer> ellipses = new ArrayList<>();
        int[] perClass = new int[data.classNames().size()];               // [10] ellipses chosen so far
        for (int i = 0; i < n; i++) {
            if (perClass[labels[i]] < ellipsesPerClass) {
                perClass[labels[i]]++;
                ellipses.add(i);
            }
        }
        return new Encoded(mu, sigma, labels, ellipses.stream().mapToInt(Integer::intValue).toArray());
    }

    /** All the test images encoded (z = μ): the per-dimension KL averaged over them, [D] nats. */
    double[] klPerDimension(Vae vae) {
        Encoded e = encode(vae, data.test().size(), 0);
        return Measures.klPerDimension(e.mu(), e.sigma(), vae.latentDim());
    }

    /**
     * min(n, size) distinct indices below {@code size} in a random order, the same for the same
     * {@code salt} (so every model is shown the same images).
     */
    int[] randomIndices(int size, int n, long salt) {
        int[] order = Training.range(0, size);
        new Rng(seed * 104_729L + salt).shuffle(order);
        return Arrays.copyOf(order, Math.min(size, n));
    }
}
