package dev.kiln.monitor;

import dev.kiln.rand.Rng;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every monitor threshold tested at the exact value, where "<" and "≤" part ways, and the
 * estimators against independent formulas.
 */
class MonitorThresholdsTest {

    private static CollapseDetector.Config patienceOne() {
        return new CollapseDetector.Config(0.05, 0.30, 0.99, 1);
    }

    @Test
    void collapseThresholdsAreStrictForKlAndAccuracyAndInclusiveForMajorityShare() {
        CollapseDetector d = new CollapseDetector(patienceOne());
        // Exactly at each threshold: KL 0.05 and accuracy 0.30 are healthy (< is strict); share 0.99 is not (≥).
        List<CollapseDetector.Warning> atThresholds = d.observe(new CollapseDetector.Evaluation(0.05, 0.30, 0.99));
        assertEquals(List.of(CollapseDetector.Kind.MAJORITY_SHARE_HIGH),
                atThresholds.stream().map(CollapseDetector.Warning::kind).toList());
        CollapseDetector.Warning w = atThresholds.get(0);
        assertEquals(1, w.consecutive());
        assertEquals(0.99, w.value());
        assertEquals(0.99, w.threshold());
        List<CollapseDetector.Warning> justBelow = d.observe(new CollapseDetector.Evaluation(
                Math.nextDown(0.05), Math.nextDown(0.30), Math.nextDown(0.99)));
        assertEquals(List.of(CollapseDetector.Kind.KL_COLLAPSE, CollapseDetector.Kind.NON_MAJORITY_ACCURACY_LOW),
                justBelow.stream().map(CollapseDetector.Warning::kind).toList());
    }

    @Test
    void warningsNameTheSymptomValueThresholdAndStreak() {
        CollapseDetector d = new CollapseDetector(new CollapseDetector.Config(0.05, 0.30, 0.99, 2));
        d.observe(new CollapseDetector.Evaluation(0.012, 0.25, 1.0));
        List<CollapseDetector.Warning> w = d.observe(new CollapseDetector.Evaluation(0.012, 0.25, 1.0));
        assertEquals("kl_collapse: KL/dim 0.012 < 0.05 nats/dim for 2 evaluations", w.get(0).message());
        assertEquals("non_majority_accuracy_low: non-majority accuracy 25% < 30% for 2 evaluations", w.get(1).message());
        assertEquals("majority_share_high: majority-class share of predictions 100% ≥ 99% for 2 evaluations",
                w.get(2).message());
        assertEquals(2, d.streak(CollapseDetector.Kind.MAJORITY_SHARE_HIGH));
        assertEquals("majority_share_high: majority-class share of predictions 99.5% ≥ 99% for 1 evaluations",
                new CollapseDetector.Warning(CollapseDetector.Kind.MAJORITY_SHARE_HIGH, 1, 0.995, 0.99).message());
        assertArrayEquals(new int[] {2, 2, 2}, d.saveState());
    }

