package dev.kiln.freebits;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 003's worked cases, read from {@code fixtures/free_bits_seed003.json}. */
class FreeBitsSeed003Test {

    private static JsonObject fixture() throws IOException {
        return new Gson().fromJson(Files.readString(Path.of("fixtures", "free_bits_seed003.json")), JsonObject.class);
    }

    /** Worked numbers are quoted to a few digits: compare relatively; a quoted 0 must be exactly 0. */
    private static void assertWorked(double expected, double actual, String what) {
        assertEquals(expected, actual, Tolerances.WORKED_EXAMPLE * Math.abs(expected), what);
    }

    @Test
    void everyWorkedCaseReproducesKlAfterReductionAndVerdict() throws IOException {
        int cases = 0;
        for (JsonElement e : fixture().getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            double klRaw = c.get("kl_raw").getAsDouble(), lambda = c.get("lambda").getAsDouble();
            String what = "kl_raw " + klRaw + ", λ " + lambda;
            FreeBitsDiagnostics d = new FreeBits(FreeBitsMode.MEAN_OVER_DIMS, lambda).applyToRow(new double[] {klRaw});
            assertWorked(klRaw, d.klRaw(), what);
            assertWorked(c.get("kl_after").getAsDouble(), d.klAfter(), what + ": kl_after");
            assertWorked(c.get("penalty_reduction_pct").getAsDouble(), d.penaltyReductionPct(), what + ": reduction");
            assertEquals(c.get("verdict").getAsString(), d.verdict().configName(), what + ": verdict");
            cases++;
        }
        assertEquals(6, cases);
    }

    @Test
    void workedCasesHoldOnAFullBatchInBothModesWhenKlIsUniform() throws IOException {
        int batch = 8, dims = 256;                                      // seed 003 averages over 256 latent dims
        for (JsonElement e : fixture().getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            float[] kl = new float[batch * dims];
            Arrays.fill(kl, (float) c.get("kl_raw").getAsDouble());
            for (FreeBitsMode mode : FreeBitsMode.values()) {
                FreeBitsResult r = new FreeBits(mode, c.get("lambda").getAsDouble()).apply(kl, batch, dims);
                assertWorked(c.get("kl_after").getAsDouble(), r.klAfter(), mode + " " + c);
            }
        }
    }

    @Test
    void calibrationGivesSeed003sLambda() throws IOException {
        for (JsonElement e : fixture().getAsJsonArray("calibration")) {
            JsonObject c = e.getAsJsonObject();
            double klRaw = c.get("kl_raw").getAsDouble(), r = c.get("target_reduction").getAsDouble();
            double expected = c.get("lambda").getAsDouble();
            assertWorked(expected, FreeBits.calibrateHinge(klRaw, r), "closed form " + c);
            for (FreeBitsMode mode : FreeBitsMode.values()) {
                double lambda = FreeBits.calibrateRow(mode, new double[] {klRaw}, r);
                assertWorked(expected, lambda, mode + " " + c);
                FreeBitsDiagnostics d = new FreeBits(mode, lambda).applyToRow(new double[] {klRaw});
                assertWorked(100 * r, d.penaltyReductionPct(), "reduction at the calibrated λ");
                assertEquals(Verdict.HEALTHY, d.verdict());
            }
        }
    }

    @Test
    void zeroKlIsNoKlNotTooTight() {
        FreeBitsDiagnostics d = new FreeBits(FreeBitsMode.MEAN_OVER_DIMS, 0.02).applyToRow(new double[] {0});
        assertEquals(Verdict.NO_KL, d.verdict());
        assertEquals(0, d.penaltyReductionPct());
    }

    @Test
    void verdictBandsFollowSeed003() {
        assertEquals(Verdict.TOO_TIGHT, Verdict.of(1, 0.95, 5));
        assertEquals(Verdict.WATCH, Verdict.of(1, 0.85, 15));
        assertEquals(Verdict.HEALTHY, Verdict.of(1, 0.8, 20));
        assertEquals(Verdict.HEALTHY, Verdict.of(1, 0.6, 40.000000000000006));
        assertEquals(Verdict.WATCH, Verdict.of(1, 0.5, 50));
        assertEquals(Verdict.TOO_GENEROUS, Verdict.of(1, 0.3, 70));
        assertEquals(Verdict.ALL_FREE, Verdict.of(1, 0, 100));
        assertTrue(Verdict.ALL_FREE.advice().contains("lower lambda"));
    }
}
