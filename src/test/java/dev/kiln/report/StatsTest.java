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
        // Published values: t(0.975, 40) = 2.0211, t(60) = 2.0003, t(120) = 1.9799.
        assertEquals(2.0211, Stats.t975(40), 1e-3);
        assertEquals(2.0003, Stats.t975(60), 1e-3);
        assertEquals(1.9799, Stats.t975(120), 1e-3);
        assertEquals(1.95996, Stats.t975(1_000_000), 1e-4);
        for (int nu = 1; nu < 200; nu++) assertTrue(Stats.t975(nu + 1) < Stats.t975(nu), "decreasing at " + nu);
    }
}