    @Test
    void collapseConfigIsValidatedAtItsBounds() {
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(-1e-9, 0.3, 0.99, 3));
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(Double.POSITIVE_INFINITY, 0.3, 0.99, 3));
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(0, 1.01, 0.99, 3));
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(0, -0.01, 0.99, 3));
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(0, 0.3, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(0, 0.3, 1.01, 3));
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(0, 0.3, 0.99, 0));
        new CollapseDetector.Config(0, 0, 1, 1);                       // every bound itself is allowed
        new CollapseDetector.Config(0, 1, 1e-9, 1);
        CollapseDetector.Config defaults = CollapseDetector.Config.defaults();
        CollapseDetector d = new CollapseDetector(defaults);
        assertSame(defaults, d.config());
        assertThrows(IllegalArgumentException.class, () -> d.restoreState(new int[] {0, -1, 0}));
        assertThrows(IllegalArgumentException.class, () -> d.restoreState(new int[] {0, 0}));
        d.restoreState(new int[] {0, 0, 0});
    }

    @Test
    void lossShareBandsIncludeBothEnds() {
        LossShares.Band band = new LossShares.Band(25, 50);
        // total 4: shares 25 % and 50 % sit exactly on the ends of the band, 25 % on the other term.
        List<LossShares.Share> s = LossShares.of(List.of(
                new LossShares.Term("low", 1, 1, band), new LossShares.Term("high", 2, 1, band),
                new LossShares.Term("rest", 0.5, 2)));
        assertEquals(25, s.get(0).sharePct(), 1e-12);
        assertEquals(LossShares.Health.IN_BAND, s.get(0).health());
        assertEquals(50, s.get(1).sharePct(), 1e-12);
        assertEquals(LossShares.Health.IN_BAND, s.get(1).health());
        assertEquals(LossShares.Health.NO_BAND, s.get(2).health());
        assertEquals(1.0, s.get(2).weighted());
        assertEquals("rest", s.get(2).name());
        List<LossShares.Share> out = LossShares.of(List.of(
                new LossShares.Term("below", 1, 1, new LossShares.Band(26, 50)),
                new LossShares.Term("above", 3, 1, new LossShares.Band(0, 74.9))));
        assertEquals(LossShares.Health.BELOW_BAND, out.get(0).health());
        assertEquals(LossShares.Health.ABOVE_BAND, out.get(1).health());
        assertEquals(4, LossShares.total(List.of(new LossShares.Term("a", 1, 1), new LossShares.Term("b", 1.5, 2))));
        new LossShares.Band(0, 0);                                      // a degenerate band is allowed
        new LossShares.Band(100, 100);
        assertThrows(IllegalArgumentException.class, () -> new LossShares.Band(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new LossShares.Band(10, 5));
        assertThrows(IllegalArgumentException.class, () -> new LossShares.Band(10, 100.5));
        new LossShares.Term("zero", 0, 5);                               // 0 × w is ≥ 0
        assertThrows(IllegalArgumentException.class, () -> new LossShares.Term(" ", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LossShares.Term("nan", Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new LossShares.Term("inf", 1, Double.POSITIVE_INFINITY));
    }

    @Test
    void activeUnitsUsePopulationVarianceAndAStrictThreshold() {
        // Column 0: values ±0.1f → mean 0, variance 0.1f²: exactly the threshold given, so inactive.
        // Column 1: values 1, 3 → variance 1: active. Column 2: constant 5: variance 0.
        float[] mu = {0.1f, 1, 5, -0.1f, 3, 5};
        ActiveUnits exact = ActiveUnits.of(mu, 2, 3, (double) 0.1f * 0.1f);
        assertArrayEquals(new boolean[] {false, true, false}, exact.active());
        assertEquals(1, exact.count());
        assertEquals((double) 0.1f * 0.1f, exact.variance()[0], 1e-15);
        assertEquals(1, exact.variance()[1], 1e-12);
        assertEquals(0, exact.variance()[2], 1e-12);
        ActiveUnits defaults = ActiveUnits.of(mu, 2, 3);
        assertEquals(ActiveUnits.DEFAULT_THRESHOLD, defaults.threshold());
        assertArrayEquals(new boolean[] {true, true, false}, ActiveUnits.of(mu, 2, 3, Math.nextDown((double) 0.1f * 0.1f)).active());
        assertEquals(2, ActiveUnits.of(mu, 2, 3, 0).count());            // threshold 0 is allowed: A_j > 0
        assertThrows(IllegalArgumentException.class, () -> ActiveUnits.of(mu, 2, 3, -1));
        assertThrows(IllegalArgumentException.class, () -> ActiveUnits.of(mu, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> ActiveUnits.of(new float[0], 0, 3));
    }

    @Test
    void latentStatsAverageOverTheBatchAndFlagDimsStrictlyBelowTheThreshold() {
        float[] kl = {0.5f, 0.01f, 0.0f, 1.5f, 0.01f, 0.04f};               // [B = 2, D = 3]
        double[] perDim = LatentStats.klPerDim(kl, 2, 3);
        assertEquals(1.0, perDim[0], 1e-7);
        assertEquals(0.01, perDim[1], 1e-7);
        assertEquals(0.02, perDim[2], 1e-7);
        assertEquals((1.0 + 0.01 + 0.02) / 3, LatentStats.klPerDimMean(perDim), 1e-7);
        assertArrayEquals(new int[] {2}, LatentStats.collapsedDims(new double[] {1.0, 0.01, 0.005}, 0.01));
        assertArrayEquals(new int[] {0, 2, 1}, LatentStats.dimsByKl(perDim));
        assertArrayEquals(new double[] {0.25}, LatentStats.klPerDim(new float[] {0.25f}, 1, 1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> LatentStats.klPerDim(kl, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> LatentStats.klPerDimMean(new double[0]));
    }

    @Test
    void mutualInformationMatchesTheFullGaussianDensitiesOnTheSameDraws() {
        // N = 3, D = 2, posteriors of different widths: the log-variance terms do not cancel.
        float[] mu = {0f, 1f, 0.5f, -1f, 2f, 0f};
        float[] logVar = {-2f, 0f, 0.5f, -1f, 1f, -0.5f};
        int n = 3, dims = 2, samples = 4;
        double estimate = MutualInformation.estimate(mu, logVar, n, dims, samples, new Rng(11));
        Rng rng = new Rng(11);                                            // the same draws, in the same order
        double acc = 0;
        for (int own = 0; own < n; own++) {
            for (int s = 0; s < samples; s++) {
                double[] z = new double[dims];
                for (int j = 0; j < dims; j++) {
                    z[j] = mu[own * dims + j] + Math.sqrt(Math.exp(logVar[own * dims + j])) * rng.nextGaussian();
                }
                double aggregate = 0;
                for (int i = 0; i < n; i++) aggregate += density(z, mu, logVar, i, dims) / n;
                acc += Math.log(density(z, mu, logVar, own, dims)) - Math.log(aggregate);
            }
        }
        assertEquals(acc / (n * samples), estimate, Tolerances.F32 * (1 + Math.abs(estimate)));
        assertTrue(estimate > 0 && estimate <= Math.log(n), "Î = " + estimate);
        assertThrows(IllegalArgumentException.class, () -> MutualInformation.estimate(mu, logVar, n, dims, 0, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> MutualInformation.estimate(mu, logVar, 2, dims, 1, new Rng(1)));
    }

    /** q(z | x_i) = Π_j N(z_j; μ_ij, σ²_ij), the full density with its 2π. */
    private static double density(double[] z, float[] mu, float[] logVar, int i, int dims) {
        double p = 1;
        for (int j = 0; j < dims; j++) {
            double var = Math.exp(logVar[i * dims + j]);
            double d = z[j] - mu[i * dims + j];
            p *= Math.exp(-d * d / (2 * var)) / Math.sqrt(2 * Math.PI * var);
        }
        return p;
    }

    @Test
    void confusionMatrixChecksEveryLabelAtItsBoundsAndFormatsItsTable() {
        ConfusionMatrix m = new ConfusionMatrix(2);
        assertEquals(2, m.classes());
        m.add(new int[] {0, 1, 1}, new int[] {0, 0, 0});
        assertEquals("true\\pred        0        1   accuracy\n"
                + "        0        1        2      33.3%\n"
                + "        1        0        0          -\n", m.format());
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {2}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {0}, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {-1}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {0}, new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> m.nonMajorityAccuracy(2));
        assertThrows(IllegalArgumentException.class, () -> m.majorityShare(2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.majorityShare(-1)).getMessage()
                .endsWith("majority class -1 is not in 0..1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {5}, new int[] {0})).getMessage()
                .endsWith("classes are 0..1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {5}, new int[] {0}, 9)).getMessage()
                .endsWith("(ignored label 9)"));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(0));
        assertEquals(1, new ConfusionMatrix(1).classes());
        m.add(new int[] {1, 7}, new int[] {-3, -3}, -3);                 // ignored label: nothing counted
        assertEquals(3, m.total());
        assertEquals(0, m.majorityClassByTruth());

        ConfusionMatrix other = new ConfusionMatrix(2).add(new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1});
        assertEquals(1, other.majorityClassByTruth());
        assertSame(m, m.addAll(other));                                   // now 3 true 0s, 4 true 1s
        assertEquals(7, m.total());
        assertEquals(4, m.count(1, 1));
        assertEquals(1, m.majorityClassByTruth());
        assertEquals(1.0 / 3, m.nonMajorityAccuracy(1), 1e-12);
        assertEquals(6.0 / 7, m.majorityShare(1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> m.addAll(new ConfusionMatrix(3)));
        ConfusionMatrix tie = new ConfusionMatrix(3).add(new int[] {0, 0}, new int[] {1, 2});
        assertEquals(1, tie.majorityClassByTruth(), "ties go to the smallest id");
    }

    @Test
    void nonFiniteInputsAreRefusedByEveryEstimator() {
        float[] bad = {0.1f, Float.NaN, 0.2f, 0.3f};
        assertThrows(dev.kiln.tensor.NonFiniteException.class, () -> ActiveUnits.of(bad, 2, 2));
        assertThrows(dev.kiln.tensor.NonFiniteException.class, () -> LatentStats.klPerDim(bad, 2, 2));
        float[] good = {0.1f, 0.4f, 0.2f, 0.3f};
        assertThrows(dev.kiln.tensor.NonFiniteException.class, () -> MutualInformation.estimate(bad, good, 2, 2, 1, new Rng(1)));
        assertThrows(dev.kiln.tensor.NonFiniteException.class, () -> MutualInformation.estimate(good, bad, 2, 2, 1, new Rng(1)));
        assertEquals(0.0, MutualInformation.estimate(new float[] {0.5f}, new float[] {0.2f}, 1, 1, 1, new Rng(1)), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> LatentStats.klPerDim(new float[0], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> LatentStats.klPerDim(new float[0], 1, 0));
        new LossShares.Term("unused", -1, 0);                             // −1 × 0 = −0: nothing is negative
    }
}
