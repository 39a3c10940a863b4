package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.io.AtomicFiles;
import dev.kiln.lesson.LessonModels.Encoded;
import dev.kiln.lesson.LessonModels.Spec;
import dev.kiln.lesson.LessonModels.Trained;
import dev.kiln.rand.Rng;
import dev.kiln.report.LinePlot;
import dev.kiln.tensor.Tensor;
import com.google.gson.JsonObject;

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
 *   1. hook                       random codes through two decoders: the autoencoder's and the VAE's
 *   2. gapProblem                 the autoencoder's 2-D latent space: dots with gaps between them
 *   3. encodingToADistribution    the VAE's 2-D latent space: clouds N(μ, σ²); noise alone does not do it
 *   4. klWorkedExample            the lesson's KL numbers (T-shirt, sneaker, cheating), by GaussianKl, checked
 *   5. tradeOff                   reconstructions and the β sweep: KL falls, reconstruction error rises
 *   6. elbo                       the test negative ELBO of pytorch/examples' 784-400-20 VAE
 *   7. smoothTerrain              the same grid of codes decoded by the 2-D autoencoder and the 2-D VAE
 *   8. explorer                   explorer.html: the 2-D autoencoder and VAEs at every β, to click on
 * </pre>
 * Three roles, three places: this class computes each part's values ({@link Findings}) and draws its
 * figures ({@link Figures}, {@link Charts}); {@link LessonReport} writes them as prose, tables and
 * {@code summary.json}; {@link LessonModels} trains the models when a part first needs them.
 */
public final class Lesson {
    /** The β values of the sweep (20-D) and of the explorer (2-D). */
    public static final double[] BETAS = {0, 0.1, 0.5, 1, 2, 5};
    /** The output files, by name. */
    public static final String SAMPLES = "samples_ae_vs_vae.png", RECONSTRUCTIONS = "reconstructions.png",
            BETA_SWEEP = "beta_sweep.png", LATENT_AE = "latent_ae.png", LATENT_VAE = "latent_vae.png",
            LATENT_NOISE = "latent_noise_only.png", LATENT_GRIDS = "latent_grids_ae_vs_vae.png",
            CURVES = "training_curves.png", EXPLORER = Explorer.FILE, REPORT = "report.md", SUMMARY = "summary.json";
    /** Every file a run writes. */
    public static final List<String> OUTPUTS = List.of(SAMPLES, LATENT_AE, LATENT_VAE, LATENT_NOISE, RECONSTRUCTIONS,
            BETA_SWEEP, CURVES, LATENT_GRIDS, EXPLORER, REPORT, SUMMARY);

    private static final int PIXELS = FashionMnist.PIXELS;
    private static final int HOOK_SAMPLES = 36, HOOK_COLUMNS = 6;        // 6 × 6 samples per panel
    private static final int NEIGHBOURS = 2000;                          // training images searched for a nearest one
    private static final int MAP_POINTS = 3000, ELLIPSES_PER_CLASS = 4;
    private static final double PRIOR_RADIUS = 2.0;                      // the maps' circle, in σ
    private static final double MAP_QUANTILE = 0.995;                    // the shared axes hold this share of |μ|
    private static final double MIN_MAP_HALF = 2.5;                      // … and at least the prior's ±2.5σ
    private static final int GRID_SIDE = 15;
    private static final double GRID_HALF_WIDTH = 3.0;                   // the grids span [−3, 3]²
    private static final double ACTIVE_KL_NATS = 0.01;                   // a dimension "in use" carries more KL
    private static final int EVAL_BATCH = LessonModels.EVAL_BATCH;

