package dev.kiln.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageGridTest {

    @Test
    void greyTilesAreScaledAndPlacedRowMajorWithGutters(@TempDir Path tmp) throws Exception {
        float[] px = {0f, 1f, 0.5f, 1f,     // image 0, 2×2
                      1f, 0f, 0f, 0f,       // image 1
                      0.2f, 0.2f, 0.2f, 0.2f};
        BufferedImage img = ImageGrid.grey(px, 3, 2, 2, 2, 3);
        assertEquals(2 * (2 * 3 + 1) + 1, img.getWidth());
        assertEquals(2 * (2 * 3 + 1) + 1, img.getHeight());
        assertEquals(0x000000, img.getRGB(1, 1) & 0xFFFFFF);            // image 0, pixel (0,0)
        assertEquals(0xFFFFFF, img.getRGB(1 + 3, 1) & 0xFFFFFF);        // image 0, pixel (0,1)
        assertEquals(0xFFFFFF, img.getRGB(8, 1) & 0xFFFFFF);            // image 1 starts at x = 7 + 1
        assertEquals(0x404040, img.getRGB(0, 0) & 0xFFFFFF);            // gutter
        ImageGrid.write(img, tmp.resolve("g.png"));
        assertEquals(img.getWidth(), ImageIO.read(tmp.resolve("g.png").toFile()).getWidth());
    }

    @Test
    void arcGridsUseThePalette() {
        BufferedImage img = ImageGrid.arc(new int[] {0, 2, 8, 9}, 1, 2, 2, 1, 1);
        assertEquals(ImageGrid.ARC_PALETTE[2], img.getRGB(2, 1) & 0xFFFFFF);
        assertEquals(ImageGrid.ARC_PALETTE[9], img.getRGB(2, 2) & 0xFFFFFF);
    }
}
