package dev.kiln.lesson;

import dev.kiln.io.AtomicFiles;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.kiln.backend.Backends;
import dev.kiln.data.FashionMnist;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.rand.Rng;
import dev.kiln.report.LinePlot;
import dev.kiln.tensor.Tensor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seed 002's lesson, "Variational Autoencoders", made from real models: every picture and number
 * of the lesson, trained and measured by kiln, in the order the lesson tells it.
 * <pre>
 *   1. hook                       random codes through two decoders: the autoencoder's garbage, the VAE's clothes
 *   2. gapProblem                 the autoencoder's 2-D latent space: dots with gaps between them
 *   3. encodingToADistribution    the VAE's 2-D latent space: clouds N(μ, σ²) that overlap; noise alone does not do it
 *   4. klWorkedExample            the lesson's KL numbers, computed by GaussianKl and checked against the fixture
 *   5. tradeOff                   reconstructions (sharp vs blurry) and the β sweep: KL falls, reconstruction error rises
 *   6. elbo                       the test negative ELBO of pytorch/examples' 784-400-20 VAE
 *   7. smoothTerrain              a grid of decodings over the VAE's latent plane
 * </pre>
 * Each part writes its figures into the output directory and its section of {@code report.md};
 * {@link #run} then writes {@code summary.json}. Models are trained when a part first needs them
 * and kept for the later parts; every model of one latent size starts from the same weights and
 * sees the images in the same order, so two models differ only in what they were trained to
 * minimise ({@link Objective}).
 */
public final class Lesson {
    /** Hidden widths of the MLP encoder (and, reversed, the decoder): pytorch/examples' 400. */
    public static final int[] HIDDEN = {400};
    /** The latent size of pytorch/examples' VAE, used for samples, reconstructions, the sweep and the ELBO. */
    public static final int LATENT = 20;
    /** The latent size of the maps: 2, so that the latent space can be drawn. */
    public static final int MAP_LATENT = 2;
    /** The β values of the sweep. */
    public static final double[] BETAS = {0, 0.1, 0.5, 1, 2, 5};
    /** The output files, by name. */
    public static final String SAMPLES = "samples_ae_vs_vae.png", RECONSTRUCTIONS = "reconstructions.png",
            BETA_SWEEP = "beta_sweep.png", LATENT_AE = "latent_ae.png", LATENT_VAE = "latent_vae.png",
            LATENT_NOISE = "latent_noise_only.png", LATENT_GRID = "latent_grid_vae.png",
            CURVES = "training_curves.png", REPORT = "report.md", SUMMARY = "summary.json";
    /** Every file a run writes. */
    public static final List<String> OUTPUTS = List.of(SAMPLES, LATENT_AE, LATENT_VAE, LATENT_NOISE, RECONSTRUCTIONS,
            BETA_SWEEP, CURVES, LATENT_GRID, REPORT, SUMMARY);

    private static final int PIXELS = FashionMnist.PIXELS;
    private static final int HOOK_SAMPLES = 36, HOOK_COLUMNS = 6;        // 6 × 6 samples per panel
    private static final int NEIGHBOURS = 2000;                          // training images searched for a nearest one
    private static final int MAP_POINTS = 3000, ELLIPSES_PER_CLASS = 4;
    private static final int GRID_SIDE = 15;
    private static final double GRID_HALF_WIDTH = 3.0;                   // the grid spans [−3, 3]²
    private static final int EVAL_BATCH = 500;

    /**
     * What to run.
     *
     * @param quick       whether this is the quick version (only changes the report's wording; the
     *                    sizes below carry the difference)
     * @param epochs      epochs for every model, ≥ 1
     * @param trainImages training images used, 0 for all (a seeded random subset otherwise)
     * @param testImages  test images used, 0 for all
     * @param seed        seeds the subsets, the initial weights, the batch order and the noise
     */
    public record Config(boolean quick, int epochs, int trainImages, int testImages, long seed) {
        /** The full lesson trains every model this many epochs, as pytorch/examples does. */
        public static final int FULL_EPOCHS = 10;
        /** {@code --quick}: 3 epochs on 8000 training and 2000 test images. */
        public static final int QUICK_EPOCHS = 3, QUICK_TRAIN = 8000, QUICK_TEST = 2000;

        public Config {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (trainImages < 0) throw new IllegalArgumentException("trainImages must be >= 0 (0 = all), got " + trainImages);
            if (testImages < 0) throw new IllegalArgumentException("testImages must be >= 0 (0 = all), got " + testImages);
        }

        /** All the data, {@code epochs} epochs (null: 10). */
        public static Config full(Integer epochs) {
            return new Config(false, epochs == null ? FULL_EPOCHS : epochs, 0, 0, 1);
        }

        /** 8000 training and 2000 test images, {@code epochs} epochs (null: 3). */
        public static Config quick(Integer epochs) {
            return new Config(true, epochs == null ? QUICK_EPOCHS : epochs, QUICK_TRAIN, QUICK_TEST, 1);
        }
    }

    /** A model of the lesson: a name, a latent size and an objective. */
    record Spec(String key, String title, int latent, Objective objective) {}

    static final Spec AE_20 = new Spec("ae_20", "autoencoder", LATENT, Objective.autoencoder());
    static final Spec VAE_20 = new Spec("vae_20", "VAE (β = 1)", LATENT, Objective.vae(1));
    static final Spec AE_2 = new Spec("ae_2", "autoencoder, 2-D latent", MAP_LATENT, Objective.autoencoder());
    static final Spec NOISE_2 = new Spec("noise_2", "noise, no KL (β = 0), 2-D latent", MAP_LATENT, Objective.vae(0));
    static final Spec VAE_2 = new Spec("vae_2", "VAE (β = 1), 2-D latent", MAP_LATENT, Objective.vae(1));

    /** The sweep's model for β (β = 1 is {@link #VAE_20} itself). */
    static Spec sweep(double beta) {
        if (beta == 1) return VAE_20;
        String b = Objective.showBeta(beta);
        return new Spec("vae_20_beta_" + b, "VAE (β = " + b + ")", LATENT, Objective.vae(beta));
    }

    /** A trained model: its spec, the network, its epochs and its training wall time. */
    record Trained(Spec spec, Vae vae, List<Training.Epoch> epochs, double seconds) {}

    private final Config config;
    private final LessonData data;
    private final Path out;
    private final PrintStream console;
    private final KlWorkedExample klFixture;
    private final Training.Settings settings;
    private final Map<String, Trained> models = new LinkedHashMap<>();
    private final Map<String, Double> wallSeconds = new LinkedHashMap<>();
    private final Markdown report = new Markdown();
    private final JsonObject summary = new JsonObject();
    private double aeShareOutside = Double.NaN;      // part 2's measurement, compared with the VAE's in part 3
    private List<List<String>> sweepTable = List.of(); // part 5's table, repeated in the closing note

    /**
     * @param data      the full data; {@code config} picks the subset
     * @param out       the output directory (created if missing)
     * @param klFixture the worked-example fixture, read before any training so that a missing file fails fast
     */
    public Lesson(Config config, LessonData data, Path out, PrintStream console, KlWorkedExample klFixture) {
        this.config = config;
        this.data = data.limit(config.trainImages(), config.testImages(), config.seed());
        this.out = out;
        this.console = console;
        this.klFixture = klFixture;
        this.settings = Training.Settings.pytorchExamples(config.epochs());
    }

    /** Runs the lesson's parts in order and writes the report and the summary; returns the summary. */
    public JsonObject run() {
        long start = System.nanoTime();
        introduction();
        part("1_hook", this::hook);
        part("2_gap_problem", this::gapProblem);
        part("3_encoding_to_a_distribution", this::encodingToADistribution);
        part("4_kl_worked_example", this::klWorkedExample);
        part("5_trade_off", this::tradeOff);
        part("6_elbo", this::elbo);
        part("7_smooth_terrain", this::smoothTerrain);
        wallSeconds.put("total", seconds(start));
        closingNote();
        AtomicFiles.writeString(out.resolve(SUMMARY), new GsonBuilder().setPrettyPrinting().create().toJson(summary));
        AtomicFiles.writeString(out.resolve(REPORT), report.toString());
        console.printf(Locale.ROOT, "lesson: wrote %s and %s in %s (%.0f s)%n", REPORT, SUMMARY, out,
                wallSeconds.get("total"));
        return summary;
    }

    // ------------------------------------------------------------------------------------------ the parts

    /** What was run: data, sizes, settings. */
    private void introduction() {
        report.heading(1, "Variational autoencoders, from real models");
        report.paragraph("""
                Every picture and number below was produced by `kiln lesson`: kiln trained the models on the \
                images described here and measured them on the test split. The lesson's story: an \
                autoencoder cannot generate (its latent space has gaps); a VAE encodes each image to a small \
                cloud instead of a point, and a KL term keeps those clouds near the centre and wide enough to \
                overlap, so any random code decodes to something plausible. The price is blur.""");
        report.paragraph("**Data.** " + data.description() + ": " + data.train().size() + " training images, "
                + data.test().size() + " test images.");
        report.paragraph(String.format(Locale.ROOT, """
                **Models.** Every model is the same MLP: encoder 784 → 400 (ReLU) → μ and log σ² (two linear \
                heads), decoder z → 400 (ReLU) → 784 logits, with a latent size of %d (pictures of samples, \
                reconstructions, the β sweep, the ELBO) or %d (the latent maps). The autoencoder uses z = μ and \
                only the reconstruction loss; the VAE samples z = μ + σ·ε and adds β·KL. Loss: Bernoulli \
                cross-entropy summed over the 784 pixels (nats per image), plus β·KL summed over latent \
                dimensions. Adam, learning rate %s, batch %d, %d epoch%s for every model, seed %d; all models of \
                one latent size start from the same weights and see the batches in the same order.""",
                LATENT, MAP_LATENT, settings.learningRate(), settings.batchSize(), settings.epochs(),
                settings.epochs() == 1 ? "" : "s", config.seed()));
        if (config.quick()) {
            report.paragraph(String.format(Locale.ROOT, """
                    **This is the quick version** (`--quick`): at most %d training and %d test images, a seeded \
                    random subset (here %d and %d), and %d epoch%s instead of %d. The pictures are rougher and the \
                    numbers higher than the full run's; run `kiln lesson --out DIR` without `--quick` for the real \
                    lesson.""", config.trainImages(), config.testImages(), data.train().size(), data.test().size(),
                    config.epochs(), config.epochs() == 1 ? "" : "s", Config.FULL_EPOCHS));
        }
        JsonObject d = new JsonObject();
        d.addProperty("description", data.description());
        d.addProperty("train_images", data.train().size());
        d.addProperty("test_images", data.test().size());
        summary.addProperty("quick", config.quick());
        summary.add("data", d);
        JsonObject s = new JsonObject();
        s.addProperty("architecture", "784-" + join(HIDDEN) + "-{" + LATENT + "," + MAP_LATENT + "}, ReLU, BCE logits");
        s.addProperty("epochs", settings.epochs());
        s.addProperty("batch_size", settings.batchSize());
        s.addProperty("learning_rate", settings.learningRate());
        s.addProperty("seed", config.seed());
        s.addProperty("backend", Backends.current().name());
        summary.add("settings", s);
    }

    /**
     * Part 1, the hook: the same 36 random codes z ~ N(0, I) through the autoencoder's decoder and
     * through the VAE's. The autoencoder was never asked to make such codes meaningful.
     */
    private void hook() {
        Trained ae = model(AE_20), vae = model(VAE_20);
        Tensor z = Tensor.zeros(HOOK_SAMPLES, LATENT);                   // [36, 20], the same codes for both
        new Rng(config.seed() * 31 + 1).fillGaussian(z.data, z.size());
        float[] aeSamples = Figures.decode(ae.vae(), z);                 // [36, 784]
        float[] vaeSamples = Figures.decode(vae.vae(), z);               // [36, 784]
        Figures.write(Figures.sideBySide(List.of(
                new Figures.Panel("autoencoder: decoder(z), z ~ N(0, I)", Figures.tiles(aeSamples, HOOK_SAMPLES, HOOK_COLUMNS, 2)),
                new Figures.Panel("VAE: decoder(z), the same z", Figures.tiles(vaeSamples, HOOK_SAMPLES, HOOK_COLUMNS, 2)))),
                out.resolve(SAMPLES));

        // How far is each sample from the nearest real image? A real test image sets the scale.
        // (random images, not the first ones: the splits are stored class by class)
        float[] reference = data.train().batch(randomIndices(data.train().size(), NEIGHBOURS, 2)).data;  // [R, 784]
        int real = Math.min(HOOK_SAMPLES, data.test().size());
        float[] testImages = data.test().batch(randomIndices(data.test().size(), real, 3)).data;       // [real, 784]
        double aeDistance = meanNearestDistance(aeSamples, HOOK_SAMPLES, reference);
        double vaeDistance = meanNearestDistance(vaeSamples, HOOK_SAMPLES, reference);
        double realDistance = meanNearestDistance(testImages, real, reference);

        report.heading(2, "1. The hook: random codes, two decoders");
        report.image("Decoded samples from N(0, I): autoencoder (left) vs VAE (right)", SAMPLES);
        report.paragraph(String.format(Locale.ROOT, """
                Both panels decode the *same* %d random codes z, each 20 numbers drawn from N(0, I). Left: the \
                autoencoder's decoder. Right: the VAE's decoder. Same architecture, same bottleneck size, same \
                training images, same starting weights: the only difference is how the encoder was trained. \
                The autoencoder's decoder has only ever seen the codes its encoder produces, and a random code \
                is rarely one of those, so most of what comes out is smudges and mixtures rather than garments. \
                The VAE's samples are blurry, but they are clothes. By the end of the lesson you will know \
                exactly what changed.""", HOOK_SAMPLES));
        report.paragraph(String.format(Locale.ROOT, """
                Measured: the average distance from a sample to the nearest of %d training images (root mean \
                square pixel difference, pixels in [0, 1]) is **%.3f for the autoencoder** and **%.3f for the \
                VAE**; a real test image is %.3f from its nearest training image. %s""",
                reference.length / PIXELS, aeDistance, vaeDistance, realDistance,
                aeDistance > vaeDistance ? "The VAE's samples are closer to real images than the autoencoder's."
                        : "(In this run the autoencoder's samples are no further from the data than the VAE's: "
                        + "train longer, or on more images, to see the gap.)"));
        JsonObject h = new JsonObject();
        h.addProperty("samples", HOOK_SAMPLES);
        h.addProperty("ae_nearest_train_rms", aeDistance);
        h.addProperty("vae_nearest_train_rms", vaeDistance);
        h.addProperty("test_image_nearest_train_rms", realDistance);
        summary.add("hook", h);
    }

    /** Part 2, the gap problem: the autoencoder's 2-D codes, dots with empty space between and around them. */
    private void gapProblem() {
        Trained ae = model(AE_2);
        Encoded codes = encode(ae.vae(), MAP_POINTS);
        Charts.latentMap("Autoencoder, 2-D latent: each test image is a point (no σ)", codes.mu(), null,
                codes.labels(), data.classNames(), new int[0], out.resolve(LATENT_AE));
        double[] lo = new double[2], hi = new double[2];               // [2] per latent coordinate
        range(codes.mu(), lo, hi);
        double outside = shareOutside(codes.mu(), Charts.PRIOR_RADIUS);
        aeShareOutside = outside;

        report.heading(2, "2. The gap problem: a map with dots but no roads");
        report.image("Autoencoder latent space, codes coloured by class", LATENT_AE);
        report.paragraph(String.format(Locale.ROOT, """
                An autoencoder with a bottleneck of just two numbers, so that we can draw it. Each dot is where \
                one test image lands, coloured by its class. The codes spread over [%.1f, %.1f] × [%.1f, %.1f]; \
                %.0f%% of them lie outside the dashed circle, which holds 86%% of the random codes N(0, I) \
                would give us. Nothing asked the encoder to put codes anywhere in particular, so classes sit \
                where they happened to land, with empty space between them. A code in an empty region is \
                something the decoder has never seen: it is like a city map with buildings but no roads — you can \
                visit the buildings you know, but you cannot walk between them.""",
                lo[0], hi[0], lo[1], hi[1], 100 * outside));
        JsonObject g = new JsonObject();
        g.add("ae_code_range", json(new double[] {lo[0], hi[0], lo[1], hi[1]}));
        g.addProperty("ae_share_outside_prior_2sigma", outside);
        summary.add("gap_problem", g);
    }

    /**
     * Part 3, encoding to a distribution: the 2-D VAE's clouds N(μ, σ²), centred near 0 and wide
     * enough to overlap; and the negative example, noise without the KL term, whose clouds shrink.
     */
    private void encodingToADistribution() {
        Trained vae = model(VAE_2), noise = model(NOISE_2);
        Encoded v = encode(vae.vae(), MAP_POINTS), n = encode(noise.vae(), MAP_POINTS);
        Charts.latentMap("VAE (β = 1), 2-D latent: each test image is a cloud, dot = μ, ellipse = 1σ",
                v.mu(), v.sigma(), v.labels(), data.classNames(), v.ellipses(), out.resolve(LATENT_VAE));
        Charts.latentMap("Noise but no KL (β = 0), 2-D latent: the clouds shrink to points",
                n.mu(), n.sigma(), n.labels(), data.classNames(), n.ellipses(), out.resolve(LATENT_NOISE));
        double vaeSigma = median(v.sigma()), noiseSigma = median(n.sigma());
        double vaeOutside = shareOutside(v.mu(), Charts.PRIOR_RADIUS), noiseOutside = shareOutside(n.mu(), Charts.PRIOR_RADIUS);

        report.heading(2, "3. Encoding to a distribution: clouds, not points");
        report.image("VAE latent space: means and 1σ ellipses", LATENT_VAE);
        report.paragraph(String.format(Locale.ROOT, """
                The VAE's encoder outputs two numbers per latent dimension for each image: a mean μ (the dot) \
                and a spread σ (the ellipse, one standard deviation, drawn for %d images per class). Each image \
                gets its *own* cloud N(μ, σ²): the encoder is a function from an image to the parameters of a \
                distribution, not one distribution for the whole dataset. In training, z is sampled from the \
                cloud, so the decoder must produce a good image for every z near μ, not just for μ. The median σ \
                is %s: small next to the spread of the means, but not zero, and with thousands of images the \
                clouds of similar images overlap and cover the ground between them — roads between the \
                buildings. %.0f%% of the means lie outside the dashed circle, %s""",
                ELLIPSES_PER_CLASS, small(vaeSigma), 100 * vaeOutside,
                vaeOutside < aeShareOutside
                        ? String.format(Locale.ROOT, "fewer than the autoencoder's %.0f%%: the KL term pulls the codes "
                                + "towards the centre, where N(0, I) will sample.", 100 * aeShareOutside)
                        : String.format(Locale.ROOT, "no fewer than the autoencoder's %.0f%%: with only two latent "
                                + "numbers to describe 784 pixels, the reconstruction term outweighs the KL's pull "
                                + "towards the centre in this run.", 100 * aeShareOutside)));
        report.image("Noise without KL: means and 1σ ellipses", LATENT_NOISE);
        report.paragraph(String.format(Locale.ROOT, """
                The negative example: the same sampling z = μ + σ·ε, but **no KL term** (β = 0). Noise alone \
                does not fix the gaps. %s The KL term is what forces the organisation.""",
                noiseSigma < vaeSigma
                        ? String.format(Locale.ROOT, "Nothing stops the encoder from shrinking its clouds, and it does: "
                                + "median σ = %s, against %s for the VAE%s, with %.0f%% of the means outside the "
                                + "circle. The noise hardly moves z, so the decoder can treat each code as a point "
                                + "again: the autoencoder's map, with jitter.", small(noiseSigma), small(vaeSigma),
                                noiseSigma < vaeSigma / 4 ? " (most ellipses are too small to see)" : "",
                                100 * noiseOutside)
                        : String.format(Locale.ROOT, "In this run its clouds did not shrink below the VAE's "
                                + "(median σ %s against %s); they do with longer training.", small(noiseSigma),
                                small(vaeSigma))));
        JsonObject e = new JsonObject();
        e.addProperty("vae_median_sigma", vaeSigma);
        e.addProperty("vae_share_outside_prior_2sigma", vaeOutside);
        e.addProperty("noise_only_median_sigma", noiseSigma);
        e.addProperty("noise_only_share_outside_prior_2sigma", noiseOutside);
        summary.add("encoding_to_a_distribution", e);
    }

    /** Part 4, KL divergence as a regularizer: the lesson's worked example, computed by the library. */
    private void klWorkedExample() {
        List<KlWorkedExample.Row> rows = klFixture.check();              // throws if kiln disagrees with the fixture
        report.heading(2, "4. KL divergence: the regularizer, worked out");
        report.paragraph("""
                The KL term measures how far one image's cloud N(μ, σ²) is from the standard normal N(0, 1), \
                per latent dimension, in closed form: KL = ½(μ² + σ² − 1 − log σ²). It grows when μ moves away \
                from 0 ("don't hide your codes in a corner") and when σ shrinks towards 0 ("don't make your \
                clouds so small they are points"). It is to the latent space what L2 regularization is to \
                weights. It does not measure reconstruction quality: the two terms compete. The lesson's \
                T-shirt, computed by the same code that trains the models (`GaussianKl`):""");
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("example", "μ", "σ", "KL per dimension (nats)", "total (nats)", "fixture total"));
        JsonArray a = new JsonArray();
        for (KlWorkedExample.Row r : rows) {
            table.add(List.of(r.name().replace('_', ' '), vector(r.mu(), "%.2f"), vector(r.sigma(), "%.2f"),
                    vector(r.perDim(), "%.3f"), String.format(Locale.ROOT, "%.2f", r.total()),
                    String.format(Locale.ROOT, "%.4f", r.expectedTotal())));
            JsonObject o = new JsonObject();
            o.addProperty("name", r.name());
            o.add("per_dim", json(r.perDim()));
            o.addProperty("total", r.total());
            o.addProperty("fixture_total", r.expectedTotal());
            a.add(o);
        }
        report.table(table);
        report.paragraph("""
                A KL of 2.29 nats is moderate: the T-shirt's cloud is off-centre and narrower than N(0, 1). \
                If the encoder "cheats" by shrinking σ to 0.01 to recover a precise autoencoder-like code, the \
                KL jumps to 9.25 nats: the regularizer catches it. (Checked against \
                `fixtures/kl_worked_examples.json` at run time; the run stops if they disagree.)""");
        summary.add("kl_worked_example", a);
    }

    /**
     * Part 5, the trade-off: autoencoder vs VAE reconstructions (sharp vs blurry), and the β sweep
     * {0, 0.1, 0.5, 1, 2, 5}: KL falls and reconstruction error rises as β grows.
     */
    private void tradeOff() {
        Trained ae = model(AE_20), vae = model(VAE_20), blurry = model(sweep(BETAS[BETAS.length - 1]));
        int[] shown = onePerClass(data.test());                            // [≤ 10] test indices
        Tensor originals = data.test().batch(shown);                                // [10, 784]
        float[] aeRecon = Figures.decode(ae.vae(), ae.vae().forward(originals, false).mu());    // z = μ
        float[] vaeRecon = Figures.decode(vae.vae(), vae.vae().forward(originals, false).mu()); // z = μ
        float[] blurryRecon = Figures.decode(blurry.vae(), blurry.vae().forward(originals, false).mu());
        int k = shown.length;
        Figures.write(Figures.rows(List.of(
                new Figures.Panel("original", Figures.tiles(originals.data, k, k, 3)),
                new Figures.Panel("autoencoder", Figures.tiles(aeRecon, k, k, 3)),
                new Figures.Panel("VAE (β = 1)", Figures.tiles(vaeRecon, k, k, 3)),
                new Figures.Panel(blurry.spec().title(), Figures.tiles(blurryRecon, k, k, 3)))),
                out.resolve(RECONSTRUCTIONS));
        double aeBce = Training.evaluate(ae.vae(), Objective.autoencoder(), data.test(), EVAL_BATCH).recon();
        // the VAEs evaluated as autoencoders (z = μ), so that every row decodes the mean code
        double vaeBce = Training.evaluate(vae.vae(), Objective.autoencoder(), data.test(), EVAL_BATCH).recon();
        double blurryBce = Training.evaluate(blurry.vae(), Objective.autoencoder(), data.test(), EVAL_BATCH).recon();

        report.heading(2, "5. The trade-off: sharp codes or an organised space");
        report.image("Test images and their reconstructions by the autoencoder and the VAE", RECONSTRUCTIONS);
        report.paragraph(String.format(Locale.ROOT, """
                Top row: test images, one per class. Then the reconstructions of the autoencoder, of the VAE \
                (β = 1), and of a VAE with a heavier KL weight, β = %s (every row decodes z = μ). Same \
                architecture, same bottleneck, yet the VAE's are blurrier, and more so as β grows: its decoder \
                must work for every z in an overlapping cloud, not for one precise point, so it hedges between \
                similar images and drops details such as prints, buttons and straps. Reconstruction error on the \
                test split: %.1f nats per image for the autoencoder, %.1f for the VAE, %.1f with β = %s%s. The \
                blur is the price of a latent space you can sample from, not a failure.""",
                Objective.showBeta(BETAS[BETAS.length - 1]), aeBce, vaeBce, blurryBce,
                Objective.showBeta(BETAS[BETAS.length - 1]),
                aeBce < vaeBce && vaeBce < blurryBce ? ""
                        : " (not in increasing order in this run: too little training to tell)"));

        // the β sweep
        double[] recon = new double[BETAS.length];                     // [6] nats per image, by β
        double[] kl = new double[BETAS.length];                        // [6] nats per image, by β
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("β", "reconstruction (nats/image)", "KL (nats/image)", "reconstruction + KL"));
        JsonArray rows = new JsonArray();
        for (int i = 0; i < BETAS.length; i++) {
            Trained m = model(sweep(BETAS[i]));
            Training.Evaluation e = Training.evaluate(m.vae(), m.spec().objective(), data.test(), EVAL_BATCH);
            recon[i] = e.recon();
            kl[i] = e.kl();
            table.add(List.of(Objective.showBeta(BETAS[i]), String.format(Locale.ROOT, "%.1f", e.recon()),
                    String.format(Locale.ROOT, "%.2f", e.kl()), String.format(Locale.ROOT, "%.1f", e.negativeElbo())));
            JsonObject o = new JsonObject();
            o.addProperty("beta", BETAS[i]);
            o.addProperty("recon_nats", e.recon());
            o.addProperty("kl_nats", e.kl());
            rows.add(o);
        }
        Charts.tradeOff(BETAS, recon, kl, out.resolve(BETA_SWEEP));
        sweepTable = table;
        boolean klFalls = nonIncreasing(kl), reconRises = nonDecreasing(recon);

        report.paragraph("""
                **The β sweep.** The VAE's loss is reconstruction + β·KL. Six VAEs (latent size 20), identical \
                except for β, measured on the test split (z sampled, one per image):""");
        report.table(table);
        report.image("Reconstruction against KL for each β", BETA_SWEEP);
        report.paragraph(String.format(Locale.ROOT, """
                As β grows, the KL falls from %.1f to %.1f nats per image (%s) and the reconstruction error \
                rises from %.1f to %.1f (%s). The two losses pull in opposite directions: reconstruction wants \
                precise, specialised codes; KL wants every cloud to look like N(0, 1). β = 0 keeps the noise but \
                drops the regularizer, which is the autoencoder's end of the curve: sharp, and a latent space \
                with gaps. Large β gives a smooth, well-organised space and blurry images. β = 1 is the \
                standard VAE; neither extreme is good.""",
                kl[0], kl[kl.length - 1], klFalls ? "at every step" : "not at every step",
                recon[0], recon[recon.length - 1], reconRises ? "at every step" : "not at every step"));
        JsonObject t = new JsonObject();
        t.addProperty("ae_test_recon_nats_z_mu", aeBce);
        t.addProperty("vae_test_recon_nats_z_mu", vaeBce);
        t.addProperty("vae_beta_5_test_recon_nats_z_mu", blurryBce);
        t.add("beta_sweep", rows);
        t.addProperty("kl_falls_monotonically", klFalls);
        t.addProperty("recon_rises_monotonically", reconRises);
        summary.add("trade_off", t);
    }

    /** Part 6, the ELBO: the test negative ELBO of pytorch/examples' VAE, 784-400-20. */
    private void elbo() {
        Trained vae = model(VAE_20), ae = model(AE_20);
        Training.Evaluation e = Training.evaluate(vae.vae(), vae.spec().objective(), data.test(), EVAL_BATCH);
        new LinePlot("Training loss per epoch (nats per image)", "epoch", "nats per image")
                .add("VAE: reconstruction + KL (negative ELBO)", epochAxis(vae), trainLoss(vae))
                .add("autoencoder: reconstruction only", epochAxis(ae), trainLoss(ae))
                .write(out.resolve(CURVES));
        double uniform = PIXELS * Math.log(2);                           // p = ½ for every pixel

        report.heading(2, "6. The ELBO");
        report.paragraph("""
                The VAE's loss has a name: the negative **evidence lower bound** (ELBO). Minimising it \
                maximises a lower bound on log p(x), how probable the model finds the data, which is the goal \
                of a generative model. The reconstruction term measures how well the model explains each \
                image; the KL term keeps the latent space organised enough to be a proper distribution.""");
        report.paragraph(String.format(Locale.ROOT, """
                pytorch/examples' VAE (784-400-20, BCE summed over pixels plus KL, Adam 1e-3, batch 128), \
                trained %d epoch%s: **test negative ELBO = %.1f nats per image** (reconstruction %.1f + KL %.1f; \
                one z per image, %d test images). For scale, a model that gives every pixel probability ½ scores \
                784 · ln 2 = %.1f.""", settings.epochs(), settings.epochs() == 1 ? "" : "s", e.negativeElbo(),
                e.recon(), e.kl(), e.images(), uniform));
        report.image("Training loss per epoch", CURVES);
        JsonObject o = new JsonObject();
        o.addProperty("model", "784-400-20 VAE, beta 1");
        o.addProperty("epochs", settings.epochs());
        o.addProperty("test_negative_elbo_nats", e.negativeElbo());
        o.addProperty("test_recon_nats", e.recon());
        o.addProperty("test_kl_nats", e.kl());
        o.addProperty("test_images", e.images());
        summary.add("elbo", o);
        summary.addProperty("test_negative_elbo_nats", e.negativeElbo());
    }

    /** Part 7, smooth terrain: decodings of a 15 × 15 grid of codes over [−3, 3]² with the 2-D VAE. */
    private void smoothTerrain() {
        Trained vae = model(VAE_2);
        Tensor z = Tensor.zeros(GRID_SIDE * GRID_SIDE, MAP_LATENT);     // [225, 2]
        for (int row = 0; row < GRID_SIDE; row++) {
            for (int col = 0; col < GRID_SIDE; col++) {
                int at = (row * GRID_SIDE + col) * MAP_LATENT;           // code (row, col) in z
                z.data[at] = (float) gridCoordinate(col);                // z₁ grows to the right
                z.data[at + 1] = (float) gridCoordinate(GRID_SIDE - 1 - row);   // z₂ grows upwards
            }
        }
        Figures.write(Figures.tiles(Figures.decode(vae.vae(), z), GRID_SIDE * GRID_SIDE, GRID_SIDE, 2),
                out.resolve(LATENT_GRID));

        report.heading(2, "7. Smooth terrain: decode anywhere");
        report.image("Decodings of a grid of codes over the VAE's latent plane", LATENT_GRID);
        report.paragraph(String.format(Locale.ROOT, """
                The 2-D VAE's decoder applied to a %d × %d grid of codes spanning [−3, 3] in both directions \
                (z₁ grows to the right, z₂ upwards, as in the latent map of part 3). Nearly every code decodes \
                to something garment-like, and neighbouring codes give similar images that morph gradually from \
                one kind of clothing into another: the VAE's map has roads almost everywhere. Faint or mixed \
                images mark the thinner patches of the map in part 3: the KL term makes the space smooth, not \
                perfect. That is what makes the VAE generative: pick any z from N(0, I), decode, and you get a \
                plausible image.""",
                GRID_SIDE, GRID_SIDE));
    }

    /** The closing note: the numbers in one place, and the wall times. */
    private void closingNote() {
        report.heading(2, "Closing note: the numbers");
        JsonObject elbo = summary.getAsJsonObject("elbo");
        report.paragraph(String.format(Locale.ROOT,
                "Test negative ELBO of the 784-400-20 VAE after %d epoch%s: **%.2f nats per image**. The β sweep "
                        + "(test split, nats per image):", settings.epochs(), settings.epochs() == 1 ? "" : "s",
                elbo.get("test_negative_elbo_nats").getAsDouble()));
        report.table(sweepTable);
        double cpu = processCpuSeconds();
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int processors = Runtime.getRuntime().availableProcessors();
        String crowding = load < 0 ? "unknown"
                : String.format(Locale.ROOT, "%.1f, so %s", load, load > processors + 0.5
                        ? "other work was competing for the processors and these wall times are longer than on an "
                        + "idle machine" : "the machine was not crowded");
        report.paragraph(String.format(Locale.ROOT, """
                Wall times (%s backend, %d processors). The process used %s s of CPU time in all; the system's \
                load average at the end was %s:""", Backends.current().name(), processors,
                Double.isNaN(cpu) ? "an unknown number of" : String.format(Locale.ROOT, "%.0f", cpu), crowding));
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("part (training included the first time a model is needed)", "seconds"));
        for (Map.Entry<String, Double> w : wallSeconds.entrySet()) {
            table.add(List.of(w.getKey(), String.format(Locale.ROOT, "%.1f", w.getValue())));
        }
        report.table(table);
        List<List<String>> trained = new ArrayList<>();
        trained.add(List.of("model", "latent", "objective", "training seconds", "last epoch's training loss"));
        JsonArray ms = new JsonArray();
        for (Trained t : models.values()) {
            double last = t.epochs().get(t.epochs().size() - 1).train().loss();
            trained.add(List.of(t.spec().key(), Integer.toString(t.spec().latent()), t.spec().objective().describe(),
                    String.format(Locale.ROOT, "%.1f", t.seconds()), String.format(Locale.ROOT, "%.2f", last)));
            JsonObject o = new JsonObject();
            o.addProperty("name", t.spec().key());
            o.addProperty("latent", t.spec().latent());
            o.addProperty("objective", t.spec().objective().describe());
            o.addProperty("train_seconds", t.seconds());
            o.addProperty("final_train_loss", last);
            ms.add(o);
        }
        report.table(trained);
        JsonObject w = new JsonObject();
        for (Map.Entry<String, Double> e : wallSeconds.entrySet()) w.addProperty(e.getKey(), e.getValue());
        summary.add("wall_seconds", w);
        if (!Double.isNaN(cpu)) summary.addProperty("process_cpu_seconds", cpu);
        if (load >= 0) summary.addProperty("load_average_at_end", load);
        summary.add("models", ms);
    }

    // ------------------------------------------------------------------------------------------ models

    /** The model of {@code spec}, trained the first time it is asked for. */
    private Trained model(Spec spec) {
        Trained done = models.get(spec.key());
        if (done != null) return done;
        Rng init = new Rng(config.seed() * 1_000_003L + spec.latent());   // same start for one latent size
        Rng shuffle = new Rng(config.seed() * 7_919L + spec.latent());    // same batch order too
        Vae vae = Architectures.mlp(PIXELS, HIDDEN, spec.latent(), init);
        long t0 = System.nanoTime();
        List<Training.Epoch> epochs = new Training(vae, spec.objective(), settings).run(data.train(), shuffle,
                e -> console.printf(Locale.ROOT, "lesson: %-20s epoch %2d/%d  loss %8.2f  recon %8.2f  kl %6s  (%.1f s)%n",
                        spec.key(), e.epoch(), settings.epochs(), e.train().loss(), e.train().recon(),
                        spec.objective().isAutoencoder() ? "-" : String.format(Locale.ROOT, "%.2f", e.train().kl()),
                        e.seconds()));
        Trained t = new Trained(spec, vae, epochs, seconds(t0));
        models.put(spec.key(), t);
        return t;
    }

    /** Encoded test images: means, standard deviations and labels, and which points get an ellipse. */
    private record Encoded(float[] mu, float[] sigma, int[] labels, int[] ellipses) {}

    /**
     * Encodes {@code max} test images, drawn at random (the same ones for every model), with z = μ:
     * μ and σ = exp(½ log σ²), both [N, D].
     */
    private Encoded encode(Vae vae, int max) {
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
            if (perClass[labels[i]] < ELLIPSES_PER_CLASS) {
                perClass[labels[i]]++;
                ellipses.add(i);
            }
        }
        return new Encoded(mu, sigma, labels, ellipses.stream().mapToInt(Integer::intValue).toArray());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void part(String name, Runnable body) {
        long t0 = System.nanoTime();
        console.println("lesson: part " + name);
        body.run();
        wallSeconds.put(name, seconds(t0));
    }

    /** CPU time of this process so far, or NaN where the JVM does not say. */
    private static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? Double.NaN : nanos / 1e9;
        }
        return Double.NaN;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Grid coordinate i of {@link #GRID_SIDE}, evenly from −3 to 3. */
    private static double gridCoordinate(int i) {
        return -GRID_HALF_WIDTH + 2 * GRID_HALF_WIDTH * i / (GRID_SIDE - 1);
    }

    /**
     * The mean over {@code n} images {@code [n, 784]} of the distance to the nearest reference image
     * {@code [R, 784]}, the distance being the root mean square pixel difference.
     */
    static double meanNearestDistance(float[] images, int n, float[] reference) {
        int refs = reference.length / PIXELS;
        double total = 0;
        for (int i = 0; i < n; i++) {
            int a = i * PIXELS;                                        // image i
            double best = Double.MAX_VALUE;
            for (int r = 0; r < refs; r++) {
                int b = r * PIXELS;                                    // reference r
                double ss = 0;
                for (int p = 0; p < PIXELS && ss < best; p++) {
                    double d = images[a + p] - reference[b + p];
                    ss += d * d;
                }
                best = Math.min(best, ss);
            }
            total += Math.sqrt(best / PIXELS);
        }
        return total / n;
    }

    /** The first test image of each class present, in class order. */
    private static int[] onePerClass(FashionMnist set) {
        int[] first = new int[FashionMnist.CLASSES];                   // [10] first index of each class
        Arrays.fill(first, -1);
        for (int i = 0; i < set.size(); i++) {
            if (first[set.label(i)] < 0) first[set.label(i)] = i;
        }
        return Arrays.stream(first).filter(i -> i >= 0).toArray();
    }

    /**
     * min(n, size) distinct indices below {@code size} in a random order, the same for the same
     * {@code salt} (so every model is shown the same images).
     */
    private int[] randomIndices(int size, int n, long salt) {
        int[] order = Training.range(0, size);
        new Rng(config.seed() * 104_729L + salt).shuffle(order);
        return Arrays.copyOf(order, Math.min(size, n));
    }

    /** Per-coordinate minimum and maximum of [N, 2] points. */
    private static void range(float[] xy, double[] lo, double[] hi) {
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < xy.length; i++) {
            lo[i % 2] = Math.min(lo[i % 2], xy[i]);
            hi[i % 2] = Math.max(hi[i % 2], xy[i]);
        }
    }

    /** The share of [N, 2] points farther than {@code radius} from the origin. */
    private static double shareOutside(float[] xy, double radius) {
        int n = xy.length / 2, outside = 0;
        for (int i = 0; i < n; i++) {
            double x = xy[2 * i], y = xy[2 * i + 1];
            if (x * x + y * y > radius * radius) outside++;
        }
        return n == 0 ? 0 : (double) outside / n;
    }

    /** A positive number for a caption: two decimals, or two significant digits when below 0.01. */
    private static String small(double v) {
        return String.format(Locale.ROOT, v >= 0.01 || v == 0 ? "%.2f" : "%.1e", v);
    }

    private static double median(float[] v) {
        float[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }

    static boolean nonIncreasing(double[] v) {
        for (int i = 1; i < v.length; i++) if (v[i] > v[i - 1]) return false;
        return true;
    }

    static boolean nonDecreasing(double[] v) {
        for (int i = 1; i < v.length; i++) if (v[i] < v[i - 1]) return false;
        return true;
    }

    private static double[] epochAxis(Trained t) {
        return t.epochs().stream().mapToDouble(Training.Epoch::epoch).toArray();
    }

    private static double[] trainLoss(Trained t) {
        return t.epochs().stream().mapToDouble(e -> e.train().loss()).toArray();
    }

    private static String vector(double[] v, String format) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, format, v[i]));
        }
        return sb.append(']').toString();
    }

    private static String join(int[] v) {
        return String.join("-", Arrays.stream(v).mapToObj(Integer::toString).toList());
    }

    private static JsonElement json(double[] v) {
        JsonArray a = new JsonArray();
        for (double x : v) a.add(Double.isFinite(x) ? new JsonPrimitive(x) : JsonNull.INSTANCE);
        return a;
    }
}
