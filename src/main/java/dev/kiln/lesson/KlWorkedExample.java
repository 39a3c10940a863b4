package dev.kiln.lesson;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kiln.loss.GaussianKl;
import dev.kiln.tensor.Tensor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lesson's KL worked example (seed 002, Section 7), recomputed by {@link GaussianKl} — the code
 * that trains the models — and checked against {@code fixtures/kl_worked_examples.json}:
 * <pre>
 *   T-shirt:   μ = [−1.2, 0.8], σ = [0.3, 0.4]     KL = [1.469, 0.816], 2.29 nats
 *   cheating:  μ = [−1.2, 0.8], σ = [0.01, 0.01]   KL = 9.25 nats
 *   KL_j = ½(μ_j² + σ_j² − 1 − log σ_j²)
 * </pre>
 * A disagreement beyond the fixture's tolerance is a bug in kiln, so {@link #check} throws
 * {@link IllegalStateException} naming the example, the dimension and both numbers.
 */
public final class KlWorkedExample {
    /** The fixture's path inside the repository. */
    public static final Path FIXTURE = Path.of("fixtures", "kl_worked_examples.json");

    /** One example as computed: its inputs, the library's KL per dimension and total, and the fixture's. */
    public record Row(String name, double[] mu, double[] sigma, double[] perDim, double total, double[] expectedPerDim,
                      double expectedTotal) {}

    private final Path source;
    private final JsonObject fixture;

    private KlWorkedExample(Path source, JsonObject fixture) {
        this.source = source;
        this.fixture = fixture;
    }

    /** Reads the fixture; a missing or malformed file is an {@link IllegalStateException} saying where it looked. */
    public static KlWorkedExample read(Path file) {
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!root.isJsonObject() || !root.getAsJsonObject().has("examples")) {
                throw new IllegalStateException(file + ": not a KL worked-example fixture (no \"examples\")");
            }
            return new KlWorkedExample(file, root.getAsJsonObject());
        } catch (IOException | JsonParseException e) {
            throw new IllegalStateException("cannot read the KL worked examples " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Finds {@code fixtures/kl_worked_examples.json}: in the working directory, else in the
     * repository that holds the running jar ({@code target/kiln.jar}) or classes
     * ({@code target/classes}).
     */
    public static Path locate() {
        List<Path> tried = new ArrayList<>();
        tried.add(FIXTURE.toAbsolutePath());
        java.security.CodeSource code = KlWorkedExample.class.getProtectionDomain().getCodeSource();
        if (code != null && code.getLocation() != null) {
            try {
                Path jarOrClasses = Path.of(code.getLocation().toURI());              // repo/target/kiln.jar or repo/target/classes
                Path target = jarOrClasses.toAbsolutePath().getParent();
                if (target != null && target.getParent() != null) tried.add(target.getParent().resolve(FIXTURE));
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a file location: only the working directory is tried
            }
        }
        for (Path p : tried) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("the KL worked-example fixture is missing; looked for " + tried
                + " (run kiln from its repository)");
    }

    /** Where the fixture was read from. */
    public Path source() {
        return source;
    }

    /**
     * Computes every example with {@link GaussianKl} and compares it with the fixture.
     *
     * @throws IllegalStateException if any value differs from the fixture by more than its tolerance
     */
    public List<Row> check() {
        double tolerance = fixture.get("tolerance").getAsDouble();
        List<Row> rows = new ArrayList<>();
        for (JsonElement e : fixture.getAsJsonArray("examples")) {
            JsonObject ex = e.getAsJsonObject();
            String name = ex.get("name").getAsString();
            double[] mu = doubles(ex.getAsJsonArray("mu"));
            double[] sigma = doubles(ex.getAsJsonArray("sigma"));
            double[] expected = doubles(ex.getAsJsonArray("per_dim"));
            double expectedTotal = ex.get("total").getAsDouble();

            int d = mu.length;
            Tensor muT = Tensor.zeros(1, d), logVarT = Tensor.zeros(1, d);   // [1, D]
            for (int j = 0; j < d; j++) {
                muT.data[j] = (float) mu[j];
                logVarT.data[j] = (float) Math.log(sigma[j] * sigma[j]);     // log σ²
            }
            Tensor kl = new GaussianKl().forward(muT, logVarT);               // [1, D] nats
            double[] perDim = new double[d];
            double total = 0;
            for (int j = 0; j < d; j++) {
                perDim[j] = kl.data[j];
                total += perDim[j];
                if (Math.abs(perDim[j] - expected[j]) > tolerance) {
                    throw disagreement(name + " dimension " + j, perDim[j], expected[j], tolerance);
                }
            }
            if (Math.abs(total - expectedTotal) > tolerance) {
                throw disagreement(name + " total", total, expectedTotal, tolerance);
            }
            rows.add(new Row(name, mu, sigma, perDim, total, expected, expectedTotal));
        }
        if (rows.isEmpty()) throw new IllegalStateException(source + ": the fixture holds no examples");
        return rows;
    }

    private IllegalStateException disagreement(String what, double got, double want, double tolerance) {
        return new IllegalStateException(String.format(Locale.ROOT,
                "KL worked example disagrees with %s: %s is %.6f by GaussianKl but %.6f in the fixture (tolerance %g)",
                source, what, got, want, tolerance));
    }

    private static double[] doubles(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsDouble();
        return v;
    }
}
