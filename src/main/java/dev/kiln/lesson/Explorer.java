package dev.kiln.lesson;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.kiln.io.AtomicFiles;
import dev.kiln.model.Vae;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The lesson's interactive latent explorer ({@value #FILE}): one self-contained HTML page, no
 * network, holding the 2-D models themselves and a JavaScript forward pass of their decoders.
 * <pre>
 *   page data (JSON in a &lt;script type="application/json"&gt;):
 *     axis               half width A of the shared view [−A, A]², the same for every model
 *     labels             [N] class ids of the encoded test points, uint8, base64
 *     models[m]          key, label, beta (null: the autoencoder), stats, fit_axis
 *       mu, sigma        [N, 2] float32 little-endian, base64 (sigma null for the autoencoder)
 *       layers[l]        in, out, w [out, in] and b [out], float32 little-endian, base64
 *   decoder in the page: h₀ = z;  h_{l+1} = ReLU(W_l·h_l + b_l) (no ReLU after the last layer);
 *                        pixels = σ(h_L), accumulated in float32 (Math.fround, Float32Array)
 * </pre>
 * That is {@link dev.kiln.model.Architectures#mlp}'s decoder (Linear, ReLU, …, Linear) followed by
 * the sigmoid that {@link Figures#decode} applies, so the page decodes z to the same image as kiln
 * does, up to float32 summation order. {@link #decoderLayers} refuses any other decoder.
 */
final class Explorer {
    /** The file the lesson writes. */
    static final String FILE = "explorer.html";
    private static final String TEMPLATE = "explorer.html";      // resource next to this class
    private static final String DATA_MARK = "@KILN_DATA@";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls()
            .create();

    private Explorer() {}

    /**
     * One model's figures on the test split, as the stats panel shows them.
     *
     * @param reconNats          reconstruction error, Σ_pixels BCE per image (z sampled for a VAE, z = μ for the autoencoder)
     * @param klNats             KL(q(z|x) ‖ N(0, I)) per image, NaN for the autoencoder
     * @param shareOutside2Sigma the share of the encoded means farther than 2 from the origin
     * @param medianSigma        the median encoded σ, NaN for the autoencoder
     */
    record Stats(double reconNats, double klNats, double shareOutside2Sigma, double medianSigma) {}

    /**
     * One model of the page.
     *
     * @param beta  the KL weight, null for the autoencoder
     * @param mu    [N, 2] encoded means of the test points
     * @param sigma [N, 2] encoded standard deviations, null for the autoencoder
     * @param fitAxis half width of a view that fits this model's codes alone
     */
    record Entry(String key, String label, Double beta, Vae vae, float[] mu, float[] sigma, Stats stats,
                 double fitAxis) {}

    /** One dense layer of a decoder: weight [out, in] (PyTorch's layout, as {@link dev.kiln.nn.Linear}) and bias [out]. */
    record Dense(int in, int out, float[] weight, float[] bias) {}

    /**
     * Writes the page atomically.
     *
     * @param labels     [N] class ids of the encoded points, the same points for every model
     * @param classNames names by class id
     * @param axis       half width of the shared view
     * @param seed       seeds the page's "sample from N(0, I)" generator
     */
    static void write(Path file, String title, List<Entry> models, int[] labels, List<String> classNames, double axis,
                      long seed) {
        AtomicFiles.writeString(file, html(title, models, labels, classNames, axis, seed));
    }

    /** The page as text. */
    static String html(String title, List<Entry> models, int[] labels, List<String> classNames, double axis, long seed) {
        if (models.isEmpty()) throw new IllegalArgumentException("the explorer needs at least one model");
        JsonObject d = new JsonObject();
        d.addProperty("title", title);
        d.addProperty("axis", axis);
        d.addProperty("seed", seed);
        d.addProperty("points", labels.length);
        d.addProperty("side", dev.kiln.data.FashionMnist.SIDE);
        JsonArray names = new JsonArray();
        classNames.forEach(names::add);
        d.add("classes", names);
        byte[] ids = new byte[labels.length];                          // [N] uint8
        for (int i = 0; i < labels.length; i++) ids[i] = (byte) labels[i];
        d.addProperty("labels", Base64.getEncoder().encodeToString(ids));
        JsonArray ms = new JsonArray();
        for (Entry e : models) {
            if (e.mu().length != 2 * labels.length || (e.sigma() != null && e.sigma().length != e.mu().length)) {
                throw new IllegalArgumentException(e.key() + ": " + e.mu().length / 2 + " codes for " + labels.length
                        + " labels");
            }
            if (e.vae().latentDim() != 2) {
                throw new IllegalArgumentException(e.key() + ": the explorer draws 2-D latent spaces, got "
                        + e.vae().latentDim());
            }
            JsonObject m = new JsonObject();
            m.addProperty("key", e.key());
            m.addProperty("label", e.label());
            if (e.beta() == null) m.add("beta", JsonNull.INSTANCE);
            else m.addProperty("beta", e.beta());
            m.addProperty("fit_axis", e.fitAxis());
            JsonObject s = new JsonObject();
            s.add("recon_nats", number(e.stats().reconNats()));
            s.add("kl_nats", number(e.stats().klNats()));
            s.add("share_outside_2sigma", number(e.stats().shareOutside2Sigma()));
            s.add("median_sigma", number(e.stats().medianSigma()));
            m.add("stats", s);
            m.addProperty("mu", base64(e.mu()));
            if (e.sigma() == null) m.add("sigma", JsonNull.INSTANCE);
            else m.addProperty("sigma", base64(e.sigma()));
            JsonArray layers = new JsonArray();
            for (Dense l : decoderLayers(e.vae())) {
                JsonObject o = new JsonObject();
                o.addProperty("in", l.in());
                o.addProperty("out", l.out());
                o.addProperty("w", base64(l.weight()));
                o.addProperty("b", base64(l.bias()));
                layers.add(o);
            }
            m.add("layers", layers);
            ms.add(m);
        }
        d.add("models", ms);
        // inside <script>, "</" would end the element early; "<\/" is the same JSON string
        String json = GSON.toJson(d).replace("</", "<\\/");
        String page = template();
        int at = page.indexOf(DATA_MARK);
        if (at < 0 || page.indexOf(DATA_MARK, at + 1) >= 0) {
            throw new IllegalStateException(TEMPLATE + " must hold " + DATA_MARK + " exactly once");
        }
        return page.substring(0, at) + json + page.substring(at + DATA_MARK.length());
    }

    /**
     * The decoder's dense layers in order, from an {@link dev.kiln.model.Architectures#mlp} model:
     * a {@link Sequential} of {@link Linear}, {@link ReLU}, …, {@link Linear}, which is what the
     * page's {@code decode} runs.
     *
     * @throws IllegalArgumentException for any other decoder (the page could not run it)
     */
    static List<Dense> decoderLayers(Vae vae) {
        Layer decoder = vae.decoder();
        List<Layer> layers = decoder instanceof Sequential s ? s.layers() : List.of(decoder);
        List<Dense> dense = new ArrayList<>();
        int width = vae.latentDim();
        boolean mlp = layers.size() % 2 == 1;                          // Linear (ReLU Linear)*
        for (int i = 0; i < layers.size() && mlp; i++) {
            Layer l = layers.get(i);
            if (i % 2 == 1) {
                mlp = l instanceof ReLU;
            } else if (l instanceof Linear lin && lin.weight().value.dim(1) == width) {
                int out = lin.weight().value.dim(0);
                dense.add(new Dense(width, out, lin.weight().value.data.clone(), lin.bias().value.data.clone()));
                width = out;
            } else {
                mlp = false;
            }
        }
        if (!mlp) {
            throw new IllegalArgumentException("the explorer runs MLP decoders (Linear, ReLU, …, Linear) from z of size "
                    + vae.latentDim() + "; got " + decoder.describe());
        }
        return dense;
    }

    /** float32 values, little-endian, base64: what the page's {@code floats()} reads back. */
    static String base64(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) bytes.putFloat(x);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static com.google.gson.JsonElement number(double v) {
        return Double.isFinite(v) ? new com.google.gson.JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static String template() {
        try (InputStream in = Explorer.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) throw new IllegalStateException("resource " + TEMPLATE + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the explorer template", e);
        }
    }

    /** "β = 0.5" or "autoencoder", for the page's labels. */
    static String label(Double beta) {
        return beta == null ? "autoencoder" : String.format(Locale.ROOT, "VAE, β = %s", Objective.showBeta(beta));
    }
}
