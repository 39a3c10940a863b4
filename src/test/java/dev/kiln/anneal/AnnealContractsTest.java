package dev.kiln.anneal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schedules' and controllers' edges: validation exactly at each bound, the cycle-boundary
 * snap, parameter parsing, accessors, and checkpoint state that must be refused.
 */
class AnnealContractsTest {

    @Test
    void aConstantScheduleIsItsBetaEverywhere() {
        ConstantSchedule s = new ConstantSchedule(0.3);
        assertEquals(0.3, s.beta(0));
        assertEquals(0.3, s.beta(1e6));
        assertEquals("constant(beta=0.3)", s.describe());
    }

    @Test
    void aCycleStartComputedARoundingErrorLateStillCountsAsTheStart() {
        CyclicalSchedule s = new CyclicalSchedule(40, 4, 0.5, 1, RampShape.LINEAR);
        // t = 30 + 2·10⁻⁸: 3.000000002 cycles, within 10⁻⁹ × 3 of the boundary: β is exactly 0.
        assertEquals(0.0, s.beta(30 + 2e-8));
        // 10⁻⁷ past it is outside the snap: the ramp has started.
        assertTrue(s.beta(30 + 1e-7) > 0);
        assertFalse(s.monotone());
        assertThrows(IllegalArgumentException.class, () -> new CyclicalSchedule(40, 4, 0, 1, RampShape.LINEAR));
        assertDoesNotThrow(() -> new CyclicalSchedule(40, 4, 1, 1, RampShape.COSINE));
    }

    @Test
    void stagedSchedulesDescribeTheirStagesAndKnowWhetherTheyRise() {
        StagedSchedule falling = new StagedSchedule(List.of(new StagedSchedule.Stage(0, 2), new StagedSchedule.Stage(2.5, 1)),
                true);
        assertEquals("staged(stages=0:2,2.5:1, interpolate=true)", falling.describe());
        assertFalse(falling.monotone());
        assertTrue(StagedSchedule.factory().monotone());
        assertEquals(4.0, StagedSchedule.factory().maxBeta());
    }

