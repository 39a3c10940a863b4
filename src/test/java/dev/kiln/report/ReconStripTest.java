package dev.kiln.report;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReconStripTest {
    static final int C = ReconStrip.CELLS;

    @Test
    void theInputsComeFirstAndEachFrameIsOneRowInThePalette() {
        int grids = 2;
        int[] inputs = new int[grids * C];
        inputs[0] = 2;                                   // grid 0, cell (0, 0): red
        int[] black = new int[grids * C];
        int[] blue = new int[grids * C];
        Arrays.fill(blue, C, 2 * C, 1);                  // grid 1 all blue
        BufferedImage img = ReconStrip.render(null, grids, inputs,
                List.of(new ReconStrip.Frame(1, 0, black), new ReconStrip.Frame(2, 0.5, blue)), 8);
        int tile = ReconStrip.SIDE * ReconStrip.SCALE + 1;
        int left = img.getWidth() - (grids * tile + 1);  // the label column
        assertEquals(3 * tile + 1, img.getHeight(), "inputs + two frames, no title");
        assertEquals(ImageGrid.ARC_PALETTE[2], img.getRGB(left + 1, 1) & 0xFFFFFF, "input grid 0 cell (0,0)");
        assertEquals(0x000000, img.getRGB(left + 1 + 4, 1) & 0xFFFFFF, "input grid 0 cell (0,1) black");
        assertEquals(0x000000, img.getRGB(left + tile + 1, tile + 1) & 0xFFFFFF, "epoch 1, grid 1: black");
        assertEquals(ImageGrid.ARC_PALETTE[1], img.getRGB(left + tile + 1, 2 * tile + 1) & 0xFFFFFF, "epoch 2, grid 1");
        assertEquals(0x000000, img.getRGB(left + 1, 2 * tile + 1) & 0xFFFFFF, "epoch 2, grid 0 stays black");
    }

    @Test
    void longRunsShowTheFirstTheLastAndFramesEvenlyBetween() {
        List<ReconStrip.Frame> frames = new java.util.ArrayList<>();
        for (int e = 1; e <= 11; e++) frames.add(new ReconStrip.Frame(e, 0, new int[0]));
        assertEquals(List.of(1, 6, 11), ReconStrip.spread(frames, 3).stream().map(ReconStrip.Frame::epoch).toList());
        assertEquals(List.of(1, 3, 5, 7, 9, 11),
                ReconStrip.spread(frames, 6).stream().map(ReconStrip.Frame::epoch).toList());
        assertEquals(11, ReconStrip.spread(frames, 20).size());
    }

    @Test
    void aFrameOfTheWrongSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReconStrip.render(null, 1, new int[C],
                List.of(new ReconStrip.Frame(1, 0, new int[C - 1])), 8));
    }
}
