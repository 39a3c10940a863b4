package dev.kiln.mixture;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the mixture's prior reports (its peakiness, its description, its parameters) and the
 * objective's masking of closed pots, each against a value worked out independently.
 */
class PriorReportingTest {

    @Test
    void sigmaMustBePositiveAndZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LogitMogPrior(1.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new LogitMogPrior(0.0, 1.0));
        LogitMogPrior p = new LogitMogPrior(6.0, 0.5);
        assertEquals(6.0, p.separation());
        assertEquals(0.5, p.sigma());
    }

    @Test
    void theDescriptionNamesMSigmaAndTheirRatio() {
        assertEquals("logit_mog(M=6.0, σ=0.5, M/σ=12.0)", new LogitMogPrior(6.0, 0.5).describe());
    }

    @Test
    void peakinessIsTheMeanMaxResponsibilityAndEntropyOfLogitsDrawnFromThePrior() {
        double m = 2.0, sigma = 0.7;
        int pots = 3, samples = 50;
        LogitMogPrior.Peakiness got = new LogitMogPrior(m, sigma).priorPeakiness(pots, samples, new Rng(11));
        // The same draws, the softmax written the obvious way in double.
        Rng rng = new Rng(11);
        double sumMax = 0, sumEntropy = 0;
        for (int n = 0; n < samples; n++) {
            int k = rng.nextInt(pots);
            double[] y = new double[pots];
            for (int j = 0; j < pots; j++) y[j] = (float) ((j == k ? m : 0) + sigma * rng.nextGaussian());
            double z = 0;
            for (double v : y) z += Math.exp(v);
            double max = 0, h = 0;
            for (double v : y) {
                double r = Math.exp(v) / z;
                max = Math.max(max, r);
                h -= r * Math.log(r);
            }
            sumMax += max;
            sumEntropy += h;
        }
        assertEquals(sumMax / samples, got.meanMaxResponsibility(), Tolerances.FIXTURE_EXACT);
        assertEquals(sumEntropy / samples, got.meanEntropy(), Tolerances.FIXTURE_EXACT);
    }

    @Test
    void onePotIsCertainAndOneSampleIsEnough() {
        LogitMogPrior.Peakiness one = new LogitMogPrior(3.0, 1.0).priorPeakiness(1, 1, new Rng(2));
        assertEquals(1.0, one.meanMaxResponsibility(), Tolerances.FIXTURE_EXACT);
        assertEquals(0.0, one.meanEntropy(), Tolerances.FIXTURE_EXACT);
        assertThrows(IllegalArgumentException.class, () -> new LogitMogPrior(3.0, 1.0).priorPeakiness(0, 1, new Rng(2)));
        assertThrows(IllegalArgumentException.class, () -> new LogitMogPrior(3.0, 1.0).priorPeakiness(1, 0, new Rng(2)));
    }

    @Test
    void closedPotsColumnsAreZeroedAndOpenOnesCopied() {
        int batch = 2, pots = 3, dims = 2;                     // x : [B, K·D]
        float[] x = new float[batch * pots * dims];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        Tensor in = Tensor.of(x.clone(), batch, pots * dims);
        Tensor out = MixtureObjective.openColumns(in, new boolean[] {true, false, true}, dims);
        assertArrayEquals(new float[] {1, 2, 0, 0, 5, 6, 7, 8, 0, 0, 11, 12}, out.data);
        assertArrayEquals(x, in.data, "the input is not changed");
    }
}
