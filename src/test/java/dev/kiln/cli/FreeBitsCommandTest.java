package dev.kiln.cli;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreeBitsCommandTest {

    private static JsonObject json(CliRun r) {
        assertEquals(0, r.code(), r.err());
        return new Gson().fromJson(r.out(), JsonObject.class);
    }

    @Test
    void reproducesEverySeed003CaseAsJson() throws IOException {
        JsonObject fixture = new Gson().fromJson(Files.readString(Path.of("fixtures", "free_bits_seed003.json")),
                JsonObject.class);
        for (JsonElement e : fixture.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            JsonObject o = json(CliRun.of("free-bits", "--kl-raw", c.get("kl_raw").getAsString(),
                    "--lambda", c.get("lambda").getAsString(), "--json"));
            for (String key : new String[] {"kl_raw", "lambda", "kl_after", "penalty_reduction_pct"}) {
                double expected = c.get(key).getAsDouble();
                assertEquals(expected, o.get(key).getAsDouble(), Tolerances.WORKED_EXAMPLE * Math.abs(expected), key + " " + c);
            }
            assertEquals(c.get("verdict").getAsString(), o.get("verdict").getAsString(), c.toString());
        }
    }

    @Test
    void theFirstCasePrintsRoundNumbers() {
        CliRun r = CliRun.of("free-bits", "--kl-raw", "0.05", "--lambda", "0.02", "--json");
        assertEquals("{\"mode\":\"mean_over_dims\",\"kl_raw\":0.05,\"lambda\":0.02,\"kl_after\":0.03,"
                + "\"penalty_reduction_pct\":40.0,\"verdict\":\"healthy\"}", r.out().trim());
    }

    @Test
    void targetReductionPrintsTheCalibratedLambda() {
        JsonObject o = json(CliRun.of("free-bits", "--kl-raw", "0.05", "--target-reduction", "0.3", "--json"));
        assertEquals(0.015, o.get("lambda").getAsDouble(), 1e-12);
        assertEquals(30.0, o.get("penalty_reduction_pct").getAsDouble(), 1e-9);
        CliRun table = CliRun.of("free-bits", "--kl-raw", "0.05", "--target-reduction", "0.3");
        assertTrue(table.out().contains("calibrated lambda      0.015"), table.out());
    }

    @Test
    void perDimModeHingesEachDimension() {
        JsonObject perDim = json(CliRun.of("free-bits", "--kl-raw", "0.08,0", "--lambda", "0.02", "--mode", "per_dim", "--json"));
        JsonObject mean = json(CliRun.of("free-bits", "--kl-raw", "0.08,0", "--lambda", "0.02", "--json"));
        assertEquals(0.03, perDim.get("kl_after").getAsDouble(), 1e-12);
        assertEquals(0.02, mean.get("kl_after").getAsDouble(), 1e-12);
        assertEquals("per_dim", perDim.get("mode").getAsString());
    }

    @Test
    void tableShowsVerdictAndAdvice() {
        CliRun r = CliRun.of("free-bits", "--kl-raw", "0.05", "--lambda", "0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("all_free") && r.out().contains("lower lambda"), r.out());
        assertTrue(r.out().contains("nats per latent dimension"), r.out());
    }

    @Test
    void badArgumentsExitTwoNamingTheArgumentAndTheAllowedValues() {
        CliRun negative = CliRun.of("free-bits", "--kl-raw", "0.05", "--lambda", "-0.1");
        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("--lambda must be a finite number >= 0"), negative.err());

        CliRun nan = CliRun.of("free-bits", "--kl-raw", "NaN", "--lambda", "0.1");
        assertEquals(2, nan.code());
        assertTrue(nan.err().contains("--kl-raw") && nan.err().contains("finite"), nan.err());

        CliRun nanLambda = CliRun.of("free-bits", "--kl-raw", "0.05", "--lambda", "NaN");
        assertEquals(2, nanLambda.code());

        CliRun mode = CliRun.of("free-bits", "--kl-raw", "0.05", "--lambda", "0.02", "--mode", "per-dim");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--mode must be one of per_dim, mean_over_dims"), mode.err());

        CliRun fraction = CliRun.of("free-bits", "--kl-raw", "0.05", "--target-reduction", "30");
        assertEquals(2, fraction.code());
        assertTrue(fraction.err().contains("--target-reduction must be a fraction in [0, 1]"), fraction.err());

        CliRun negativeKl = CliRun.of("free-bits", "--kl-raw", "-0.05", "--lambda", "0.02");
        assertEquals(2, negativeKl.code());
        assertTrue(negativeKl.err().contains("--kl-raw"), negativeKl.err());

        assertEquals(2, CliRun.of("free-bits", "--kl-raw", "0.05").code());
    }
}
