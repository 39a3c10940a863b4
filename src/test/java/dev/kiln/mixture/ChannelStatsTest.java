package dev.kiln.mixture;

import dev.kiln.rand.Rng;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelStatsTest {

    @Test
    void pureRelabelledPotsHaveNmiAndPurityOne() {
        int[] labels = {0, 0, 1, 1, 2, 2, 2};
        int[] chosen = {3, 3, 0, 0, 1, 1, 1};                  // a permutation of the labels
        ChannelStats.Purity p = ChannelStats.purity(chosen, labels, 4, 3);
        assertEquals(1.0, p.nmi(), Tolerances.F32);
        assertEquals(1.0, p.purity(), Tolerances.F32);
        assertArrayEquals(new int[] {1, 2, -1, 0}, p.majority());
    }

    @Test
    void potsIndependentOfTheLabelsHaveNmiZero() {
        // every pot holds every label equally often
        int[] labels = {0, 1, 0, 1, 0, 1, 0, 1};
        int[] chosen = {0, 0, 1, 1, 2, 2, 3, 3};
        ChannelStats.Purity p = ChannelStats.purity(chosen, labels, 4, 2);
        assertEquals(0.0, p.nmi(), Tolerances.F32);
        assertEquals(0.5, p.purity(), Tolerances.F32);
    }

    @Test
    void nmiMatchesAHandComputedTable() {
        // table n[k, l] = [[2, 1], [0, 1]], N = 4
        int[] chosen = {0, 0, 0, 1};
        int[] labels = {0, 0, 1, 1};
        ChannelStats.Purity p = ChannelStats.purity(chosen, labels, 2, 2);
        double n = 4;
        double mi = 2 / n * Math.log(n * 2 / (3 * 2)) + 1 / n * Math.log(n * 1 / (3 * 2)) + 1 / n * Math.log(n * 1 / (1 * 2));
        double hc = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        double hy = Math.log(2);
        assertEquals(2 * mi / (hc + hy), p.nmi(), 1e-12);
        assertEquals(0.75, p.purity(), 1e-12);
        assertEquals(2, p.table()[0][0]);
        assertEquals(1, p.table()[1][1]);
    }

    @Test
    void oneTrivialPotAgainstManyLabelsHasNmiZeroAndBothTrivialHaveOne() {
        assertEquals(0.0, ChannelStats.purity(new int[] {0, 0, 0}, new int[] {0, 1, 2}, 1, 3).nmi(), 0.0);
        assertEquals(1.0, ChannelStats.purity(new int[] {0, 0}, new int[] {1, 1}, 1, 2).nmi(), 0.0);
    }

    @Test
    void usageAndPeakinessOfUniformAndOneHotResponsibilities() {
        float[] uniform = {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};   // [2, 4]
        ChannelStats.Usage u = ChannelStats.usage(uniform, new int[] {0, 3}, 4);
        assertEquals(0.25, u.meanMaxResponsibility(), Tolerances.F32);
        assertEquals(Math.log(4), u.meanEntropy(), Tolerances.F32);
        assertArrayEquals(new double[] {0.5, 0, 0, 0.5}, u.usage(), 0.0);
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, u.softUsage(), Tolerances.F32);
        float[] hot = {0f, 1f, 0f, 1f, 0f, 0f};                                          // [2, 3]
        ChannelStats.Usage h = ChannelStats.usage(hot, new int[] {1, 0}, 3);
        assertEquals(1.0, h.meanMaxResponsibility(), 0.0);
        assertEquals(0.0, h.meanEntropy(), 0.0);
    }

    @Test
    void jarqueBeraPassesNormalCodesAndFailsUniformAndBimodalOnes() {
        Rng rng = new Rng(8);
        int n = 2000;
        float[] normal = new float[n], uniform = new float[n], bimodal = new float[n];
        for (int i = 0; i < n; i++) {
            normal[i] = (float) rng.nextGaussian();
            uniform[i] = rng.uniform(-1, 1);
            bimodal[i] = (float) ((i % 2 == 0 ? -3 : 3) + 0.3 * rng.nextGaussian());
        }
        // χ²(2) at p = 0.001 is 13.8; a normal sample of 2000 lands far below, uniform (κ = 1.8) near 120
        assertTrue(Normality.jarqueBera(normal, 0, 1, n) < 13.8, "normal");
        assertTrue(Normality.jarqueBera(uniform, 0, 1, n) > 13.8, "uniform");
        assertTrue(Normality.jarqueBera(bimodal, 0, 1, n) > 13.8, "bimodal");
        assertEquals(0.0, Normality.jarqueBera(new float[] {2, 2, 2, 2}, 0, 1, 4), 0.0);
    }

    @Test
    void theNormalityTestJudgesEachOpenPotOnItsOwnColumnsAndSkipsSmallOrClosedPots() {
        Rng rng = new Rng(9);
        int n = 1200, pots = 3, dims = 2;
        float[] mu = new float[n * pots * dims];
        int[] chosen = new int[n];
        for (int i = 0; i < n; i++) {
            chosen[i] = i < 600 ? 0 : i < 1195 ? 1 : 2;               // pot 2 explains only 5 samples
            for (int k = 0; k < pots; k++) {
                for (int d = 0; d < dims; d++) {
                    // pot 0 normal; pot 1 bimodal in its second dimension; other pots' columns uniform noise
                    double v = k == chosen[i]
                            ? (k == 1 && d == 1 ? (i % 2 == 0 ? -3 : 3) + 0.3 * rng.nextGaussian() : rng.nextGaussian())
                            : rng.uniform(-1, 1);
                    mu[(i * pots + k) * dims + d] = (float) v;
                }
            }
        }
        Normality.PotResult[] r = Normality.test(mu, chosen, new boolean[] {true, true, true}, dims, 0.01);
        assertFalse(r[0].fails(), "normal pot: " + r[0]);
        assertTrue(r[1].fails(), "bimodal pot: " + r[1]);
        assertFalse(r[2].fails());
        assertTrue(Double.isNaN(r[2].maxJb()), "5 samples are too few to test");
        assertTrue(Normality.anyFails(r));
        Normality.PotResult[] closed = Normality.test(mu, chosen, new boolean[] {true, false, true}, dims, 0.01);
        assertFalse(closed[1].fails());
        assertTrue(Double.isNaN(closed[1].maxJb()));
    }
}
