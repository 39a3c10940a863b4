package dev.kiln.data;

import dev.kiln.rand.Rng;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Example;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskSplitProperties {

    @Property(tries = 60, edgeCases = EdgeCasesMode.FIRST)   // the size-1 edge case comes first
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void theSplitCoversEveryGridOnceAndNoTaskOnBothSides(@ForAll @IntRange(min = 1, max = 40) int tasks,
                                                         @ForAll @DoubleRange(min = 0, max = 0.9) double fraction,
                                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        GridDataset data = tasksOfRandomSize(tasks, seed);
        TaskSplit split = TaskSplit.of(data, fraction, seed + 1);
        int[] seen = new int[data.size()];
        boolean[] trainTask = new boolean[tasks];
        boolean[] validationTask = new boolean[tasks];
        for (int i : split.train()) {
            seen[i]++;
            trainTask[data.groupOf(i)] = true;
        }
        for (int i : split.validation()) {
            seen[i]++;
            validationTask[data.groupOf(i)] = true;
        }
        for (int i = 0; i < seen.length; i++) assertEquals(1, seen[i], "grid " + i + " seen");
        int held = 0;
        for (int g = 0; g < tasks; g++) {
            assertFalse(trainTask[g] && validationTask[g], "task " + g + " is on both sides");
            if (validationTask[g]) held++;
        }
        // the documented count: round(f·G), at least 1 if f > 0, at most G − 1
        int expected = Math.min((int) Math.max(Math.round(fraction * tasks), fraction > 0 ? 1 : 0),
                Math.max(tasks - 1, 0));
        assertEquals(expected, held);
        assertTrue(split.train().length > 0, "training is never empty");
        Statistics.label("tasks").collect(tasks == 1 ? "one task" : "several");
        Statistics.label("tasks").coverage(cov -> cov.check("one task").count(n -> n > 0));
    }

    @Property(tries = 40)
    void theSameDataFractionAndSeedGiveTheSameSplit(@ForAll @IntRange(min = 1, max = 40) int tasks,
                                                    @ForAll @DoubleRange(min = 0, max = 0.9) double fraction,
                                                    @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        TaskSplit a = TaskSplit.of(tasksOfRandomSize(tasks, seed), fraction, 42);
        TaskSplit b = TaskSplit.of(tasksOfRandomSize(tasks, seed), fraction, 42);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.validation(), b.validation());
    }

    @Example
    void differentSeedsHoldOutDifferentTasks() {
        GridDataset data = tasksOfRandomSize(100, 3);
        assertFalse(java.util.Arrays.equals(TaskSplit.of(data, 0.2, 1).validation(),
                TaskSplit.of(data, 0.2, 2).validation()));
    }

    @Example
    void aZeroFractionHoldsOutNothing() {
        TaskSplit split = TaskSplit.of(tasksOfRandomSize(10, 1), 0.0, 5);
        assertEquals(0, split.validation().length);
    }

    @Example
    void aFractionOutsideZeroToOneIsRejectedByName() {
        GridDataset data = tasksOfRandomSize(3, 1);
        for (double bad : new double[] {-0.1, 1.0, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskSplit.of(data, bad, 0));
            assertTrue(e.getMessage().contains("validationFraction") && e.getMessage().contains("[0, 1)"),
                    e.getMessage());
        }
    }

    /** {@code tasks} tasks of 1–8 tiny grids each, the tasks' grids interleaved a little. */
    static GridDataset tasksOfRandomSize(int tasks, long seed) {
        Rng rng = new Rng(seed);
        List<ArcGrid> grids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int g = 0; g < tasks; g++) {
            int n = 1 + rng.nextInt(8);
            for (int j = 0; j < n; j++) {
                grids.add(ArcGrid.of(new int[][] {{rng.nextInt(10)}}));
                names.add("task-" + g);
            }
        }
        // swap a few neighbours so that a task's grids are not always contiguous
        for (int i = 1; i < grids.size(); i += 3) {
            grids.add(i - 1, grids.remove(i));
            names.add(i - 1, names.remove(i));
        }
        return GridDataset.of(grids, names);
    }
}
