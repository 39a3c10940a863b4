package dev.kiln.data;

import dev.kiln.testing.Tolerances;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.Example;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticArcProperties {

    /** Padded black share of the real ARC-AGI-1 training set, measured (docs/data.md): 2908909 / 3092400. */
    static final double REAL_PADDED_BLACK = 0.9407;

    @Property(tries = 30)
    void theSameSeedGivesTheSameGrids(@ForAll @IntRange(min = 1, max = 60) int n,
                                      @ForAll @LongRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE) long seed) {
        assertEquals(SyntheticArc.generate(n, seed), SyntheticArc.generate(n, seed));
    }

    @Property(tries = 30)
    void theFirstGridsDoNotDependOnHowManyAreAskedFor(@ForAll @IntRange(min = 1, max = 40) int k,
                                                      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        assertEquals(SyntheticArc.generate(k, seed), SyntheticArc.generate(k + 17, seed).subList(0, k));
    }

    @Property(tries = 8)
    void thePaddedBlackShareIsNearTheRealOne(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        double black = ClassStats.of(SyntheticArc.generate(2000, seed)).blackSharePadded();
        assertEquals(REAL_PADDED_BLACK, black, Tolerances.BLACK_SHARE_BAND, "padded black share, seed " + seed);
    }

    @Example
    void differentSeedsGiveDifferentGrids() {
        assertNotEquals(SyntheticArc.generate(20, 1), SyntheticArc.generate(20, 2));
    }

    @Example
    void theGeneratorDrawsWhatItsJavadocSays() {
        List<ArcGrid> grids = SyntheticArc.generate(2000, 11);
        boolean tiny = false;
        boolean full = false;
        boolean square = false;
        boolean oblong = false;
        boolean mirrored = false;
        long[] colours = new long[10];
        for (ArcGrid g : grids) {
            tiny |= g.rows() <= 3 && g.cols() <= 3;
            full |= g.rows() == 30 || g.cols() == 30;
            square |= g.rows() == g.cols();
            oblong |= g.rows() != g.cols();
            mirrored |= g.cols() >= 6 && isLeftRightMirror(g) && !isBlank(g);
            g.countColours(colours);
        }
        assertTrue(tiny && full && square && oblong && mirrored,
                "tiny " + tiny + ", 30 wide " + full + ", square " + square + ", oblong " + oblong
                        + ", mirrored " + mirrored);
        for (int k = 0; k < 10; k++) assertTrue(colours[k] > 0, "colour " + k + " never drawn");
        double black = ClassStats.of(grids).blackShareRaw();
        assertTrue(black > 0.4 && black < 0.8, "raw black share " + black + " should be ARC-like (0.59)");
    }

    @Example
    void theDefaultDatasetIsFixed() {
        GridDataset a = SyntheticArc.defaultDataset();
        assertEquals(SyntheticArc.DEFAULT_GRIDS, a.size());
        assertEquals(SyntheticArc.DEFAULT_GRIDS, a.groupCount());
        assertEquals(SyntheticArc.generate(1, SyntheticArc.DEFAULT_SEED).get(0).padded()[0], (byte) a.cell(0, 0));
    }

    private static boolean isLeftRightMirror(ArcGrid g) {
        for (int r = 0; r < g.rows(); r++) {
            for (int c = 0; c < g.cols() / 2; c++) {
                if (g.get(r, c) != g.get(r, g.cols() - 1 - c)) return false;
            }
        }
        return true;
    }

    private static boolean isBlank(ArcGrid g) {
        long[] counts = new long[10];
        g.countColours(counts);
        return counts[0] == g.area();
    }
}
