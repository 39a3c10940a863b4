package dev.kiln.anneal;

import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controllers driven by scripted metric sequences, every step's state worked by hand from the
 * update rules in their Javadoc. The properties check directions and bounds; these pin the values,
 * so a wrong moving average, a missing first-update initialisation or a missing anti-windup branch
 * changes a number here.
 */
class ControllerFixturesTest {

    /** target 10, rate 0.1, smoothing α = 0.5, β ∈ [0.05, 2], β₀ = 1. */
    private static GecoController geco() {
        return new GecoController(new GecoController.Config(10, 0.1, 0.5, 0.05, 2, 1));
    }

    @Test
    void gecoFollowsItsMovingAverageStepByStep() {
        GecoController c = geco();
        assertTrue(Double.isNaN(c.constraintAverage()), "no average before the first update");
        double[] reconstructions = {14, 12, 6, 10, 40, 40, -30};
        // c = rec − 10;  c̄₁ = c₁ (first update), then c̄ = ½·c̄ + ½·c;  β ← clamp(β·e^(−0.1·c̄), 0.05, 2)
        double[] averages = {
            4,                          // c̄₁ = c₁ = 4, not ½·0 + ½·4
            3,                          // ½·4 + ½·2
            -0.5,                       // ½·3 + ½·(−4)
            -0.25,                      // ½·(−0.5) + ½·0
            14.875,                     // ½·(−0.25) + ½·30
            22.4375,                    // ½·14.875 + ½·30
            -8.78125,                   // ½·22.4375 + ½·(−40)
        };
        double[] betas = {
            Math.exp(-0.4),                                  // 0.670320…
            Math.exp(-0.4 - 0.3),                            // 0.496585…
            Math.exp(-0.4 - 0.3 + 0.05),                     // 0.522046…
            Math.exp(-0.4 - 0.3 + 0.05 + 0.025),             // 0.535261…
            Math.exp(-0.4 - 0.3 + 0.05 + 0.025 - 1.4875),    // 0.120935…
            0.05,                                            // 0.1209·e^(−2.24375) = 0.0128, clamped to β_min
            0.05 * Math.exp(0.878125),                       // 0.120319…: leaves β_min on the first negative c̄
        };
        for (int step = 0; step < reconstructions.length; step++) {
            double beta = c.update(Metrics.reconstruction(reconstructions[step]));
            String at = "GECO step " + (step + 1) + " (reconstruction " + reconstructions[step] + ")";
            assertEquals(averages[step], c.constraintAverage(), Tolerances.FIXTURE_EXACT, at + ": c̄");
            assertEquals(betas[step], beta, Tolerances.FIXTURE_EXACT, at + ": β");
            assertEquals(beta, c.beta(), at + ": beta()");
            assertEquals(1 / betas[step], c.lambda(), Tolerances.FIXTURE_EXACT / betas[step], at + ": λ");
        }
    }

    @Test
    void gecoClampsAtItsUpperBoundWhileReconstructionStaysBetterThanTheTarget() {
        GecoController c = geco();
        c.update(Metrics.reconstruction(10 - 20));     // c̄ = −20: β = e^2 = 7.39, clamped to 2
        assertEquals(2, c.beta());
        c.update(Metrics.reconstruction(10 + 2));      // c̄ = ½·(−20) + ½·2 = −9: β = 2·e^0.9, clamped again
        assertEquals(-9, c.constraintAverage(), Tolerances.FIXTURE_EXACT);
        assertEquals(2, c.beta());
    }

    /** set point 2 nats/dim, kp 0.5, ki 0.25, β ∈ [0.125, 1], β₀ = 0.125 (I₀ = 0): binary fractions, exact ties. */
    private static PiBetaController pi() {
        return new PiBetaController(new PiBetaController.Config(2, 0.5, 0.25, 0.125, 1, 0.125));
    }

    @Test
    void piControllerIntegratesHoldsAtBothBoundsAndLeavesThemAtOnce() {
        PiBetaController c = pi();
        // e = KL − 2;  raw₀ = 0.125 + 0.5·e + I;  hold I if (raw₀ ≥ 1, e > 0) or (raw₀ ≤ 0.125, e < 0),
        // else I ← clamp(I + 0.25·e, 0, 0.875);  β = clamp(0.125 + 0.5·e + I, 0.125, 1)
        double[][] steps = {
            // KL,  I after, β after
            {3,    0.25,  0.875},   // e = 1, raw₀ = 0.625: I = 0.25, β = 0.125 + 0.5 + 0.25
            {3,    0.5,   1},       // raw₀ = 0.875: I = 0.5, β = 1.125 → 1
            {4,    0.5,   1},       // e = 2, raw₀ = 1.625 ≥ 1 pushing up: I held (upper anti-windup)
            {4,    0.5,   1},       // still held
            {2.5,  0.625, 1},       // e = 0.5, raw₀ = 0.875 < 1: I = 0.625, β = 1.0
            {0,    0.625, 0.125},   // e = −2, raw₀ = −0.25 ≤ 0.125 pushing down: I held (lower anti-windup)
            {0,    0.625, 0.125},   // still held: without the lower branch I would fall to 0.125, then 0
            {0,    0.625, 0.125},
            {2.5,  0.625, 1},       // e = 0.5, raw₀ = 1.0 exactly at β_max and pushing up: held (≥, not >)
            {2,    0.625, 0.75},    // e = 0: β = 0.125 + 0 + 0.625, off the bound at once
        };
        for (int step = 0; step < steps.length; step++) {
            double beta = c.update(Metrics.kl(steps[step][0]));
            String at = "PI step " + (step + 1) + " (KL " + steps[step][0] + ")";
            assertEquals(steps[step][1], c.integral(), Tolerances.FIXTURE_EXACT, at + ": I");
            assertEquals(steps[step][2], beta, Tolerances.FIXTURE_EXACT, at + ": β");
            assertEquals(beta, c.beta(), at + ": beta()");
            assertEquals(step + 1, c.updates(), at + ": updates");
        }
    }

    @Test
    void piControllerHoldsTheIntegralWhenTheOutputSitsExactlyOnTheLowerBound() {
        PiBetaController c = new PiBetaController(new PiBetaController.Config(2, 0.5, 0.25, 0.125, 1, 0.625));
        // I₀ = 0.5; KL 1: e = −1, raw₀ = 0.125 − 0.5 + 0.5 = 0.125 ≤ β_min and pushing down: held.
        assertEquals(0.125, c.update(Metrics.kl(1)), Tolerances.FIXTURE_EXACT);
        assertEquals(0.5, c.integral(), Tolerances.FIXTURE_EXACT);
    }
}
