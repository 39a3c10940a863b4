package dev.kiln.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinePlotTest {

    @Test
    void aLogAxisDrawsZerosAtItsFloorInsteadOfFailing(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("kl.png");
        new LinePlot("KL", "epoch", "nats").logY().threshold(0.05, "floor")
                .add("collapsed", new double[] {1, 2, 3}, new double[] {2.0, 0.0, -1})
                .add("healthy", new double[] {1, 2, 3}, new double[] {2.0, 1.0, 0.5})
                .points("collapse", new double[] {2}, new double[] {0.0})
                .legendOutside().write(file);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(500, img.getHeight());
    }

    @Test
    void marksWithoutPointsAreLeftOut(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("nb.png");
        new LinePlot("nb", "epoch", "acc").yRange(0, 1).threshold(0.3, "30%")
                .add("a", new double[] {1, 2}, new double[] {0.1, 0.2})
                .points("collapse", new double[0], new double[0]).write(file);
        assertEquals(900, ImageIO.read(file.toFile()).getWidth());
    }
}
