package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic stand-in for Fashion-MNIST that the lesson's tests train on. */
class SyntheticShapesTest {

    @Test
    void everyClassGetsItsShareAndEveryImageHasAShapeOnBlack() {
        FashionMnist set = SyntheticShapes.generate(103, 5);
        assertEquals(103, set.size());
        int[] counts = set.classCounts();
        for (int k = 0; k < FashionMnist.CLASSES; k++) {
            assertTrue(counts[k] == 10 || counts[k] == 11, "class " + k + " has " + counts[k]);
        }
        for (int i = 0; i < set.size(); i++) {
            int lit = 0;
            for (int p = 0; p < FashionMnist.PIXELS; p++) {
                int v = set.pixel(i, p);
                assertTrue(v == 0 || v >= 150, "image " + i + " pixel " + p + " is " + v);
                if (v > 0) lit++;
            }
            assertTrue(lit >= 20 && lit <= FashionMnist.PIXELS / 2, "image " + i + " (class " + set.label(i) + ") lights "
                    + lit + " pixels");
            assertEquals(0, set.pixel(i, 0), "image " + i + ": the corner is background");
        }
    }

    @Test
    void theSameSeedGivesTheSameImagesAndAnotherSeedDifferentOnes() {
        float[] a = SyntheticShapes.generate(20, 9).batch(Training.range(0, 20)).data;
        float[] b = SyntheticShapes.generate(20, 9).batch(Training.range(0, 20)).data;
        float[] c = SyntheticShapes.generate(20, 10).batch(Training.range(0, 20)).data;
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(c));
    }

    @Test
    void fewerThanOneImageIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.generate(0, 1));
    }
}
