package dev.kiln.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReconPicturesTest {

    static List<Integer> dueEpochs(int epochs) {
        List<Integer> out = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) if (ReconPictures.due(e, epochs)) out.add(e);
        return out;
    }

    @Test
    void shortRunsGetEveryEpochAndLongOnesTheFirstTheLastAndEveryTenth() {
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), dueEpochs(8));
        assertEquals(List.of(1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100), dueEpochs(100));
        assertEquals(List.of(1, 3, 6, 9, 12, 15, 18, 21), dueEpochs(21));
    }

    @Test
    void theGridsShownAreSpreadEvenlyOverTheValidationSplit() {
        int[] val = new int[60];
        for (int i = 0; i < val.length; i++) val[i] = 1000 + i;
        assertArrayEquals(new int[] {1000, 1010, 1020, 1030, 1040, 1050}, ReconPictures.chosen(val));
        assertArrayEquals(new int[] {7, 9}, ReconPictures.chosen(new int[] {7, 9}));
    }
}