    /**
     * What to run.
     *
     * @param quick       whether this is the quick version (changes the report's wording; the sizes
     *                    below carry the difference)
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

    private final Config config;
    private final LessonData data;
    private final Path out;
    private final PrintStream console;
    private final KlWorkedExample klFixture;
    private final Training.Settings settings;
    private final LessonModels models;
    private final LessonReport report;
    private final Map<String, Double> wallSeconds = new LinkedHashMap<>();
    private Findings.MapAxes axes;                       // the shared view of every 2-D map, set by mapAxes()
    private Findings.Gap gap;                            // part 2's measurement, compared with the VAE's in part 3

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
        this.models = new LessonModels(this.data, settings, config.seed(), console);
        this.report = new LessonReport(config, this.data, settings);
    }

    /** Runs the lesson's parts in order and writes the report and the summary; returns the summary. */
    public JsonObject run() {
        long start = System.nanoTime();
        report.introduction();
        part("1_hook", this::hook);
        part("2_gap_problem", this::gapProblem);
        part("3_encoding_to_a_distribution", this::encodingToADistribution);
        part("4_kl_worked_example", this::klWorkedExample);
        part("5_trade_off", this::tradeOff);
        part("6_elbo", this::elbo);
        part("7_smooth_terrain", this::smoothTerrain);
        part("8_explorer", this::explorer);
        wallSeconds.put("total", seconds(start));
        report.closingNote(wallSeconds, models.all());
        AtomicFiles.writeString(out.resolve(SUMMARY), report.summaryJson());
        AtomicFiles.writeString(out.resolve(REPORT), report.markdown());
        console.printf(Locale.ROOT, "lesson: wrote %s, %s and %s in %s (%.0f s)%n", REPORT, SUMMARY, EXPLORER, out,
                wallSeconds.get("total"));
        return report.summary();
    }

    // ------------------------------------------------------------------------------------------ the parts

    /** Part 1, the hook: the same 36 random codes z ~ N(0, I) through the autoencoder's decoder and the VAE's. */
    private void hook() {
        Trained ae = models.get(LessonModels.AE_20), vae = models.get(LessonModels.VAE_20);
        int latent = LessonModels.LATENT;
        Tensor z = Tensor.zeros(HOOK_SAMPLES, latent);                   // [36, 20], the same codes for both
        new Rng(config.seed() * 31 + 1).fillGaussian(z.data, z.size());
        float[] aeSamples = Figures.decode(ae.vae(), z);                 // [36, 784]
        float[] vaeSamples = Figures.decode(vae.vae(), z);               // [36, 784]
        Figures.write(Figures.sideBySide(List.of(
                new Figures.Panel("autoencoder: decoder(z), z ~ N(0, I)", Figures.tiles(aeSamples, HOOK_SAMPLES, HOOK_COLUMNS, 2)),
                new Figures.Panel("VAE: decoder(z), the same z", Figures.tiles(vaeSamples, HOOK_SAMPLES, HOOK_COLUMNS, 2)))),
                out.resolve(SAMPLES));

        // How far is each sample from the nearest real image? A real test image sets the scale.
        // (random images, not the first ones: the splits are stored class by class)
        float[] reference = nearestReference();                                                    // [R, 784]
        int real = Math.min(HOOK_SAMPLES, data.test().size());
        float[] testImages = data.test().batch(models.randomIndices(data.test().size(), real, 3)).data;  // [real, 784]
        report.hook(new Findings.Hook(HOOK_SAMPLES, latent, reference.length / PIXELS,
                Measures.meanNearestDistance(aeSamples, HOOK_SAMPLES, reference),
                Measures.meanNearestDistance(vaeSamples, HOOK_SAMPLES, reference),
                Measures.meanNearestDistance(testImages, real, reference),
                Measures.meanPixel(aeSamples), Measures.meanPixel(vaeSamples), Measures.meanPixel(testImages)));
    }

