package dev.kiln.monitor;

import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfusionMatrixProperties {
    static final int BLACK = 0;
    static final int PAD = -1;

    @Example
    void allBlackPredictionsScoreHighPlainAccuracyAndZeroNonBlackAccuracy() {
        int[] truth = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};      // 13 black cells, 1 green
        int[] predicted = new int[truth.length];                         // everything black
        ConfusionMatrix m = new ConfusionMatrix(10).add(predicted, truth);
        assertEquals(13.0 / 14, m.accuracy(), 1e-12);
        assertEquals(0.0, m.nonMajorityAccuracy(BLACK));
        assertEquals(1.0, m.majorityShare(BLACK));
        assertEquals(BLACK, m.majorityClassByTruth());
    }

    @Example
    void handBuiltGridGivesPerClassAndNonBlackAccuracy() {
        //            true:      0  0  0  0  1  1  2  2  2  5
        int[] truth = {0, 0, 0, 0, 1, 1, 2, 2, 2, 5};
        int[] pred =  {0, 0, 1, 0, 1, 0, 2, 2, 0, 5};
        ConfusionMatrix m = new ConfusionMatrix(6).add(pred, truth);
        double[] perClass = m.perClassAccuracy();
        assertEquals(0.75, perClass[0], 1e-12);
        assertEquals(0.5, perClass[1], 1e-12);
        assertEquals(2.0 / 3, perClass[2], 1e-12);
        assertTrue(Double.isNaN(perClass[3]), "no true cell of class 3");
        assertEquals(1.0, perClass[5], 1e-12);
        assertEquals(4.0 / 6, m.nonMajorityAccuracy(BLACK), 1e-12);    // classes 1, 2, 5: 1 + 2 + 1 of 6
        assertEquals(5.0 / 10, m.majorityShare(BLACK), 1e-12);         // predicted 0 five times
        assertEquals(1, m.count(0, 1));
        assertEquals(2, m.count(2, 2));
        assertTrue(m.format().contains("75.0%"), m.format());
    }

    @Example
    void aPaddingOnlyGridDoesNotInflateNonBlackAccuracy() {
        int[] truth = {0, 3, 3, 4};
        int[] pred = {0, 3, 0, 0};
        ConfusionMatrix real = new ConfusionMatrix(10).add(pred, truth);
        double before = real.nonMajorityAccuracy(BLACK);
        assertEquals(1.0 / 3, before, 1e-12);

        int[] padTruth = new int[900];                                   // a 30×30 grid of padding
        Arrays.fill(padTruth, PAD);
        int[] padPred = new int[900];                                    // predicted black, the "right" answer
        ConfusionMatrix ignored = new ConfusionMatrix(10).add(pred, truth).add(padPred, padTruth, PAD);
        assertEquals(before, ignored.nonMajorityAccuracy(BLACK));
        assertEquals(real.total(), ignored.total(), "ignored cells are not counted at all");

        int[] blackPadTruth = new int[900];                              // padding labelled black instead
        ConfusionMatrix labelledBlack = new ConfusionMatrix(10).add(pred, truth).add(padPred, blackPadTruth);
        assertEquals(before, labelledBlack.nonMajorityAccuracy(BLACK), "black padding only adds black cells");
        assertTrue(labelledBlack.accuracy() > real.accuracy(), "plain accuracy is what padding inflates");

        ConfusionMatrix padOnly = new ConfusionMatrix(10).add(padPred, blackPadTruth);
        assertTrue(Double.isNaN(padOnly.nonMajorityAccuracy(BLACK)), "no non-black cell is no evidence, not 100 %");
    }

    @Example
    void labelsOutsideTheClassesAreRefusedNamingTheCell() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfusionMatrix(10).add(new int[] {0, 10}, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("cell 1") && e.getMessage().contains("0..9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3).add(new int[2], new int[3]));
    }

    @Property(tries = 200)
    @Label("adding cells whose true class is the majority never changes the non-majority accuracy")
    void majorityCellsNeverChangeNonMajorityAccuracy(@ForAll("grids") int[][] grid, @ForAll("seeds") long seed,
                                                     @ForAll @IntRange(min = 1, max = 500) int extra) {
        ConfusionMatrix m = new ConfusionMatrix(10).add(grid[0], grid[1]);
        double before = m.nonMajorityAccuracy(BLACK);
        Rng rng = new Rng(seed);
        int[] blackTruth = new int[extra], anyPrediction = new int[extra];
        for (int i = 0; i < extra; i++) anyPrediction[i] = rng.nextInt(10);
        m.add(anyPrediction, blackTruth);
        assertEquals(Double.doubleToLongBits(before), Double.doubleToLongBits(m.nonMajorityAccuracy(BLACK)));
    }

    @Property(tries = 200)
    @Label("counts are consistent: rows sum to true counts, columns to predicted counts, all to the total")
    void countsAreConsistent(@ForAll("grids") int[][] grid) {
        ConfusionMatrix m = new ConfusionMatrix(10).add(grid[0], grid[1]);
        long rows = 0, cols = 0;
        for (int c = 0; c < 10; c++) {
            rows += m.trueCount(c);
            cols += m.predictedCount(c);
        }
        assertEquals(grid[0].length, m.total());
        assertEquals(m.total(), rows);
        assertEquals(m.total(), cols);
        double share = m.majorityShare(BLACK);
        assertTrue(share >= 0 && share <= 1);
        double[] perClass = m.perClassAccuracy();
        for (double a : perClass) assertTrue(Double.isNaN(a) || (a >= 0 && a <= 1));
    }

    @Property(tries = 100)
    @Label("a perfect prediction scores 1 everywhere a class occurs")
    void perfectPredictionScoresOne(@ForAll("grids") int[][] grid) {
        ConfusionMatrix m = new ConfusionMatrix(10).add(grid[1], grid[1]);
        assertEquals(1.0, m.accuracy());
        double nonBlack = m.nonMajorityAccuracy(BLACK);
        assertTrue(Double.isNaN(nonBlack) || nonBlack == 1.0);
        double[] expected = new double[10];
        for (int c = 0; c < 10; c++) expected[c] = m.trueCount(c) == 0 ? Double.NaN : 1.0;
        assertArrayEquals(expected, m.perClassAccuracy());
    }

    /** [predicted, truth] for an ARC-like grid: mostly black truth, predictions sometimes right. */
    @Provide
    Arbitrary<int[][]> grids() {
        return Arbitraries.integers().between(1, 300).flatMap(n -> Arbitraries.longs().map(seed -> {
            Rng rng = new Rng(seed);
            int[] truth = new int[n], pred = new int[n];
            for (int i = 0; i < n; i++) {
                truth[i] = rng.nextDouble() < 0.9 ? BLACK : 1 + rng.nextInt(9);
                pred[i] = rng.nextDouble() < 0.6 ? truth[i] : rng.nextInt(10);
            }
            return new int[][] {pred, truth};
        }));
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 1_000_000);
    }
}
