package dev.kiln.freebits;

import org.junit.jupiter.api.Test;

import dev.kiln.tensor.NonFiniteException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Seed 003's verdict bands at their exact edges (10 % is not too tight, 60 % is not too generous,
 * 20 % and 40 % are healthy, a rounding error past an edge counts as on it), and the row and
 * calibration functions at the edges of their inputs.
 */
class FreeBitsEdgesTest {

    private static Verdict at(double pct) {
        return Verdict.of(1, 1 - pct / 100, pct);
    }

    @Test
    void eachBandEdgeBelongsToTheSideTheSeedSays() {
        assertEquals(Verdict.TOO_TIGHT, at(Math.nextDown(10.0) - 1e-5));
        assertEquals(Verdict.WATCH, at(10));                       // "< 10 %" is too tight; 10 itself is not
        assertEquals(Verdict.WATCH, at(19.99));
        assertEquals(Verdict.HEALTHY, at(20));                     // 20 ≤ reduction ≤ 40
        assertEquals(Verdict.HEALTHY, at(40));
        assertEquals(Verdict.WATCH, at(40.01));
        assertEquals(Verdict.WATCH, at(60));                       // "> 60 %" is too generous; 60 itself is not
        assertEquals(Verdict.TOO_GENEROUS, at(60.00001));
    }

    @Test
    void reductionsWithinRoundingOfAnEdgeCountAsOnIt() {
        assertEquals(Verdict.HEALTHY, at(20 - 1e-9));              // rounded to 10⁻⁶ %: 20
        assertEquals(Verdict.HEALTHY, at(40 + 1e-9));
        assertEquals(Verdict.WATCH, at(10 - 1e-9));
        assertEquals(Verdict.WATCH, at(60 + 1e-9));
        assertEquals(Verdict.WATCH, at(20 - 1e-5));                // beyond the rounding: outside the band
    }

    @Test
    void zeroKlAndFullyForgivenKlComeFirst() {
        assertEquals(Verdict.NO_KL, Verdict.of(0, 0, 0));
        assertEquals(Verdict.ALL_FREE, Verdict.of(0.5, 0, 100));
        assertEquals(Verdict.HEALTHY, Verdict.of(0.5, 0.35, 30));
        assertEquals("all_free", Verdict.ALL_FREE.configName());
        assertEquals("too_generous", Verdict.TOO_GENEROUS.configName());
    }

    @Test
    void rowFunctionsRefuseInvalidKlAndUseTheModesUnits() {
        FreeBits perDim = new FreeBits(FreeBitsMode.PER_DIM, 0.1), mean = new FreeBits(FreeBitsMode.MEAN_OVER_DIMS, 0.1);
        double[] row = {0.3, 0.0};
        // per_dim: hinges (0.2 + 0) / 2 = 0.1 of kl_raw 0.15; mean_over_dims: one unit 0.15 → 0.05.
        assertEquals(0.1, perDim.applyToRow(row).klAfter(), 1e-12);
        assertEquals(0.05, mean.applyToRow(row).klAfter(), 1e-12);
        assertEquals(0.15, perDim.applyToRow(row).klRaw(), 1e-12);
        // A 50 % reduction: per_dim needs hinges summing to 0.15, one active unit: 0.3 − λ = 0.15;
        // mean_over_dims has the one unit 0.15: 0.15 − λ = 0.075.
        assertEquals(0.15, FreeBits.calibrateRow(FreeBitsMode.PER_DIM, row, 0.5), 1e-12);
        assertEquals(0.075, FreeBits.calibrateRow(FreeBitsMode.MEAN_OVER_DIMS, row, 0.5), 1e-12);
        for (double[] bad : new double[][] {{0.1, -0.2}, {Double.NaN}}) {
            assertThrows(RuntimeException.class, () -> perDim.applyToRow(bad));
            assertThrows(RuntimeException.class, () -> FreeBits.calibrateRow(FreeBitsMode.PER_DIM, bad, 0.3));
        }
        assertThrows(NonFiniteException.class, () -> FreeBits.calibrateHinge(Double.POSITIVE_INFINITY, 0.3));
        assertThrows(IllegalArgumentException.class, () -> FreeBits.calibrateHinge(-1, 0.3));
    }

    @Test
    void theTargetReductionIsAFractionIncludingBothEnds() {
        float[] kl = {0.2f, 0.4f};
        assertEquals(0.0, FreeBits.calibrate(FreeBitsMode.PER_DIM, kl, 1, 2, 0), 1e-7);
        assertEquals(0.4, FreeBits.calibrate(FreeBitsMode.PER_DIM, kl, 1, 2, 1), 1e-7);
        assertEquals(0.0, FreeBits.calibrateHinge(0.5, 0));
        assertEquals(0.5, FreeBits.calibrateHinge(0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> FreeBits.calibrate(FreeBitsMode.PER_DIM, kl, 1, 2, 1.01));
        assertThrows(IllegalArgumentException.class, () -> FreeBits.calibrate(FreeBitsMode.PER_DIM, kl, 1, 2, -0.01));
        assertThrows(IllegalArgumentException.class, () -> FreeBits.calibrateRow(FreeBitsMode.PER_DIM, new double[] {1}, 2));
        assertEquals(FreeBitsMode.MEAN_OVER_DIMS, FreeBitsMode.parse("free_bits_mode", "mean_over_dims"));
        assertEquals(FreeBitsMode.PER_DIM, FreeBitsMode.parse("free_bits_mode", "per_dim"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FreeBitsMode.parse("free_bits_mode", "perdim"));
        assertEquals("free_bits_mode must be one of per_dim, mean_over_dims, got 'perdim'", e.getMessage());
    }
}