    /** Part 2, the gap problem: the autoencoder's 2-D codes, dots with empty space between and around them. */
    private void gapProblem() {
        Findings.MapAxes view = mapAxes();
        Encoded codes = models.encode(models.get(LessonModels.AE_2).vae(), MAP_POINTS, ELLIPSES_PER_CLASS);
        Charts.latentMap("Autoencoder, 2-D latent: each test image is a point (no σ)", codes.mu(), null,
                codes.labels(), data.classNames(), new int[0], view.half(), view.radius(), out.resolve(LATENT_AE));
        gap = new Findings.Gap(Measures.range(codes.mu()), Measures.shareOutside(codes.mu(), view.radius()), view);
        report.gap(gap);
    }

    /**
     * Part 3, encoding to a distribution: the 2-D VAE's clouds N(μ, σ²), centred near 0 and wide
     * enough to overlap; and the negative example, noise without the KL term, whose clouds shrink.
     */
    private void encodingToADistribution() {
        Findings.MapAxes view = mapAxes();
        Encoded v = models.encode(models.get(LessonModels.VAE_2).vae(), MAP_POINTS, ELLIPSES_PER_CLASS);
        Encoded n = models.encode(models.get(LessonModels.NOISE_2).vae(), MAP_POINTS, ELLIPSES_PER_CLASS);
        Charts.latentMap("VAE (β = 1), 2-D latent: each test image is a cloud, dot = μ, ellipse = 1σ",
                v.mu(), v.sigma(), v.labels(), data.classNames(), v.ellipses(), view.half(), view.radius(),
                out.resolve(LATENT_VAE));
        Charts.latentMap("Noise but no KL (β = 0), 2-D latent: dot = μ, ellipse = 1σ",
                n.mu(), n.sigma(), n.labels(), data.classNames(), n.ellipses(), view.half(), view.radius(),
                out.resolve(LATENT_NOISE));
        report.clouds(new Findings.Clouds(ELLIPSES_PER_CLASS, Measures.median(v.sigma()),
                Measures.shareOutside(v.mu(), view.radius()), Measures.median(n.sigma()),
                Measures.shareOutside(n.mu(), view.radius()), gap.shareOutside(), view));
    }

    /** Part 4, KL divergence as a regularizer: the lesson's worked examples, computed by the library. */
    private void klWorkedExample() {
        report.klWorkedExample(klFixture.check());                       // throws if kiln disagrees with the fixture
    }

    /**
     * Part 5, the trade-off: autoencoder vs VAE reconstructions, and the β sweep {0, 0.1, 0.5, 1, 2, 5}:
     * KL falls and reconstruction error rises as β grows.
     */
    private void tradeOff() {
        double blurryBeta = BETAS[BETAS.length - 1];
        Trained ae = models.get(LessonModels.AE_20), vae = models.get(LessonModels.VAE_20),
                blurry = models.get(LessonModels.sweep(blurryBeta));
        int[] shown = onePerClass(data.test());                                     // [≤ 10] test indices
        Tensor originals = data.test().batch(shown);                                // [10, 784]
        float[] aeRecon = Figures.decode(ae.vae(), ae.vae().forward(originals, false).mu());    // z = μ
        float[] vaeRecon = Figures.decode(vae.vae(), vae.vae().forward(originals, false).mu()); // z = μ
        float[] blurryRecon = Figures.decode(blurry.vae(), blurry.vae().forward(originals, false).mu());
        int k = shown.length;
        Figures.write(Figures.rows(List.of(
                new Figures.Panel("original", Figures.tiles(originals.data, k, k, 3)),
                new Figures.Panel("autoencoder", Figures.tiles(aeRecon, k, k, 3)),
                new Figures.Panel(vae.spec().title(), Figures.tiles(vaeRecon, k, k, 3)),
                new Figures.Panel(blurry.spec().title(), Figures.tiles(blurryRecon, k, k, 3)))),
                out.resolve(RECONSTRUCTIONS));
        // every model evaluated as an autoencoder (z = μ), as the rows decode the mean code
        Objective zIsMu = Objective.autoencoder();
        report.reconstructions(new Findings.Reconstructions(k, blurryBeta,
                Training.evaluate(ae.vae(), zIsMu, data.test(), EVAL_BATCH).recon(),
                Training.evaluate(vae.vae(), zIsMu, data.test(), EVAL_BATCH).recon(),
                Training.evaluate(blurry.vae(), zIsMu, data.test(), EVAL_BATCH).recon(),
                Measures.meanTotalVariation(originals.data, k), Measures.meanTotalVariation(aeRecon, k),
                Measures.meanTotalVariation(vaeRecon, k), Measures.meanTotalVariation(blurryRecon, k)));

        double[] recon = new double[BETAS.length], kl = new double[BETAS.length];   // [6] nats per image, by β
        int[] active = new int[BETAS.length];                                       // [6] dimensions in use
        for (int i = 0; i < BETAS.length; i++) {
            Trained m = models.get(LessonModels.sweep(BETAS[i]));
            Training.Evaluation e = Training.evaluate(m.vae(), m.spec().objective(), data.test(), EVAL_BATCH);
            recon[i] = e.recon();
            kl[i] = e.kl();
            active[i] = Measures.activeDimensions(models.klPerDimension(m.vae()), ACTIVE_KL_NATS);
        }
        Charts.tradeOff(BETAS, recon, kl, out.resolve(BETA_SWEEP));
        report.sweep(new Findings.Sweep(BETAS.clone(), recon, kl, active, LessonModels.LATENT, ACTIVE_KL_NATS));
    }