    @Test
    void booleanAndWholeNumberParametersAcceptTheirSpellingsAndRefuseOthers() {
        StagedSchedule fromString = (StagedSchedule) Annealings.schedule("staged",
                Map.of("stages", "0:0,2:1", "interpolate", "True "));
        assertTrue(fromString.interpolate());
        assertFalse(((StagedSchedule) Annealings.schedule("staged", Map.of("stages", "0:0,2:1", "interpolate", "false")))
                .interpolate());
        assertTrue(((StagedSchedule) Annealings.schedule("staged", Map.of("stages", "0:0,2:1", "interpolate", true)))
                .interpolate());
        assertFalse(((StagedSchedule) Annealings.schedule("staged", Map.of("stages", "0:0,2:1"))).interpolate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Annealings.schedule("staged", Map.of("stages", "0:0", "interpolate", "yes")));
        assertTrue(e.getMessage().contains("must be true or false"), e.getMessage());
        CyclicalSchedule most = (CyclicalSchedule) Annealings.schedule("cyclical",
                Map.of("total_epochs", 10, "cycles", (double) Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, most.cycles());
        assertThrows(IllegalArgumentException.class,
                () -> Annealings.schedule("cyclical", Map.of("total_epochs", 10, "cycles", 2147483648.0)));
        assertThrows(IllegalArgumentException.class,
                () -> Annealings.schedule("cyclical", Map.of("total_epochs", 10, "cycles", 2.5)));
    }

    @Test
    void gecoAcceptsNoSmoothingAndReportsItsConfiguration() {
        GecoController.Config cfg = new GecoController.Config(1, 0.1, 0, 0.01, 3, 1);   // α = 0: no averaging
        GecoController c = new GecoController(cfg);
        assertSame(cfg, c.config());
        assertEquals(0.01, c.betaMin());
        assertEquals(3, c.betaMax());
        c.update(Metrics.reconstruction(3));
        c.update(Metrics.reconstruction(0));
        assertEquals(-1, c.constraintAverage());                  // α = 0: c̄ is the last c
        assertThrows(IllegalArgumentException.class, () -> new GecoController.Config(1, 0.1, -0.01, 0.01, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new GecoController.Config(1, 0.1, 1, 0.01, 3, 1));
    }

    @Test
    void gecoRestoresOnlyAStateItCouldHaveSaved() {
        GecoController c = new GecoController(new GecoController.Config(1, 0.1, 0.5, 0.01, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(null));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {3.5, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.005, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {1, 0, 1.5}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {1, 0, -1}));
        c.restoreState(new double[] {3, 0.25, 0});                 // the bounds themselves are valid
        assertTrue(Double.isNaN(c.constraintAverage()), "0 updates: no average yet");
        c.restoreState(new double[] {0.01, 0.25, 4});
        assertEquals(0.25, c.constraintAverage());
        assertArrayEquals(new double[] {0.01, 0.25, 4}, c.saveState());
    }

    @Test
    void piControllerRestoresOnlyAStateItCouldHaveSaved() {
        // β ∈ [0.25, 1]: the integral lives in [0, 0.75].
        PiBetaController c = new PiBetaController(new PiBetaController.Config(1, 0.5, 0.1, 0.25, 1, 0.25));
        assertEquals(0.25, c.betaMin());
        assertEquals(1, c.betaMax());
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.76, 0.5, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {-0.01, 0.5, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.5, 0.24, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.5, 1.01, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.5, 0.5, 0.5}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.5, 0.5}));
        c.restoreState(new double[] {0.75, 1, 3});                // the bounds themselves are valid
        c.restoreState(new double[] {0, 0.25, 3});
        assertEquals(0, c.integral());
        assertEquals(3, c.updates());
        assertEquals(0.25, c.beta());
    }

    /** A config value that must be refused, naming its field in the message. */
    private static void refused(String field, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run, field);
        assertTrue(e.getMessage().contains(field), field + ": " + e.getMessage());
    }

    @Test
    void everyScheduleFieldIsValidatedNamingIt() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        for (double bad : new double[] {-1e-9, nan, inf}) {
            refused("warmup_epochs", () -> new LinearWarmup(bad, 1));
            refused("max_beta", () -> new LinearWarmup(1, bad));
            refused("warmup_epochs", () -> new UltraConservative(bad, 1, 1));
            refused("max_beta", () -> new UltraConservative(1, 1, bad));
            refused("warmup_epochs", () -> new SigmoidRamp(bad, 1, 1, 10));
            refused("max_beta", () -> new SigmoidRamp(0, 1, bad, 10));
            refused("warmup_epochs", () -> new CosineRamp(bad, 1, 1));
            refused("max_beta", () -> new CosineRamp(0, 1, bad));
            refused("max_beta", () -> new CyclicalSchedule(10, 2, 0.5, bad, RampShape.LINEAR));
            refused("max_capacity", () -> new CapacityAnnealing(10, bad, 1));
            refused("gamma", () -> new CapacityAnnealing(10, 25, bad));
            refused("start_epoch", () -> new StagedSchedule.Stage(bad, 1));
            refused("stages[].beta", () -> new StagedSchedule.Stage(0, bad));
        }
        for (double bad : new double[] {0, -1, nan, inf}) {
            refused("ramp_epochs", () -> new UltraConservative(0, bad, 1));
            refused("ramp_epochs", () -> new SigmoidRamp(0, bad, 1, 10));
            refused("steepness", () -> new SigmoidRamp(0, 1, 1, bad));
            refused("ramp_epochs", () -> new CosineRamp(0, bad, 1));
            refused("total_epochs", () -> new CyclicalSchedule(bad, 2, 0.5, 1, RampShape.LINEAR));
            refused("ramp_epochs", () -> new CapacityAnnealing(bad, 25, 1));
        }
        // zero is allowed wherever the bound is ≥ 0
        assertDoesNotThrow(() -> new UltraConservative(0, 1, 0));
        assertDoesNotThrow(() -> new CapacityAnnealing(1, 0, 0));
        assertDoesNotThrow(() -> new StagedSchedule.Stage(0, 0));
        assertEquals("constant(beta=1.0E15)", new ConstantSchedule(1e15).describe());
        assertEquals("constant(beta=999999999999999)", new ConstantSchedule(999999999999999.0).describe());
    }

    @Test
    void everyControllerFieldIsValidatedNamingIt() {
        for (double bad : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused("set_point", () -> new PiBetaController.Config(bad, 0.5, 0.1, 0, 1, 0));
            refused("kp", () -> new PiBetaController.Config(1, bad, 0.1, 0, 1, 0));
            refused("ki", () -> new PiBetaController.Config(1, 0.5, bad, 0, 1, 0));
            refused("beta_min", () -> new PiBetaController.Config(1, 0.5, 0.1, bad, 1, 0));
            refused("beta_max", () -> new PiBetaController.Config(1, 0.5, 0.1, 0, bad, 0));
        }
        refused("kp and ki", () -> new PiBetaController.Config(1, 0, 0, 0, 1, 0));
        assertDoesNotThrow(() -> new PiBetaController.Config(0, 0, 0.1, 0, 1, 1));    // kp = 0 alone, β₀ = β_max
        assertDoesNotThrow(() -> new PiBetaController.Config(0, 0.1, 0, 0, 1, 0));    // ki = 0 alone, β₀ = β_min
        refused("beta_max must be > beta_min", () -> new PiBetaController.Config(1, 0.5, 0.1, 0.5, 0.5, 0.5));
        refused("beta_init", () -> new PiBetaController.Config(1, 0.5, 0.1, 0.2, 1, 0.1));
        refused("beta_init", () -> new PiBetaController.Config(1, 0.5, 0.1, 0.2, 1, 1.1));

        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused("rate", () -> new GecoController.Config(1, bad, 0.5, 0.01, 3, 1));
            refused("beta_min", () -> new GecoController.Config(1, 0.1, 0.5, bad, 3, 1));
            refused("beta_max", () -> new GecoController.Config(1, 0.1, 0.5, 0.01, bad, 1));
        }
        refused("target", () -> new GecoController.Config(Double.NaN, 0.1, 0.5, 0.01, 3, 1));
        refused("beta_max must be > beta_min", () -> new GecoController.Config(1, 0.1, 0.5, 2, 2, 2));
        refused("beta_init", () -> new GecoController.Config(1, 0.1, 0.5, 0.5, 3, 0.4));
        refused("beta_init", () -> new GecoController.Config(1, 0.1, 0.5, 0.5, 3, 3.1));
        assertDoesNotThrow(() -> new GecoController.Config(1, 0.1, 0.5, 0.5, 3, 0.5));
        assertDoesNotThrow(() -> new GecoController.Config(1, 0.1, 0.5, 0.5, 3, 3));
    }

    @Test
    void controllerRestoreMessagesSayWhatWasWrong() {
        PiBetaController c = new PiBetaController(new PiBetaController.Config(1, 0.5, 0.1, 0.25, 1, 0.25));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.restoreState(null)).getMessage()
                .endsWith("got null"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[2])).getMessage()
                .endsWith("got 2 values"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.9, 0.5, 1}))
                .getMessage().endsWith("is outside [0, 0.75]"));
        assertFalse(((StagedSchedule) Annealings.schedule("staged",
                Map.of("stages", "0:0,2:1", "interpolate", false))).interpolate());
    }

    @Test
    void aMissingBooleanParameterTakesItsFallback() {
        Params p = new Params("t", Map.of(), List.of("flag"));
        assertTrue(p.bool("flag", true));
        assertFalse(p.bool("flag", false));
    }
}
