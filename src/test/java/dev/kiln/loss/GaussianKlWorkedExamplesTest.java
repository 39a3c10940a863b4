package dev.kiln.loss;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KL worked examples of seed 002, read from {@code fixtures/kl_worked_examples.json}. */
class GaussianKlWorkedExamplesTest {

    record Fixture(String description, String source, double tolerance, List<Example> examples) {}

    record Example(String name, double[] mu, double[] sigma, double[] perDim, double total, SeedRounded seedRounded) {}

    /** The numbers as the lesson prints them; perDim may be absent. */
    record SeedRounded(double[] perDim, double total) {}

    private static Fixture load() throws IOException {
        Gson gson = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();
        try (Reader in = Files.newBufferedReader(Path.of("fixtures", "kl_worked_examples.json"))) {
            return gson.fromJson(in, Fixture.class);
        }
    }

    @Test
    void theFixtureCitesItsSeedAndHoldsTheThreeExamples() throws IOException {
        Fixture f = load();
        assertNotNull(f.source());
        assertTrue(f.source().contains("002_70c05afd75d68333"), f.source());
        assertEquals(3, f.examples().size());   // T-shirt, sneaker, cheating
        assertTrue(f.tolerance() > 0 && f.tolerance() < Tolerances.WORKED_EXAMPLE, "tolerance " + f.tolerance());
    }

    @Test
    void gaussianKlReproducesEveryWorkedExample() throws IOException {
        Fixture f = load();
        assertFalse(f.examples().isEmpty());
        for (Example ex : f.examples()) {
            int d = ex.mu().length;
            Tensor mu = Tensor.zeros(1, d);
            Tensor logVar = Tensor.zeros(1, d);
            for (int j = 0; j < d; j++) {
                mu.data[j] = (float) ex.mu()[j];
                logVar.data[j] = (float) Math.log(ex.sigma()[j] * ex.sigma()[j]);   // logVar = log σ²
            }
            Tensor kl = new GaussianKl().forward(mu, logVar);
            double total = 0;
            for (int j = 0; j < d; j++) {
                assertEquals(ex.perDim()[j], kl.data[j], f.tolerance(), ex.name() + " dimension " + j);
                total += kl.data[j];
            }
            assertEquals(ex.total(), total, f.tolerance(), ex.name() + " total");
            // the lesson's rounded numbers
            assertEquals(ex.seedRounded().total(), total, Tolerances.WORKED_EXAMPLE, ex.name() + " as quoted");
            if (ex.seedRounded().perDim() != null) {
                for (int j = 0; j < d; j++) {
                    assertEquals(ex.seedRounded().perDim()[j], kl.data[j], Tolerances.WORKED_EXAMPLE,
                            ex.name() + " dimension " + j + " as quoted");
                }
            }
        }
    }

    @Test
    void perDimMeanAveragesTheTwoEncodingsOverTheBatch() throws IOException {
        Fixture f = load();
        Example a = f.examples().get(0);
        Example b = f.examples().get(1);
        Tensor mu = Tensor.zeros(2, 2);
        Tensor logVar = Tensor.zeros(2, 2);
        for (int j = 0; j < 2; j++) {
            mu.data[j] = (float) a.mu()[j];
            mu.data[2 + j] = (float) b.mu()[j];
            logVar.data[j] = (float) (2 * Math.log(a.sigma()[j]));
            logVar.data[2 + j] = (float) (2 * Math.log(b.sigma()[j]));
        }
        double[] mean = GaussianKl.perDimMean(new GaussianKl().forward(mu, logVar));
        for (int j = 0; j < 2; j++) {
            assertEquals((a.perDim()[j] + b.perDim()[j]) / 2, mean[j], f.tolerance(), "dimension " + j);
        }
    }
}
