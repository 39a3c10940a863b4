package dev.kiln.report;

import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {

    @Test
    void meanSdAndIntervalMatchAHandComputation() {
        // 1, 2, 3, 4: mean 2.5; Σ(x − 2.5)² = 5, sd = √(5/3) = 1.290994; half-width = 3.182 · 1.290994 / 2.
        Stats s = Stats.of(new double[] {1, 2, 3, 4});
        assertEquals(4, s.n());
        assertEquals(2.5, s.mean(), Tolerances.F32);
        assertEquals(Math.sqrt(5.0 / 3), s.sd(), Tolerances.F32);
        double half = 3.182 * Math.sqrt(5.0 / 3) / 2;
        assertEquals(2.5 - half, s.ciLow(), Tolerances.F32);
        assertEquals(2.5 + half, s.ciHigh(), Tolerances.F32);
    }

    @Test
    void threeSeedsUseTFor2DegreesOfFreedom() {
        // 0.2, 0.4, 0.6: sd 0.2; half-width 4.303 · 0.2 / √3.
        Stats s = Stats.of(new double[] {0.2, 0.4, 0.6});
        assertEquals(0.4, s.mean(), Tolerances.F32);
        assertEquals(0.2, s.sd(), Tolerances.F32);
        assertEquals(0.4 + 4.303 * 0.2 / Math.sqrt(3), s.ciHigh(), Tolerances.F32);
    }

    @Test
    void missingValuesAreLeftOutAndOneValueHasNoSpread() {
        Stats s = Stats.of(new double[] {Double.NaN, 7, Double.NaN});
        assertEquals(1, s.n());
        assertEquals(7, s.mean());
        assertTrue(Double.isNaN(s.sd()) && Double.isNaN(s.ciLow()) && Double.isNaN(s.ciHigh()));
        Stats none = Stats.of(new double[] {Double.NaN});
        assertEquals(0, none.n());
        assertTrue(Double.isNaN(none.mean()));
    }

    @Test
    void identicalValuesHaveAZeroWidthInterval() {
        Stats s = Stats.of(new double[] {0.3, 0.3, 0.3});
        assertEquals(0, s.sd(), 0);
        assertEquals(0.3, s.ciLow(), 1e-15);
        assertEquals(0.3, s.ciHigh(), 1e-15);
    }

    @Test
    void tQuantilesFollowTheTableAndTheExpansionBeyondIt() {
        assertEquals(12.706, Stats.t975(1), 0);
        assertEquals(2.776, Stats.t975(4), 0);
        assertEquals(2.042, Stats.t975(30), 0);
        // Published six-decimal values (rounded to ±5e-7); the expansion is within 1.3e-6 of each.
        // Its third-order term alone is 8.6e-5 at ν = 31 and 2.5e-6 at ν = 100, so a tolerance of
        // 2e-6 catches an error in any of its terms.
        double[][] published = {{31, 2.039513}, {35, 2.030108}, {40, 2.021075}, {50, 2.008559}, {60, 2.000298},
                {100, 1.983972}, {120, 1.979930}};
        for (double[] p : published) assertEquals(p[1], Stats.t975((int) p[0]), 2e-6, "t(0.975, " + (int) p[0] + ")");
        assertEquals(1.959966, Stats.t975(1_000_000), 1e-6);   // z(0.975) + (z³ + z)/(4ν)
        for (int nu = 1; nu < 200; nu++) assertTrue(Stats.t975(nu + 1) < Stats.t975(nu), "decreasing at " + nu);
    }
}