    /** Part 6, the ELBO: the test negative ELBO of pytorch/examples' VAE, 784-400-20. */
    private void elbo() {
        Trained vae = models.get(LessonModels.VAE_20), ae = models.get(LessonModels.AE_20);
        new LinePlot("Training loss per epoch (nats per image)", "epoch", "nats per image")
                .add("VAE: reconstruction + KL (negative ELBO)", vae.epochAxis(), vae.trainLoss())
                .add("autoencoder: reconstruction only", ae.epochAxis(), ae.trainLoss())
                .write(out.resolve(CURVES));
        report.elbo(new Findings.Elbo(Training.evaluate(vae.vae(), vae.spec().objective(), data.test(), EVAL_BATCH),
                PIXELS * Math.log(2)));                                   // p = ½ for every pixel
    }

    /**
     * Part 7, smooth terrain: a 15 × 15 grid of codes over [−3, 3]² decoded by the 2-D autoencoder
     * and by the 2-D VAE, side by side: where the autoencoder has a gap, its decoding is garbage.
     */
    private void smoothTerrain() {
        Trained ae = models.get(LessonModels.AE_2), vae = models.get(LessonModels.VAE_2);
        Tensor z = Tensor.zeros(GRID_SIDE * GRID_SIDE, LessonModels.MAP_LATENT);     // [225, 2]
        for (int row = 0; row < GRID_SIDE; row++) {
            for (int col = 0; col < GRID_SIDE; col++) {
                int at = (row * GRID_SIDE + col) * LessonModels.MAP_LATENT;         // code (row, col) in z
                z.data[at] = (float) gridCoordinate(col);                          // z₁ grows to the right
                z.data[at + 1] = (float) gridCoordinate(GRID_SIDE - 1 - row);      // z₂ grows upwards
            }
        }
        int n = GRID_SIDE * GRID_SIDE;
        float[] aeGrid = Figures.decode(ae.vae(), z), vaeGrid = Figures.decode(vae.vae(), z);   // [225, 784]
        Figures.write(Figures.sideBySide(List.of(
                new Figures.Panel("autoencoder: decoder(z) on a grid", Figures.tiles(aeGrid, n, GRID_SIDE, 1)),
                new Figures.Panel("VAE (β = 1): the same grid", Figures.tiles(vaeGrid, n, GRID_SIDE, 1)))),
                out.resolve(LATENT_GRIDS));
        float[] reference = nearestReference();
        int real = Math.min(n, data.test().size());
        float[] testImages = data.test().batch(models.randomIndices(data.test().size(), real, 3)).data;
        report.terrain(new Findings.Terrain(GRID_SIDE, GRID_HALF_WIDTH,
                Measures.meanNearestDistance(aeGrid, n, reference), Measures.meanNearestDistance(vaeGrid, n, reference),
                Measures.meanNearestDistance(testImages, real, reference)));
    }

