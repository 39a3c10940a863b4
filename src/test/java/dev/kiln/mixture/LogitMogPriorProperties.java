package dev.kiln.mixture;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class LogitMogPriorProperties {

    /** M from barely separated (0.5) to well separated (6). */
    @Provide
    Arbitrary<Double> separations() {
        return Arbitraries.doubles().between(0.5, 6).ofScale(2);
    }

    /** σ from sharp (0.5) to wide (2). */
    @Provide
    Arbitrary<Double> sigmas() {
        return Arbitraries.doubles().between(0.5, 2).ofScale(2);
    }

    /** Logits as the penalty sees them: exactly at 0 … ±1e4, with zeros and the extremes as edge cases. */
    @Provide
    Arbitrary<Float> extremeLogits() {
        return Arbitraries.of(0f, 1e-4f, -1e-4f, 1f, -1f, 6f, -6f, 1e2f, -1e2f, 1e4f, -1e4f);
    }

    /** −log of the uniform mixture of N(y_A; M·e_k, σ²I) over the open pots, straight from the densities, in double. */
    static double direct(float[] y, int row, boolean[] open, double m, double sigma) {
        int n = Pots.count(open);
        double var = sigma * sigma;
        double[] logTerms = new double[open.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < open.length; k++) {
            if (!open[k]) continue;
            double sq = 0;
            for (int j = 0; j < open.length; j++) {
                if (!open[j]) continue;
                double d = y[row + j] - (j == k ? m : 0);
                sq += d * d;
            }
            logTerms[k] = -Math.log(n) - 0.5 * n * Math.log(2 * Math.PI * var) - sq / (2 * var);
            max = Math.max(max, logTerms[k]);
        }
        double acc = 0;
        for (int k = 0; k < open.length; k++) if (open[k]) acc += Math.exp(logTerms[k] - max);
        return -(max + Math.log(acc));
    }

    @Property(tries = 60)
    @Label("The penalty's gradient matches central differences, for every mask and batch size")
    void penaltyGradientMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 4) int batch,
                                                  @ForAll @IntRange(min = 1, max = 6) int pots,
                                                  @ForAll("separations") double m, @ForAll("sigmas") double sigma,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        // The component posterior turns over within Δy ≈ σ²/M; a central-difference step
        // (h·max(1, |y|), |y| ≤ M + 1) must stay well inside that, or the difference quotient
        // itself is off by more than the tolerance. Sharper priors are held to the double closed
        // form instead (atSmallSigmaTheGradientIsTheDoubleClosedForm).
        Assume.that(Tolerances.FD_STEP * (m + 1) * m / (sigma * sigma) < 0.3);
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        Statistics.label("mask").collect(MixtureCases.maskLabel(open))
                .coverage(c -> {
                    c.check("one open").count(n -> n > 0);
                    c.check("some closed").count(n -> n > 0);
                });
        Tensor y = MixtureCases.uniform(rng, -2f, (float) m + 1f, batch, pots);
        double lambda = 0.5 + rng.nextDouble();
        LogitMogPrior prior = new LogitMogPrior(m, sigma);
        prior.forward(y, open);
        float[] analytic = prior.backward(lambda).data;
        GradCheck.check("logit_mog M=" + m + " σ=" + sigma, y.data, analytic,
                () -> lambda * prior.forward(y, open), rng);
    }

    @Property(tries = 60)
    @Label("The closed form equals the mixture density computed term by term")
    void closedFormEqualsTheMixtureDensity(@ForAll @IntRange(min = 1, max = 6) int pots,
                                           @ForAll("separations") double m, @ForAll("sigmas") double sigma,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        Tensor y = MixtureCases.uniform(rng, -8f, 8f, 3, pots);
        double[] got = new LogitMogPrior(m, sigma).negLogDensity(y, open);
        for (int b = 0; b < 3; b++) {
            double want = direct(y.data, b * pots, open, m, sigma);
            assertEquals(want, got[b], Tolerances.F32_REL * Math.max(1, Math.abs(want)), "sample " + b);
        }
    }

    @Property(tries = 60)
    @Label("A closed pot's logit changes neither the penalty nor anything's gradient, and gets exactly zero")
    void closedPotsAreInvisibleToThePenalty(@ForAll @IntRange(min = 2, max = 6) int pots,
                                            @ForAll("extremeLogits") float closedValue,
                                            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        open[(int) Math.floorMod(seed + 1, (long) pots)] = false;
        if (Pots.count(open) == 0) open[(int) Math.floorMod(seed, (long) pots)] = true;
        Tensor y = MixtureCases.uniform(rng, -3f, 7f, 4, pots);
        Tensor changed = y.copy();
        for (int b = 0; b < 4; b++) {
            for (int k = 0; k < pots; k++) if (!open[k]) changed.data[b * pots + k] = closedValue;
        }
        LogitMogPrior prior = new LogitMogPrior(5, 1);
        double before = prior.forward(y, open);
        float[] gradBefore = prior.backward(1).data;
        double after = prior.forward(changed, open);
        float[] gradAfter = prior.backward(1).data;
        assertEquals(before, after, 0.0, "the penalty read a closed logit");
        for (int i = 0; i < gradBefore.length; i++) {
            assertEquals(gradBefore[i], gradAfter[i], 0.0f, "gradient " + i);
            if (!open[i % pots]) assertTrue(gradAfter[i] == 0f, "closed pot " + i % pots + " got " + gradAfter[i]);
        }
    }

    @Property(tries = 200)
    @Label("The penalty and its gradient are finite with any mask, one open pot included, and logits up to ±1e4")
    void penaltyIsFiniteWithAnyMaskAndExtremeLogits(@ForAll @IntRange(min = 1, max = 6) int pots,
                                                    @ForAll("extremeLogits") float a, @ForAll("extremeLogits") float b,
                                                    @ForAll("separations") double m, @ForAll("sigmas") double sigma,
                                                    @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        Statistics.label("mask").collect(MixtureCases.maskLabel(open))
                .coverage(c -> c.check("one open").count(n -> n > 0));
        Statistics.label("extreme").collect(Math.abs(a) == 1e4f || Math.abs(b) == 1e4f ? "±1e4" : "moderate")
                .coverage(c -> c.check("±1e4").count(n -> n > 0));
        Tensor y = Tensor.zeros(2, pots);
        for (int i = 0; i < y.size(); i++) y.data[i] = i % 2 == 0 ? a : b;
        LogitMogPrior prior = new LogitMogPrior(m, sigma);
        double value = prior.forward(y, open);
        assertTrue(Double.isFinite(value), "penalty " + value);
        for (float g : prior.backward(1).data) assertTrue(Float.isFinite(g), "gradient " + g);
    }

    @Example
    void oneOpenPotIsAGaussianAroundM() {
        // n = 1: −log N(y_k; M, σ²) = ½·log(2πσ²) + (y_k − M)²/(2σ²), whatever the closed logits hold
        Tensor y = Tensor.of(new float[] {1e4f, 4f, -1e4f}, 1, 3);
        double m = 6, sigma = 0.5;
        double got = new LogitMogPrior(m, sigma).forward(y, new boolean[] {false, true, false});
        double want = 0.5 * Math.log(2 * Math.PI * sigma * sigma) + (4 - m) * (4 - m) / (2 * sigma * sigma);
        assertEquals(want, got, Tolerances.F32);
    }

    @Example
    void atAModeTheGradientVanishes() {
        // y = M·e_0 with every other open logit 0: s ≈ e_0, so (y − M·s)/σ² ≈ 0
        Tensor y = Tensor.of(new float[] {8f, 0f, 0f}, 1, 3);
        LogitMogPrior prior = new LogitMogPrior(8, 1);
        prior.forward(y, new boolean[] {true, true, true});
        for (float g : prior.backward(1).data) assertEquals(0, g, Tolerances.F32);
    }

    @Example
    void peakinessGrowsWithSeparation() {
        double previous = 0;
        for (double m : new double[] {0.5, 2, 4, 8}) {
            LogitMogPrior.Peakiness p = new LogitMogPrior(m, 1).priorPeakiness(10, 4000, new Rng(3));
            assertTrue(p.meanMaxResponsibility() > previous, "M = " + m + ": " + p);
            assertTrue(p.meanEntropy() >= 0 && p.meanEntropy() <= Math.log(10) + 1e-9, p.toString());
            previous = p.meanMaxResponsibility();
        }
        assertTrue(previous > 0.9, "M = 8, σ = 1 should be nearly one-hot: " + previous);
    }

    @Example
    void aMaskWithNoOpenPotAndNonFiniteLogitsAreRefusedByName() {
        LogitMogPrior prior = new LogitMogPrior(5, 1);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> prior.forward(Tensor.zeros(1, 2), new boolean[] {false, false}));
        assertTrue(none.getMessage().startsWith("logit_mog"), none.getMessage());
        NonFiniteException nan = assertThrows(NonFiniteException.class,
                () -> prior.forward(Tensor.of(new float[] {Float.NaN, 0f}, 1, 2), new boolean[] {true, true}));
        assertTrue(nan.getMessage().startsWith("logit_mog: logits[0, 0] is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LogitMogPrior(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LogitMogPrior(1, Double.NaN));
    }

    @Property(tries = 200)
    @Label("At small σ the gradient is the closed form (y_j − M·s_j)/σ² in double, to float rounding of the result")
    void atSmallSigmaTheGradientIsTheDoubleClosedForm(@ForAll @IntRange(min = 1, max = 4) int batch,
                                                      @ForAll @IntRange(min = 2, max = 6) int pots,
                                                      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        double m = 1 + 5 * rng.nextDouble();
        double sigma = Math.pow(10, -3 + 2 * rng.nextDouble());                // [1e-3, 1e-1]
        double var = sigma * sigma;
        boolean[] open = new boolean[pots];
        for (int k = 0; k < pots; k++) open[k] = k == 0 || rng.nextDouble() < 0.7;
        Tensor y = Tensor.zeros(batch, pots);                                   // [B, K]
        int[] openPots = Pots.list(open);
        for (int b = 0; b < batch; b++) {
            int mode = openPots[rng.nextInt(openPots.length)];
            for (int k = 0; k < pots; k++) {
                y.data[b * pots + k] = (float) ((k == mode ? m : 0) + 2 * sigma * rng.nextGaussian());
            }
            // a second open pot within a few units of a = M·y/σ² of the first: s is far from one-hot
            // there, which is where rounding a to float would show
            int rival = openPots[rng.nextInt(openPots.length)];
            if (rival != mode) y.data[b * pots + rival] = (float) (y.data[b * pots + mode] + rng.nextGaussian() * var / m);
        }
        LogitMogPrior prior = new LogitMogPrior(m, sigma);
        prior.forward(y, open);
        float[] dy = prior.backward(1).data;
        assertEquals(batch * pots, dy.length);
        for (int b = 0; b < batch; b++) {
            double[] ref = new double[pots];
            double rowMax = 0;
            for (int j = 0; j < pots; j++) {
                if (!open[j]) continue;
                double inv = 0;                                                 // 1/s_j = Σ_i exp(a_i − a_j)
                for (int i = 0; i < pots; i++) {
                    if (open[i]) inv += Math.exp(m * ((double) y.data[b * pots + i] - y.data[b * pots + j]) / var);
                }
                ref[j] = (y.data[b * pots + j] - m / inv) / var / batch;
                rowMax = Math.max(rowMax, Math.abs(ref[j]));
            }
            for (int j = 0; j < pots; j++) {
                assertEquals(ref[j], dy[b * pots + j], Tolerances.F32 * rowMax + Float.MIN_NORMAL,
                        "∂penalty/∂y[" + b + ", " + j + "] at σ = " + sigma);
            }
        }
    }
}
