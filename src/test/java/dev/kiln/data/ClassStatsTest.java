package dev.kiln.data;

import com.google.gson.JsonObject;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ClassStatsTest {

    @Test
    void countsRawCellsAndAddsThePaddingToBlack() {
        ClassStats s = ClassStats.of(List.of(
                ArcGrid.of(new int[][] {{0, 1}, {2, 2}}),
                ArcGrid.of(new int[][] {{5}})));
        assertEquals(2, s.grids());
        assertArrayEquals(new long[] {1, 1, 2, 0, 0, 1, 0, 0, 0, 0}, s.raw());
        // 1 real black cell + (900 − 4) + (900 − 1) padding cells
        assertArrayEquals(new long[] {1796, 1, 2, 0, 0, 1, 0, 0, 0, 0}, s.padded());
        assertEquals(5, s.rawCells());
        assertEquals(1800, s.paddedCells());
        assertEquals(0.2, s.blackShareRaw(), Tolerances.F32);
        assertEquals(1796.0 / 1800, s.blackSharePadded(), Tolerances.F32);
        assertEquals(0.4, s.rawShare(2), Tolerances.F32);
    }

    @Test
    void noGridsGiveZeroSharesNotNaN() {
        ClassStats s = ClassStats.of(List.of());
        assertEquals(0, s.grids());
        assertEquals(0.0, s.blackSharePadded());
        assertEquals(0.0, s.blackShareRaw());
    }

    @Test
    void theJsonFormHasTheDocumentedKeys() {
        JsonObject o = ClassStats.of(List.of(ArcGrid.of(new int[][] {{3}}))).toJson();
        for (String key : List.of("grids", "cells_raw", "cells_padded", "counts_raw", "counts_padded",
                "share_raw", "share_padded", "black_share_raw", "black_share_padded")) {
            assertEquals(true, o.has(key), key);
        }
        assertEquals(10, o.getAsJsonArray("counts_padded").size());
        assertEquals(899, o.getAsJsonArray("counts_padded").get(0).getAsLong());
    }
}
