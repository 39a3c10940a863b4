package dev.kiln.data;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Example;

import java.util.Arrays;

import static dev.kiln.data.FashionFixtures.PX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches (pixel/255 and back), the [B, 1, 28, 28] view, subsets, and the npm split rule. */
class FashionMnistProperties {

    @Property(tries = 40, edgeCases = EdgeCasesMode.FIRST)   // n = 1, B = 1 come first
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void aBatchRoundTripsToThePixelBytes(@ForAll @IntRange(min = 1, max = 12) int n,
                                         @ForAll @IntRange(min = 1, max = 8) int batch,
                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        byte[] pixels = FashionFixtures.randomPixels(rng, n);   // [n, 784], 0 and 255 in every image
        byte[] labels = FashionFixtures.randomLabels(rng, n);
        FashionMnist data = FashionMnist.of(pixels, labels);
        int[] indices = new int[batch];                          // [B], repeats allowed
        for (int b = 0; b < batch; b++) indices[b] = rng.nextInt(n);

        Tensor x = data.batch(indices);
        x.requireShape("batch", batch, PX);
        int[] y = data.labels(indices);
        for (int b = 0; b < batch; b++) {
            assertEquals(labels[indices[b]], y[b], "label of sample " + b);
            for (int p = 0; p < PX; p++) {
                float v = x.data[b * PX + p];
                int original = pixels[indices[b] * PX + p] & 0xFF;
                assertTrue(v >= 0f && v <= 1f, "x[" + b + ", " + p + "] = " + v + " outside [0, 1]");
                assertEquals(original, Math.round(v * 255f), "pixel " + p + " of sample " + b);
                assertEquals(original / 255f, v, "x is pixel/255 rounded once");
            }
            assertEquals(0f, x.data[b * PX], "pixel 0 is exactly 0");
            assertEquals(1f, x.data[b * PX + PX - 1], "pixel 255 is exactly 1");
        }
        Statistics.label("shape").collect(n == 1 ? "one image" : batch == 1 ? "batch of one" : "several");
        Statistics.label("shape").coverage(cov -> {
            cov.check("one image").count(c -> c > 0);
            cov.check("batch of one").count(c -> c > 0);
        });
    }

    @Property(tries = 30)
    void batchIntoADirtyBufferEqualsAFreshBatchAndTheImageView(@ForAll @IntRange(min = 1, max = 6) int batch,
                                                               @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        FashionMnist data = FashionMnist.of(FashionFixtures.randomPixels(rng, 9), FashionFixtures.randomLabels(rng, 9));
        int[] indices = new int[batch];
        for (int b = 0; b < batch; b++) indices[b] = rng.nextInt(9);
        float[] dirty = new float[batch * PX + 5];
        Arrays.fill(dirty, -7f);
        data.batchInto(indices, dirty);
        float[] fresh = data.batch(indices).data;
        assertArrayEquals(fresh, Arrays.copyOf(dirty, batch * PX));
        assertEquals(-7f, dirty[batch * PX], "past the batch nothing is written");

        Tensor images = data.images(indices);
        images.requireShape("images", batch, 1, 28, 28);
        assertArrayEquals(fresh, images.data);
        // NCHW: images[b, 0, r, c] = pixel r·28 + c of sample b
        int b = batch - 1;
        int r = 27;
        int c = 3;
        assertEquals(fresh[b * PX + r * 28 + c], images.data[((b * 1 + 0) * 28 + r) * 28 + c]);
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.FIRST)   // extra = 0 (one image per class) comes first
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void theSplitTakesTheFirstSeventhOfEachClassAsTestAndIsTheSameEveryTime(
            @ForAll @IntRange(min = 0, max = 30) int extra, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        FashionNpm.ClassImages[] classes = new FashionNpm.ClassImages[10];
        int[] counts = new int[10];
        for (int k = 0; k < 10; k++) {
            counts[k] = 1 + rng.nextInt(1 + extra);   // 1 … 31 images; 1–6 give no test image
            classes[k] = new FashionNpm.ClassImages(FashionFixtures.randomPixels(rng, counts[k]), counts[k], 0);
        }
        FashionMnist.Sets a = FashionNpm.split(classes, null);
        FashionMnist.Sets b = FashionNpm.split(classes, null);
        assertArrayEquals(a.train().pixels, b.train().pixels);
        assertArrayEquals(a.test().pixels, b.test().pixels);
        assertArrayEquals(a.train().labels, b.train().labels);

        int[] trainCounts = a.train().classCounts();
        int[] testCounts = a.test().classCounts();
        for (int k = 0; k < 10; k++) {
            assertEquals(counts[k] / 7, testCounts[k], "test images of class " + k + " of " + counts[k]);
            assertEquals(counts[k] - counts[k] / 7, trainCounts[k], "train images of class " + k);
        }
        byte[][] perClass = new byte[10][];
        for (int k = 0; k < 10; k++) perClass[k] = classes[k].pixels();
        FashionNpmTest.assertSplitOf(perClass, a);
        Statistics.label("classes").collect(extra == 0 ? "one image each" : "varied");
        Statistics.label("classes").coverage(cov -> cov.check("one image each").count(c -> c > 0));
    }

    @Example
    void sevenThousandImagesPerClassGiveSixThousandTrainAndOneThousandTest() {
        FashionNpm.ClassImages[] classes = new FashionNpm.ClassImages[10];
        for (int k = 0; k < 10; k++) classes[k] = new FashionNpm.ClassImages(new byte[7000 * PX], 7000, 0);
        FashionMnist.Sets sets = FashionNpm.split(classes, null);
        for (int k = 0; k < 10; k++) {
            assertEquals(6000, sets.train().classCounts()[k]);
            assertEquals(1000, sets.test().classCounts()[k]);
        }
        // class by class: the first 6000 train labels are 0, the last 1000 test labels are 9
        assertEquals(0, sets.train().label(5999));
        assertEquals(1, sets.train().label(6000));
        assertEquals(9, sets.test().label(9999));
    }

    @Example
    void aSubsetCopiesTheChosenImagesInOrder() {
        Rng rng = new Rng(3);
        FashionMnist data = FashionMnist.of(FashionFixtures.randomPixels(rng, 5), FashionFixtures.randomLabels(rng, 5));
        FashionMnist sub = data.subset(new int[] {4, 1, 4});
        assertEquals(3, sub.size());
        assertEquals(data.label(4), sub.label(0));
        assertEquals(data.pixel(1, 400), sub.pixel(1, 400));
        assertArrayEquals(data.batch(new int[] {4, 1, 4}).data, sub.batch(new int[] {0, 1, 2}).data);
    }

    @Example
    void badIndicesAndBuffersAreRejectedWithTheirSizes() {
        FashionMnist data = FashionMnist.of(new byte[2 * PX], new byte[2]);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> data.batch(new int[] {2}));
        assertTrue(e.getMessage().contains("image index 2 outside [0, 2)"), e.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> data.batchInto(new int[] {0, 1}, new float[PX]));
        assertTrue(small.getMessage().contains("x[1568]"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.of(new byte[PX], new byte[] {10}));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.of(new byte[PX + 1], new byte[1]));
    }

    @Example
    void theClassNamesAreTheStandardOnes() {
        assertEquals("T-shirt/top", FashionMnist.className(0));
        assertEquals("Sneaker", FashionMnist.className(7));
        assertEquals("Ankle boot", FashionMnist.className(9));
    }
}
