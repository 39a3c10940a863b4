package dev.kiln.data;

import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Example;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridDatasetProperties {
    private static final int C = GridDataset.CLASSES;   // 10
    private static final int S = GridDataset.CELLS;     // 900

    @Property(tries = 60)
    void oneHotAndTargetsRoundTripToThePaddedGrids(@ForAll @Size(min = 1, max = 5) List<@From("arcGrids") ArcGrid> grids,
                                                   @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        GridDataset data = GridDataset.ungrouped(grids);
        Rng rng = new Rng(seed);
        int[] indices = new int[1 + rng.nextInt(6)];                  // [B], repeats allowed
        for (int b = 0; b < indices.length; b++) indices[b] = rng.nextInt(grids.size());

        GridDataset.Batch batch = data.batch(indices);
        batch.oneHot().requireShape("oneHot", indices.length, C, 30, 30);
        float[] x = batch.oneHot().data;                              // [B, 10, 900]
        int[] t = batch.targets();                                    // [B·900]
        assertEquals(indices.length * S, t.length);
        for (int b = 0; b < indices.length; b++) {
            ArcGrid g = grids.get(indices[b]);
            for (int s = 0; s < S; s++) {
                int r = s / 30;
                int c = s % 30;
                int expected = r < g.rows() && c < g.cols() ? g.get(r, c) : 0;   // padding is black
                assertEquals(expected, t[b * S + s], "target of sample " + b + " at (" + r + ", " + c + ")");
                float fibreSum = 0;
                for (int k = 0; k < C; k++) fibreSum += x[(b * C + k) * S + s];
                assertEquals(1f, fibreSum, "one-hot fibre (" + b + ", ·, " + s + ") must hold exactly one 1");
                assertEquals(1f, x[(b * C + expected) * S + s], "oneHot[" + b + ", " + expected + ", " + s + "]");
            }
        }
    }

    @Property(tries = 30)
    void batchIntoADirtyBufferEqualsAFreshBatch(@ForAll @Size(min = 2, max = 5) List<@From("arcGrids") ArcGrid> grids,
                                                @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        GridDataset data = GridDataset.ungrouped(grids);
        Rng rng = new Rng(seed);
        int batchSize = 1 + rng.nextInt(4);
        float[] oneHot = new float[(batchSize + 1) * C * S];          // longer than needed
        int[] targets = new int[(batchSize + 1) * S];
        int[] first = new int[batchSize];
        int[] second = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            first[b] = rng.nextInt(grids.size());
            second[b] = rng.nextInt(grids.size());
        }
        data.batchInto(first, oneHot, targets);
        data.batchInto(second, oneHot, targets);
        GridDataset.Batch fresh = data.batch(second);
        assertArrayEquals(fresh.oneHot().data, Arrays.copyOf(oneHot, batchSize * C * S));
        assertArrayEquals(fresh.targets(), Arrays.copyOf(targets, batchSize * S));
    }

    @Example
    void paddingPutsTheGridTopLeftAndBlackElsewhere() {
        ArcGrid g = ArcGrid.of(new int[][] {{1, 2, 3}, {4, 5, 6}});
        byte[] p = g.padded();
        assertEquals(900, p.length);
        assertEquals(3, p[2]);          // (0, 2)
        assertEquals(4, p[30]);         // (1, 0) is s = 1·30 + 0
        assertEquals(6, p[32]);         // (1, 2)
        assertEquals(0, p[3]);          // (0, 3) padding
        assertEquals(0, p[60]);         // (2, 0) padding
    }

    @Example
    void subsetKeepsGridsAndGroupNames() {
        List<ArcGrid> grids = List.of(ArcGrid.of(new int[][] {{1}}), ArcGrid.of(new int[][] {{2}}),
                ArcGrid.of(new int[][] {{3}}));
        GridDataset data = GridDataset.of(grids, List.of("a", "b", "a"));
        assertEquals(2, data.groupCount());
        GridDataset sub = data.subset(new int[] {2, 1});
        assertEquals(3, sub.cell(0, 0));
        assertEquals(2, sub.cell(1, 0));
        assertEquals("a", sub.groupName(sub.groupOf(0)));
        assertEquals("b", sub.groupName(sub.groupOf(1)));
    }

    @Example
    void anIndexOutsideTheDatasetIsRejected() {
        GridDataset data = GridDataset.ungrouped(List.of(ArcGrid.of(new int[][] {{1}})));
        assertThrows(IndexOutOfBoundsException.class, () -> data.batch(new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> data.batchInto(new int[] {0}, new float[10], new int[900]));
    }

    /** Grids of 1–30 rows and columns with uniformly random colours 0–9, 1×1 and 30×30 included. */
    @Provide
    Arbitrary<ArcGrid> arcGrids() {
        Arbitrary<Integer> side = Arbitraries.integers().between(1, 30);
        Arbitrary<Long> seeds = Arbitraries.longs().between(0, 1_000_000);
        return Combinators.combine(side, side, seeds).as((rows, cols, seed) -> {
            Rng rng = new Rng(seed);
            byte[] cells = new byte[rows * cols];
            for (int i = 0; i < cells.length; i++) cells[i] = (byte) rng.nextInt(C);
            return new ArcGrid(rows, cols, cells);
        });
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.FIRST)   // the size-1 edge case comes first
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void sizeOneAndSizeThirtyGridsAreGenerated(@ForAll("arcGrids") ArcGrid grid) {
        assertTrue(grid.rows() >= 1 && grid.rows() <= 30 && grid.cols() >= 1 && grid.cols() <= 30);
        Statistics.label("shape").collect(grid.rows() == 1 || grid.cols() == 1 ? "a side of 1"
                : grid.rows() == 30 || grid.cols() == 30 ? "a side of 30" : "other");
        Statistics.label("shape").coverage(cov -> {
            cov.check("a side of 1").count(n -> n > 0);
            cov.check("a side of 30").count(n -> n > 0);
        });
    }
}
