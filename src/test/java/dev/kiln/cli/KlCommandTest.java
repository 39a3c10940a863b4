package dev.kiln.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KlCommandTest {

    @Test
    void seed002ExampleAsJson() {
        CliRun r = CliRun.of("kl", "--mu", "-1.2,0.8", "--sigma", "0.3,0.4", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = new Gson().fromJson(r.out(), JsonObject.class);
        assertEquals(2, o.getAsJsonArray("per_dim").size());
        assertEquals(1.469, o.getAsJsonArray("per_dim").get(0).getAsDouble(), Tolerances.WORKED_EXAMPLE);
        assertEquals(0.816, o.getAsJsonArray("per_dim").get(1).getAsDouble(), Tolerances.WORKED_EXAMPLE);
        assertEquals(2.285, o.get("total").getAsDouble(), Tolerances.WORKED_EXAMPLE);
        assertEquals(2, o.size(), "exactly per_dim and total: " + r.out());
    }

    @Test
    void logVarGivesTheSameAsSigma() {
        double lv0 = 2 * Math.log(0.3), lv1 = 2 * Math.log(0.4);
        CliRun bySigma = CliRun.of("kl", "--mu", "-1.2,0.8", "--sigma", "0.3,0.4", "--json");
        CliRun byLogVar = CliRun.of("kl", "--mu", "-1.2,0.8", "--logvar", lv0 + "," + lv1, "--json");
        assertEquals(0, byLogVar.code(), byLogVar.err());
        assertEquals(bySigma.out(), byLogVar.out());
    }

    @Test
    void tableListsEachDimensionAndTheTotal() {
        CliRun r = CliRun.of("kl", "--mu", "-1.2,0.8", "--sigma", "0.3,0.4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1.468973") && r.out().contains("0.816291") && r.out().contains("total"), r.out());
    }

    @Test
    void mismatchedLengthsExitTwoNamingBothOptions() {
        CliRun r = CliRun.of("kl", "--mu", "-1.2,0.8", "--sigma", "0.3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--sigma has 1 values but --mu has 2"), r.err());
    }

    @Test
    void nonPositiveSigmaAndNanExitTwo() {
        CliRun zero = CliRun.of("kl", "--mu", "0", "--sigma", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--sigma") && zero.err().contains("> 0"), zero.err());
        CliRun nan = CliRun.of("kl", "--mu", "NaN", "--sigma", "1");
        assertEquals(2, nan.code());
        assertTrue(nan.err().contains("--mu") && nan.err().contains("finite"), nan.err());
    }

    @Test
    void sigmaAndLogVarTogetherOrNeitherExitTwo() {
        assertEquals(2, CliRun.of("kl", "--mu", "0", "--sigma", "1", "--logvar", "0").code());
        CliRun none = CliRun.of("kl", "--mu", "0");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("--sigma") && none.err().contains("--logvar"), none.err());
    }
}
