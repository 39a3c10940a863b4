package dev.kiln.lesson;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.kiln.backend.Backends;
import dev.kiln.data.FashionMnist;
import dev.kiln.io.Json;
import dev.kiln.lesson.LessonModels.Trained;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lesson's words: {@code report.md} and {@code summary.json}, section by section, from what
 * {@link Lesson} measured ({@link Findings}). Every number in the prose is a formatted component
 * of a finding, of the settings or of the data; where a claim of the seed's lesson depends on the
 * run (the VAE's samples look like clothes, its reconstructions are blurrier), the sentence says
 * what this run measured, and says so when the run does not show it.
 */
final class LessonReport {
    private static final int PIXELS = FashionMnist.PIXELS;
    /** Two mean nearest-image distances closer than this (RMS, pixels in [0, 1]) are called a tie. */
    static final double DISTANCE_TIE = 0.01;
    /** Reconstructions whose neighbouring pixels differ this many times more than the originals' are noisy. */
    static final double NOISY = 1.2;
    /** Clouds count as shrunk when their median σ is below this share of the VAE's. */
    static final double SHRUNK = 0.8;

    private final Lesson.Config config;
    private final LessonData data;
    private final Training.Settings settings;
    private final Markdown md = new Markdown();
    private final JsonObject summary = new JsonObject();
    private Findings.Sweep sweep;                        // part 5's table, repeated in the closing note
    private Findings.Elbo elbo;                          // part 6's number, repeated in the closing note

    LessonReport(Lesson.Config config, LessonData data, Training.Settings settings) {
        this.config = config;
        this.data = data;
        this.settings = settings;
    }

    String markdown() {
        return md.toString();
    }

    JsonObject summary() {
        return summary;
    }

    String summaryJson() {
        return Json.pretty(summary);
    }

    /** What was run: data, sizes, settings. */
    void introduction() {
        String arch = architecture();
        md.heading(1, "Variational autoencoders, from real models");
        md.paragraph("""
                Every picture and number below was produced by `kiln lesson`: kiln trained the models on the \
                images described here and measured them on the test split. The lesson's story: an \
                autoencoder cannot generate (its latent space has gaps); a VAE encodes each image to a small \
                cloud instead of a point, and a KL term keeps those clouds near the centre and wide enough to \
                overlap, so any random code decodes to something plausible. The price is blur. Open \
                [`explorer.html`](explorer.html) in a browser to click through the 2-D models yourself.""");
        md.paragraph("**Data.** " + data.description() + ": " + data.train().size() + " training images, "
                + data.test().size() + " test images.");
        md.paragraph(String.format(Locale.ROOT, """
                **Models.** Every model is the same MLP: encoder %s (ReLU) → μ and log σ² (two linear heads), \
                decoder z → %s (ReLU) → %d logits, with a latent size of %d (pictures of samples, \
                reconstructions, the β sweep, the ELBO) or %d (the latent maps and the explorer). The \
                autoencoder uses z = μ and only the reconstruction loss; the VAE samples z = μ + σ·ε and adds \
                β·KL. Loss: Bernoulli cross-entropy summed over the %d pixels (nats per image), plus β·KL summed \
                over latent dimensions. Adam, learning rate %s, batch %d, %d epoch%s for every model, seed %d; \
                all models of one latent size start from the same weights and see the batches in the same \
                order.""", arch, reversedHidden(), PIXELS, LessonModels.LATENT, LessonModels.MAP_LATENT, PIXELS,
                settings.learningRate(), settings.batchSize(), settings.epochs(), plural(settings.epochs()),
                config.seed()));
        if (config.quick()) {
            md.paragraph(String.format(Locale.ROOT, """
                    **This is the quick version** (`--quick`): at most %d training and %d test images, a seeded \
                    random subset (here %d and %d), and %d epoch%s instead of %d. The models are undertrained: \
                    several of the lesson's claims show weakly or not at all, and each caption below says what \
                    this run measured. Run `kiln lesson --out DIR` without `--quick` for the real lesson.""",
                    config.trainImages(), config.testImages(), data.train().size(), data.test().size(),
                    config.epochs(), plural(config.epochs()), Lesson.Config.FULL_EPOCHS));
        }
        JsonObject d = new JsonObject();
        d.addProperty("description", data.description());
        d.addProperty("train_images", data.train().size());
        d.addProperty("test_images", data.test().size());
        summary.addProperty("quick", config.quick());
        summary.add("data", d);
        JsonObject s = new JsonObject();
        s.addProperty("architecture", PIXELS + "-" + join(LessonModels.HIDDEN) + "-{" + LessonModels.LATENT + ","
                + LessonModels.MAP_LATENT + "}, ReLU, BCE logits");
        s.addProperty("epochs", settings.epochs());
        s.addProperty("batch_size", settings.batchSize());
        s.addProperty("learning_rate", settings.learningRate());
        s.addProperty("seed", config.seed());
        s.addProperty("backend", Backends.current().name());
        summary.add("settings", s);
    }

    /** Part 1. */
    void hook(Findings.Hook h) {
        boolean vaeCloser = h.vaeDistance() < h.aeDistance() - DISTANCE_TIE;
        md.heading(2, "1. The hook: random codes, two decoders");
        md.image("Decoded samples from N(0, I): autoencoder (left) vs VAE (right)", Lesson.SAMPLES);
        md.paragraph(String.format(Locale.ROOT, """
                Both panels decode the *same* %d random codes z, each %d numbers drawn from N(0, I). Left: the \
                autoencoder's decoder. Right: the VAE's decoder. Same architecture, same bottleneck size, same \
                training images, same starting weights: the only difference is how the encoder was trained. \
                The autoencoder's decoder has only ever seen the codes its encoder produces, and a random code \
                is rarely one of those.""", h.samples(), h.latent()));
        String verdict = vaeCloser
                ? "The VAE's samples are the closer ones: blurry, but nearer to real garments than the "
                + "autoencoder's smudges and mixtures."
                : "In this run the VAE's samples are **not** clearly closer to real images than the autoencoder's "
                + String.format(Locale.ROOT, "(a gap under %.2f counts as a tie): ", DISTANCE_TIE)
                + (config.quick() ? "with the quick version's little training neither decoder makes convincing clothes "
                + "from random codes yet; " : "")
                + "the lesson's claim is not shown here.";
        md.paragraph(String.format(Locale.ROOT, """
                Measured: the average distance from a sample to the nearest of %d training images (root mean \
                square pixel difference, pixels in [0, 1]) is **%.3f for the autoencoder** and **%.3f for the \
                VAE**; a real test image is %.3f from its nearest training image. %s Mean brightness (0 black, \
                1 white): autoencoder samples %.3f, VAE samples %.3f, real images %.3f.""",
                h.references(), h.aeDistance(), h.vaeDistance(), h.realDistance(), verdict,
                h.aeMeanPixel(), h.vaeMeanPixel(), h.realMeanPixel()));
        JsonObject o = new JsonObject();
        o.addProperty("samples", h.samples());
        o.addProperty("ae_nearest_train_rms", h.aeDistance());
        o.addProperty("vae_nearest_train_rms", h.vaeDistance());
        o.addProperty("test_image_nearest_train_rms", h.realDistance());
        o.addProperty("ae_mean_pixel", h.aeMeanPixel());
        o.addProperty("vae_mean_pixel", h.vaeMeanPixel());
        o.addProperty("test_image_mean_pixel", h.realMeanPixel());
        summary.add("hook", o);
    }

    /** Part 2. */
    void gap(Findings.Gap g) {
        double[] r = g.range();
        Findings.MapAxes a = g.axes();
        md.heading(2, "2. The gap problem: a map with dots but no roads");
        md.image("Autoencoder latent space, codes coloured by class", Lesson.LATENT_AE);
        md.paragraph(String.format(Locale.ROOT, """
                An autoencoder with a bottleneck of just two numbers, so that we can draw it. Each dot is where \
                one test image lands, coloured by its class. The codes spread over [%.1f, %.1f] × [%.1f, %.1f]; \
                %.0f%% of them lie outside the dashed circle (radius %sσ), which holds %.0f%% of the random codes \
                N(0, I) would give us. Nothing asked the encoder to put codes anywhere in particular, so classes \
                sit where they happened to land, with empty space between them. A code in an empty region is \
                something the decoder has never seen: it is like a city map with buildings but no roads — you \
                can visit the buildings you know, but you cannot walk between them. All three maps of this \
                lesson share the axes [%.1f, %.1f]², so that they can be compared.""",
                r[0], r[1], r[2], r[3], 100 * g.shareOutside(), Objective.showBeta(a.radius()), 100 * a.priorMass(),
                -a.half(), a.half()));
        JsonObject o = new JsonObject();
        o.add("ae_code_range", json(r));
        o.addProperty("ae_share_outside_prior_2sigma", g.shareOutside());
        o.addProperty("map_half_width", a.half());
        summary.add("gap_problem", o);
    }

    /** Part 3. */
    void clouds(Findings.Clouds c) {
        md.heading(2, "3. Encoding to a distribution: clouds, not points");
        md.image("VAE latent space: means and 1σ ellipses", Lesson.LATENT_VAE);
        md.paragraph(String.format(Locale.ROOT, """
                The VAE's encoder outputs two numbers per latent dimension for each image: a mean μ (the dot) \
                and a spread σ (the ellipse, one standard deviation, drawn for %d images per class). Each image \
                gets its *own* cloud N(μ, σ²): the encoder is a function from an image to the parameters of a \
                distribution, not one distribution for the whole dataset. In training, z is sampled from the \
                cloud, so the decoder must produce a good image for every z near μ, not just for μ. The median σ \
                is %s: small next to the spread of the means, but not zero, and with thousands of images the \
                clouds of similar images overlap and cover the ground between them — roads between the \
                buildings. %.0f%% of the means lie outside the dashed circle, %s""",
                c.ellipsesPerClass(), small(c.vaeMedianSigma()), 100 * c.vaeOutside(),
                c.vaeOutside() < c.aeOutside()
                        ? String.format(Locale.ROOT, "fewer than the autoencoder's %.0f%%: the KL term pulls the codes "
                                + "towards the centre, where N(0, I) will sample.", 100 * c.aeOutside())
                        : String.format(Locale.ROOT, "no fewer than the autoencoder's %.0f%%: with only two latent "
                                + "numbers to describe %d pixels, the reconstruction term outweighs the KL's pull "
                                + "towards the centre in this run.", 100 * c.aeOutside(), PIXELS)));
        md.image("Noise without KL: means and 1σ ellipses", Lesson.LATENT_NOISE);
        boolean shrank = c.noiseMedianSigma() < SHRUNK * c.vaeMedianSigma();
        md.paragraph(String.format(Locale.ROOT, """
                The negative example, and the lesson's check "what if the KL weight is zero?": the same \
                sampling z = μ + σ·ε, but **no KL term** (β = 0). Noise alone does not fix the gaps. %s The KL \
                term is what forces the organisation.""",
                shrank
                        ? String.format(Locale.ROOT, "Nothing stops the encoder from shrinking its clouds, and it does: "
                                + "median σ = %s, against %s for the VAE%s, with %.0f%% of the means outside the "
                                + "circle. The noise hardly moves z, so the decoder can treat each code as a point "
                                + "again: the autoencoder's map, with jitter.", small(c.noiseMedianSigma()),
                                small(c.vaeMedianSigma()),
                                c.noiseMedianSigma() < c.vaeMedianSigma() / 4 ? " (most ellipses are too small to see)" : "",
                                100 * c.noiseOutside())
                        : String.format(Locale.ROOT, "In this run its clouds did not clearly shrink below the "
                                + "VAE's (median σ %s against %s): the lesson's claim is not shown here.",
                                small(c.noiseMedianSigma()), small(c.vaeMedianSigma()))));
        JsonObject o = new JsonObject();
        o.addProperty("vae_median_sigma", c.vaeMedianSigma());
        o.addProperty("vae_share_outside_prior_2sigma", c.vaeOutside());
        o.addProperty("noise_only_median_sigma", c.noiseMedianSigma());
        o.addProperty("noise_only_share_outside_prior_2sigma", c.noiseOutside());
        summary.add("encoding_to_a_distribution", o);
    }

    /** Part 4: the rows are the fixture's examples as {@link GaussianKl} computes them. */
    void klWorkedExample(List<KlWorkedExample.Row> rows) {
        md.heading(2, "4. KL divergence: the regularizer, worked out");
        md.paragraph("""
                The KL term measures how far one image's cloud N(μ, σ²) is from the standard normal N(0, 1), \
                per latent dimension, in closed form: KL = ½(μ² + σ² − 1 − log σ²). It grows when μ moves away \
                from 0 ("don't hide your codes in a corner") and when σ shrinks towards 0 ("don't make your \
                clouds so small they are points"). It is to the latent space what L2 regularization is to \
                weights. It does not measure reconstruction quality: the two terms compete. The lesson's two \
                garments, each with its own cloud, and the T-shirt's encoder cheating, computed by the same code \
                that trains the models (`GaussianKl`):""");
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
        md.table(table);
        KlWorkedExample.Row shirt = row(rows, "t_shirt"), sneaker = row(rows, "sneaker"),
                cheat = row(rows, "cheating_small_sigma");
        md.paragraph(String.format(Locale.ROOT, """
                Two images, two clouds: the T-shirt's centred at %s, the sneaker's at %s, each with its own \
                spread. A KL of %.2f nats is moderate: the T-shirt's cloud is off-centre and narrower than \
                N(0, 1). The sneaker's costs %.2f, %s. If the encoder "cheats" by shrinking the T-shirt's σ to %s to recover \
                a precise autoencoder-like code, the KL jumps to %.2f nats: the regularizer catches it. (Checked \
                against `%s` at run time; the run stops if they disagree.)""",
                vector(shirt.mu(), "%.1f"), vector(sneaker.mu(), "%.1f"), shirt.total(), sneaker.total(),
                dearer(sneaker), vector(cheat.sigma(), "%.2f"),
                cheat.total(), KlWorkedExample.FIXTURE.toString().replace('\\', '/')));
        summary.add("kl_worked_example", a);
    }

    /** Part 5a. */
    void reconstructions(Findings.Reconstructions r) {
        String blurry = Objective.showBeta(r.blurryBeta());
        boolean bceOrdered = r.aeBce() < r.vaeBce() && r.vaeBce() < r.blurryBce();
        boolean smoother = r.vaeTv() < r.aeTv() && r.blurryTv() < r.vaeTv();
        md.heading(2, "5. The trade-off: sharp codes or an organised space");
        md.image("Test images and their reconstructions by the autoencoder and the VAE", Lesson.RECONSTRUCTIONS);
        md.paragraph(String.format(Locale.ROOT, """
                Top row: %d test images, one per class. Then the reconstructions of the autoencoder, of the VAE \
                (β = 1), and of a VAE with a heavier KL weight, β = %s (every row decodes z = μ). The lesson's \
                claim: the VAE's are blurrier, and more so as β grows, because its decoder must work for every z \
                in an overlapping cloud, not for one precise point, so it hedges between similar images and \
                drops details such as prints, buttons and straps.""", r.images(), blurry));
        String errors = String.format(Locale.ROOT, "Reconstruction error on the test split: %.1f nats per image for "
                + "the autoencoder, %.1f for the VAE, %.1f with β = %s", r.aeBce(), r.vaeBce(), r.blurryBce(), blurry);
        String sharpness = String.format(Locale.ROOT, "Sharpness (mean difference between neighbouring pixels): "
                        + "originals %.3f, autoencoder %.3f, VAE %.3f, β = %s %.3f", r.originalTv(), r.aeTv(),
                r.vaeTv(), blurry, r.blurryTv());
        String verdict;
        if (r.aeTv() > NOISY * r.originalTv()) {
            verdict = String.format(Locale.ROOT, "The autoencoder's reconstructions vary more between neighbouring "
                    + "pixels than the originals do (%.3f against %.3f): they are noisy, not sharp; the models are "
                    + "undertrained%s, so this run does not show the lesson's sharp-versus-blurry contrast.",
                    r.aeTv(), r.originalTv(), config.quick() ? " in the quick version" : "");
        } else if (bceOrdered && smoother) {
            verdict = "The error rises and the sharpness falls in the lesson's order: the blur is the price of a "
                    + "latent space you can sample from, not a failure.";
        } else if (r.aeBce() >= r.vaeBce()) {
            verdict = "Here the autoencoder reconstructs *worse* than the VAE: it is undertrained"
                    + (config.quick() ? " in the quick version" : "")
                    + ", so this run does not show the lesson's sharp-versus-blurry contrast.";
        } else {
            verdict = "Not every step follows the lesson's order in this run"
                    + (config.quick() ? " (too little training to tell)" : "") + ".";
        }
        md.paragraph(errors + ". " + sharpness + ". " + verdict);
        JsonObject t = new JsonObject();
        t.addProperty("ae_test_recon_nats_z_mu", r.aeBce());
        t.addProperty("vae_test_recon_nats_z_mu", r.vaeBce());
        t.addProperty("vae_beta_" + blurry + "_test_recon_nats_z_mu", r.blurryBce());
        t.addProperty("original_total_variation", r.originalTv());
        t.addProperty("ae_recon_total_variation", r.aeTv());
        t.addProperty("vae_recon_total_variation", r.vaeTv());
        t.addProperty("vae_beta_" + blurry + "_recon_total_variation", r.blurryTv());
        summary.add("trade_off", t);
    }

    /** Part 5b; {@link #reconstructions} comes first. */
    void sweep(Findings.Sweep s) {
        sweep = s;
        int last = s.betas().length - 1;
        md.paragraph(String.format(Locale.ROOT, """
                **The β sweep.** The VAE's loss is reconstruction + β·KL. %d VAEs (latent size %d), identical \
                except for β, measured on the test split (z sampled, one per image). "Dimensions in use" counts \
                the latent dimensions whose average KL exceeds %s nats: the others encode every image to the \
                prior N(0, 1) and carry no information.""", s.betas().length, s.latent(), small(s.threshold())));
        md.table(sweepTable(s));
        md.image("Reconstruction against KL for each β", Lesson.BETA_SWEEP);
        boolean klFalls = Measures.nonIncreasing(s.kl()), reconRises = Measures.nonDecreasing(s.recon());
        md.paragraph(String.format(Locale.ROOT, """
                As β grows from %s to %s, the KL goes from %.1f to %.1f nats per image (%s) and the \
                reconstruction error from %.1f to %.1f (%s). The two losses pull in opposite directions: \
                reconstruction wants precise, specialised codes; KL wants every cloud to look like N(0, 1). \
                β = 0 keeps the noise but drops the regularizer, the autoencoder's end of the curve. β = 1 is the \
                standard VAE; neither extreme is good.""",
                Objective.showBeta(s.betas()[0]), Objective.showBeta(s.betas()[last]), s.kl()[0], s.kl()[last],
                klFalls ? "falling at every step" : "not falling at every step", s.recon()[0], s.recon()[last],
                reconRises ? "rising at every step" : "not rising at every step"));
        md.paragraph(String.format(Locale.ROOT, """
                The lesson's check "what if the reconstruction weight is zero?" is the far end of this curve: \
                a larger β is a smaller reconstruction weight relative to the KL. %d of %d dimensions are in use \
                at β = %s and %d at β = %s. %s""",
                s.active()[0], s.latent(), Objective.showBeta(s.betas()[0]), s.active()[last],
                Objective.showBeta(s.betas()[last]),
                s.active()[last] < s.active()[0]
                        ? "The heavier the KL, the more dimensions give up and encode every image as N(0, 1); with "
                        + "no reconstruction term at all every dimension would, every image would get the same "
                        + "cloud, and the decoder, told nothing, would draw the same image for all."
                        : "In this run no dimension has given up yet; with a heavier KL they would, one by one, "
                        + "until every image got the same cloud N(0, I) and the decoder drew the same image for all."));
        JsonObject t = summary.getAsJsonObject("trade_off");
        JsonArray rows = new JsonArray();
        for (int i = 0; i < s.betas().length; i++) {
            JsonObject o = new JsonObject();
            o.addProperty("beta", s.betas()[i]);
            o.addProperty("recon_nats", s.recon()[i]);
            o.addProperty("kl_nats", s.kl()[i]);
            o.addProperty("active_dimensions", s.active()[i]);
            rows.add(o);
        }
        t.add("beta_sweep", rows);
        t.addProperty("active_dimension_kl_threshold_nats", s.threshold());
        t.addProperty("kl_falls_monotonically", klFalls);
        t.addProperty("recon_rises_monotonically", reconRises);
    }

    /** Part 6. */
    void elbo(Findings.Elbo e) {
        elbo = e;
        Training.Evaluation t = e.test();
        md.heading(2, "6. The ELBO");
        md.paragraph("""
                The VAE's loss has a name: the negative **evidence lower bound** (ELBO). Minimising it \
                maximises a lower bound on log p(x), how probable the model finds the data, which is the goal \
                of a generative model. The reconstruction term measures how well the model explains each \
                image; the KL term keeps the latent space organised enough to be a proper distribution.""");
        md.paragraph(String.format(Locale.ROOT, """
                pytorch/examples' VAE (%s, BCE summed over pixels plus KL, Adam %s, batch %d), trained %d \
                epoch%s: **test negative ELBO = %.1f nats per image** (reconstruction %.1f + KL %.1f; one z per \
                image, %d test images). For scale, a model that gives every pixel probability ½ scores \
                %d · ln 2 = %.1f.""", dashed(), settings.learningRate(),
                settings.batchSize(), settings.epochs(), plural(settings.epochs()), t.negativeElbo(), t.recon(),
                t.kl(), t.images(), PIXELS, e.uniformNats()));
        md.image("Training loss per epoch", Lesson.CURVES);
        JsonObject o = new JsonObject();
        o.addProperty("model", dashed() + " VAE, beta 1");
        o.addProperty("epochs", settings.epochs());
        o.addProperty("test_negative_elbo_nats", t.negativeElbo());
        o.addProperty("test_recon_nats", t.recon());
        o.addProperty("test_kl_nats", t.kl());
        o.addProperty("test_images", t.images());
        summary.add("elbo", o);
        summary.addProperty("test_negative_elbo_nats", t.negativeElbo());
    }

    /** Part 7. */
    void terrain(Findings.Terrain t) {
        boolean vaeCloser = t.vaeDistance() < t.aeDistance() - DISTANCE_TIE;
        md.heading(2, "7. Smooth terrain: decode anywhere");
        md.image("Decodings of the same grid of codes by the autoencoder (left) and the VAE (right)", Lesson.LATENT_GRIDS);
        md.paragraph(String.format(Locale.ROOT, """
                The 2-D autoencoder's decoder (left) and the 2-D VAE's (right) applied to the same %d × %d grid \
                of codes spanning [%.0f, %.0f] in both directions (z₁ grows to the right, z₂ upwards, as in the \
                maps of parts 2 and 3): the square where N(0, I) puts nearly all its samples. Measured: a grid \
                decoding is on average %.3f from the nearest training image for the autoencoder and %.3f for the \
                VAE (a real test image: %.3f). %s""", t.side(), t.side(), -t.halfWidth(), t.halfWidth(),
                t.aeDistance(), t.vaeDistance(), t.realDistance(),
                vaeCloser
                        ? "Where the autoencoder's map has a gap, its decoder gives garbage or a smeared copy of "
                        + "its nearest cluster; the VAE's neighbouring codes give similar images that morph "
                        + "gradually from one kind of clothing into another: roads almost everywhere. Faint or "
                        + "mixed images mark the thinner patches of its map: the KL term makes the space smooth, "
                        + "not perfect. That is what makes the VAE generative."
                        : "In this run the VAE's grid is not clearly closer to real images than the autoencoder's "
                        + String.format(Locale.ROOT, "(a gap under %.2f counts as a tie): the ", DISTANCE_TIE)
                        + "lesson's claim is not shown here" + (config.quick() ? " (the quick version's models are "
                        + "undertrained)" : "") + "."));
        JsonObject o = new JsonObject();
        o.addProperty("grid_side", t.side());
        o.addProperty("grid_half_width", t.halfWidth());
        o.addProperty("ae_grid_nearest_train_rms", t.aeDistance());
        o.addProperty("vae_grid_nearest_train_rms", t.vaeDistance());
        o.addProperty("test_image_nearest_train_rms", t.realDistance());
        summary.add("smooth_terrain", o);
    }

    /** Part 8. */
    void explorer(Findings.ExplorerPage page, Findings.MapAxes axes) {
        md.heading(2, "8. Explore it yourself");
        md.paragraph(String.format(Locale.ROOT, """
                [`%s`](%s) holds the 2-D autoencoder and the 2-D VAEs at β = %s, their decoders' weights and %d \
                encoded test images, in one file that needs no network. Toggle between the autoencoder and the \
                VAE, move the β slider, click or drag anywhere to decode that z (it runs the decoder in the \
                page, in float32, as kiln does), sample from N(0, I), and compare the density of the encoded \
                clouds: every model is drawn on the same axes [%.1f, %.1f]². Its stats panel, on the test \
                split (z sampled once per image; the autoencoder z = μ):""", page.file(), page.file(),
                betas(page.models()), page.points(), -axes.half(), axes.half()));
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("model", "reconstruction (nats/image)", "KL (nats/image)", "means outside 2σ", "median σ"));
        JsonArray a = new JsonArray();
        for (Explorer.Entry e : page.models()) {
            Explorer.Stats s = e.stats();
            table.add(List.of(e.label(), String.format(Locale.ROOT, "%.1f", s.reconNats()),
                    Double.isNaN(s.klNats()) ? "–" : String.format(Locale.ROOT, "%.2f", s.klNats()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * s.shareOutside2Sigma()),
                    Double.isNaN(s.medianSigma()) ? "–" : small(s.medianSigma())));
            JsonObject o = new JsonObject();
            o.addProperty("key", e.key());
            o.add("beta", e.beta() == null ? JsonNull.INSTANCE : new JsonPrimitive(e.beta()));
            o.addProperty("recon_nats", s.reconNats());
            o.add("kl_nats", number(s.klNats()));
            o.addProperty("share_outside_2sigma", s.shareOutside2Sigma());
            o.add("median_sigma", number(s.medianSigma()));
            a.add(o);
        }
        md.table(table);
        JsonObject o = new JsonObject();
        o.addProperty("file", page.file());
        o.addProperty("points", page.points());
        o.addProperty("axis_half_width", axes.half());
        o.add("models", a);
        summary.add("explorer", o);
    }

    /** The closing note: the numbers in one place, and the wall times. */
    void closingNote(Map<String, Double> wallSeconds, Collection<Trained> models) {
        md.heading(2, "Closing note: the numbers");
        md.paragraph(String.format(Locale.ROOT,
                "Test negative ELBO of the %s VAE after %d epoch%s: **%.2f nats per image**. The β sweep "
                        + "(test split, nats per image):", dashed(), settings.epochs(),
                plural(settings.epochs()), elbo.test().negativeElbo()));
        md.table(sweepTable(sweep));
        double cpu = processCpuSeconds();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int processors = Runtime.getRuntime().availableProcessors();
        String crowding = load < 0 ? "unknown"
                : String.format(Locale.ROOT, "%.1f, so %s", load, load > processors + 0.5
                        ? "other work was competing for the processors and these wall times are longer than on an "
                        + "idle machine" : "the machine was not crowded");
        md.paragraph(String.format(Locale.ROOT, """
                Wall times (%s backend, %d processors). The process used %s s of CPU time in all; the system's \
                load average at the end was %s:""", Backends.current().name(), processors,
                Double.isNaN(cpu) ? "an unknown number of" : String.format(Locale.ROOT, "%.0f", cpu), crowding));
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("part (training included the first time a model is needed)", "seconds"));
        for (Map.Entry<String, Double> w : wallSeconds.entrySet()) {
            table.add(List.of(w.getKey(), String.format(Locale.ROOT, "%.1f", w.getValue())));
        }
        md.table(table);
        List<List<String>> trained = new ArrayList<>();
        trained.add(List.of("model", "latent", "objective", "training seconds", "last epoch's training loss"));
        JsonArray ms = new JsonArray();
        for (Trained t : models) {
            trained.add(List.of(t.spec().key(), Integer.toString(t.spec().latent()), t.spec().objective().describe(),
                    String.format(Locale.ROOT, "%.1f", t.seconds()), String.format(Locale.ROOT, "%.2f", t.lastTrainLoss())));
            JsonObject o = new JsonObject();
            o.addProperty("name", t.spec().key());
            o.addProperty("latent", t.spec().latent());
            o.addProperty("objective", t.spec().objective().describe());
            o.addProperty("train_seconds", t.seconds());
            o.addProperty("final_train_loss", t.lastTrainLoss());
            ms.add(o);
        }
        md.table(trained);
        JsonObject w = new JsonObject();
        for (Map.Entry<String, Double> e : wallSeconds.entrySet()) w.addProperty(e.getKey(), e.getValue());
        summary.add("wall_seconds", w);
        if (!Double.isNaN(cpu)) summary.addProperty("process_cpu_seconds", cpu);
        if (load >= 0) summary.addProperty("load_average_at_end", load);
        summary.add("models", ms);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static List<List<String>> sweepTable(Findings.Sweep s) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("β", "reconstruction (nats/image)", "KL (nats/image)", "reconstruction + KL",
                "dimensions in use"));
        for (int i = 0; i < s.betas().length; i++) {
            table.add(List.of(Objective.showBeta(s.betas()[i]), String.format(Locale.ROOT, "%.1f", s.recon()[i]),
                    String.format(Locale.ROOT, "%.2f", s.kl()[i]), String.format(Locale.ROOT, "%.1f", s.elbo(i)),
                    s.active()[i] + " of " + s.latent()));
        }
        return table;
    }

    /**
     * Where an example's KL comes from, in its dearest dimension j: KL_j = ½μ_j² (the offset) +
     * ½(σ_j² − 1 − log σ_j²) (the spread), e.g. "65% of it in dimension 2 (μ = −0.9, σ = 0.3): 0.41 for the
     * offset, 0.75 for the narrow spread".
     */
    private static String dearer(KlWorkedExample.Row r) {
        int j = 0;
        for (int i = 1; i < r.perDim().length; i++) if (r.perDim()[i] > r.perDim()[j]) j = i;
        double mu = r.mu()[j], s2 = r.sigma()[j] * r.sigma()[j];
        double offset = 0.5 * mu * mu, spread = 0.5 * (s2 - 1 - Math.log(s2));
        return String.format(Locale.ROOT, "%.0f%% of it in dimension %d (μ = %.1f, σ = %.1f): %.2f for the offset "
                        + "½μ², %.2f for the %s spread", 100 * r.perDim()[j] / r.total(), j + 1, mu, r.sigma()[j],
                offset, spread, s2 < 1 ? "narrow" : "wide");
    }

    private static KlWorkedExample.Row row(List<KlWorkedExample.Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalStateException("the KL fixture has no example named " + name + "; it has "
                        + rows.stream().map(KlWorkedExample.Row::name).toList()));
    }

    private static String betas(List<Explorer.Entry> models) {
        return String.join(", ", models.stream().filter(e -> e.beta() != null)
                .map(e -> Objective.showBeta(e.beta())).toList());
    }

    /** "784 → 400" for the hidden widths of the encoder. */
    private static String architecture() {
        StringBuilder sb = new StringBuilder(Integer.toString(PIXELS));
        for (int h : LessonModels.HIDDEN) sb.append(" → ").append(h);
        return sb.toString();
    }

    /** "784-400-20", pytorch/examples' name for the 20-D model. */
    private static String dashed() {
        return PIXELS + "-" + join(LessonModels.HIDDEN) + "-" + LessonModels.LATENT;
    }

    /** "400" (→ "400 → 100" for two hidden layers), the decoder's hidden widths. */
    private static String reversedHidden() {
        int[] h = LessonModels.HIDDEN;
        StringBuilder sb = new StringBuilder();
        for (int i = h.length - 1; i >= 0; i--) sb.append(i == h.length - 1 ? "" : " → ").append(h[i]);
        return sb.toString();
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    /** CPU time of this process so far, or NaN where the JVM does not say. */
    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? Double.NaN : nanos / 1e9;
        }
        return Double.NaN;
    }

    /** A positive number for a caption: two decimals, or two significant digits when below 0.01. */
    static String small(double v) {
        return String.format(Locale.ROOT, v >= 0.01 || v == 0 ? "%.2f" : "%.1e", v);
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

    private static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static JsonElement json(double[] v) {
        JsonArray a = new JsonArray();
        for (double x : v) a.add(number(x));
        return a;
    }
}