    /** Part 8, the explorer: the 2-D autoencoder and the 2-D VAEs at every β of the sweep, in one page. */
    private void explorer() {
        Findings.MapAxes view = mapAxes();
        List<Explorer.Entry> entries = new ArrayList<>();
        int[] labels = null;
        List<Spec> specs = new ArrayList<>();
        specs.add(LessonModels.AE_2);
        for (double b : BETAS) specs.add(LessonModels.map(b));
        for (Spec spec : specs) {
            Trained t = models.get(spec);
            Encoded e = models.encode(t.vae(), MAP_POINTS, 0);
            labels = e.labels();
            boolean isAe = spec.objective().isAutoencoder();
            Training.Evaluation test = Training.evaluate(t.vae(), spec.objective(), data.test(), EVAL_BATCH);
            Explorer.Stats stats = new Explorer.Stats(test.recon(), test.kl(),
                    Measures.shareOutside(e.mu(), view.radius()), isAe ? Double.NaN : Measures.median(e.sigma()));
            Double beta = isAe ? null : spec.objective().beta();
            entries.add(new Explorer.Entry(spec.key(), Explorer.label(beta), beta, t.vae(), e.mu(),
                    isAe ? null : e.sigma(), stats, fitHalf(e.mu())));
        }
        Explorer.write(out.resolve(EXPLORER), "kiln lesson: latent explorer (" + data.name() + ", " + data.train().size() + " training images, "
                + settings.epochs() + " epoch" + (settings.epochs() == 1 ? "" : "s") + ")", entries, labels,
                data.classNames(), view.half(), config.seed());
        report.explorer(new Findings.ExplorerPage(EXPLORER, entries, labels.length), view);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * The axes shared by every 2-D map and the explorer: [−A, A]² with A the largest, over the
     * 2-D autoencoder and the 2-D VAEs at every β, of 1.1 × the 99.5% quantile of |μ|, and at least
     * 2.5. Trains those models the first time it is called.
     */
    private Findings.MapAxes mapAxes() {
        if (axes != null) return axes;
        double half = MIN_MAP_HALF;
        List<Spec> specs = new ArrayList<>();
        specs.add(LessonModels.AE_2);
        for (double b : BETAS) specs.add(LessonModels.map(b));
        for (Spec s : specs) half = Math.max(half, fitHalf(models.encode(models.get(s).vae(), MAP_POINTS, 0).mu()));
        axes = new Findings.MapAxes(half, PRIOR_RADIUS, Measures.priorMassInside(PRIOR_RADIUS));
        return axes;
    }

    /** The half width of a view that fits one model's codes: 1.1 × the 99.5% quantile of |μ|, at least 2.5. */
    private static double fitHalf(float[] mu) {
        return Math.max(MIN_MAP_HALF, 1.1 * Measures.quantileAbs(mu, MAP_QUANTILE));
    }

    /** {@value #NEIGHBOURS} random training images [R, 784], the references of the nearest-image distance. */
    private float[] nearestReference() {
        return data.train().batch(models.randomIndices(data.train().size(), NEIGHBOURS, 2)).data;
    }

    private void part(String name, Runnable body) {
        long t0 = System.nanoTime();
        console.println("lesson: part " + name);
        body.run();
        wallSeconds.put(name, seconds(t0));
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Grid coordinate i of {@link #GRID_SIDE}, evenly from −3 to 3. */
    private static double gridCoordinate(int i) {
        return -GRID_HALF_WIDTH + 2 * GRID_HALF_WIDTH * i / (GRID_SIDE - 1);
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
}
