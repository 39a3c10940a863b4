package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lesson's measurements against values worked out by hand. */
class MeasuresTest {
    static final int P = FashionMnist.PIXELS, SIDE = FashionMnist.SIDE;

    @Test
    void totalVariationOfAVerticalEdgeIsOneStepPerRowOverAllPairs() {
        float[] img = new float[P];                                       // left half 0, right half 1
        for (int r = 0; r < SIDE; r++) for (int c = SIDE / 2; c < SIDE; c++) img[r * SIDE + c] = 1f;
        // 28 horizontal steps of 1 over 2·28·27 = 1512 neighbouring pairs
        assertEquals(28.0 / 1512, Measures.meanTotalVariation(img, 1), Tolerances.F32);
        float[] two = new float[2 * P];                                   // a flat image halves it
        System.arraycopy(img, 0, two, 0, P);
        assertEquals(28.0 / 3024, Measures.meanTotalVariation(two, 2), Tolerances.F32);
    }

    @Test
    void priorMassInsideOneAndTwoSigmaIsTheChiSquaredTwoCdf() {
        assertEquals(0.393469, Measures.priorMassInside(1), 1e-6);      // 1 − e^(−1/2)
        assertEquals(0.864665, Measures.priorMassInside(2), 1e-6);      // 1 − e^(−2)
    }

    @Test
    void klPerDimensionAveragesTheClosedFormOverCodes() {
        // the T-shirt (μ = [−1.2, 0.8], σ = [0.3, 0.4]) and the prior itself (KL 0)
        float[] mu = {-1.2f, 0.8f, 0f, 0f}, sigma = {0.3f, 0.4f, 1f, 1f};
        double[] kl = Measures.klPerDimension(mu, sigma, 2);
        assertArrayEquals(new double[] {1.468973 / 2, 0.816291 / 2}, kl, 1e-5);
        assertEquals(1, Measures.activeDimensions(new double[] {0.5, 0.009, 0.01}, 0.01), "strictly above");
    }

    @Test
    void shareOutsideCountsPointsStrictlyBeyondTheRadius() {
        float[] xy = {0, 0, 2, 0, 1.5f, 1.5f, 0, -3, 4, 4};             // |·| = 0, 2, 2.12, 3, 5.66
        assertEquals(0.6, Measures.shareOutside(xy, 2), 1e-12);
        assertEquals(0, Measures.shareOutside(new float[0], 2), 0, "no points, no share");
    }

    @Test
    void nearestDistanceIsTheRmsToTheClosestReference() {
        float[] a = new float[P], refs = new float[2 * P];
        java.util.Arrays.fill(a, 0.5f);
        java.util.Arrays.fill(refs, P, 2 * P, 0.4f);                      // ref 0 all 0, ref 1 all 0.4
        assertEquals(0.1, Measures.meanNearestDistance(a, 1, refs), Tolerances.F32);
        float[] two = new float[2 * P];                                   // image 0 all 0.5, image 1 all 0.1
        java.util.Arrays.fill(two, 0, P, 0.5f);
        java.util.Arrays.fill(two, P, 2 * P, 0.1f);
        assertEquals((0.1 + 0.1) / 2, Measures.meanNearestDistance(two, 2, refs), Tolerances.F32);
        float[] far = two.clone();
        java.util.Arrays.fill(far, P, 2 * P, 1f);                         // image 1 now 0.6 from ref 1
        assertEquals((0.1 + 0.6) / 2, Measures.meanNearestDistance(far, 2, refs), Tolerances.F32);
    }

    @Test
    void totalVariationAveragesOverImagesAndSeesEachImagesOwnPixels() {
        float[] two = new float[2 * P];                                   // image 0 flat, image 1 one bright pixel
        two[P + 5 * SIDE + 7] = 1f;                                       // inside: 4 neighbours differ by 1
        assertEquals(4.0 / 3024, Measures.meanTotalVariation(two, 2), Tolerances.F32);
        two[P + SIDE - 1] = 1f;                                           // on the top-right corner: 2 more
        assertEquals(6.0 / 3024, Measures.meanTotalVariation(two, 2), Tolerances.F32);
    }

    @Test
    void meanPixelAndTheMonotoneChecks() {
        assertEquals(0.25, Measures.meanPixel(new float[] {0, 0.5f, 0.5f, 0}), 1e-12);
        assertEquals(Double.NaN, Measures.meanPixel(new float[0]));
        assertEquals(true, Measures.nonIncreasing(new double[] {3, 3, 1}));
        assertEquals(false, Measures.nonIncreasing(new double[] {3, 1, 2}));
        assertEquals(true, Measures.nonDecreasing(new double[] {1, 1, 2}));
        assertEquals(false, Measures.nonDecreasing(new double[] {1, 2, 1.5}));
        assertEquals(false, Measures.nonDecreasing(new double[] {2, 1}));
        assertEquals(false, Measures.nonIncreasing(new double[] {1, 2}));
    }

    @Test
    void rangeQuantileAndMedianOfKnownArrays() {
        assertArrayEquals(new double[] {-1, 3, -2, 5}, Measures.range(new float[] {3, 5, -1, -2, 0, 0}), 0);
        assertEquals(4, Measures.quantileAbs(new float[] {1, -4, 2, 3}, 1), 0);
        assertEquals(2, Measures.quantileAbs(new float[] {1, -4, 2, 3}, 0.5), 0);
        assertEquals(3, Measures.median(new float[] {5, 1, 3}), 0);
    }
}
