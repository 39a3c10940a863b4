package dev.kiln.monitor;

import dev.kiln.rand.Rng;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatentStatsProperties {

    // ------------------------------------------------------------------ KL per dimension

    @Example
    void klPerDimIsTheColumnMeanAndCollapsedDimsAreThoseUnderTheThreshold() {
        float[] kl = {0.5f, 0.001f, 0.02f,
                      0.3f, 0.003f, 0.00f};                             // [B=2, D=3]
        double[] perDim = LatentStats.klPerDim(kl, 2, 3);
        assertArrayEquals(new double[] {0.4, 0.002, 0.01}, perDim, 1e-7);
        assertEquals((0.4 + 0.002 + 0.01) / 3, LatentStats.klPerDimMean(perDim), 1e-7);
        assertArrayEquals(new int[] {1, 2}, LatentStats.collapsedDims(perDim, 0.0100001));
        assertArrayEquals(new int[] {1}, LatentStats.collapsedDims(perDim, LatentStats.DEFAULT_COLLAPSED_KL - 1e-6));
        assertArrayEquals(new int[] {0, 2, 1}, LatentStats.dimsByKl(perDim));
    }

    // ------------------------------------------------------------------ active units

    @Example
    void aConstantMeanIsInactiveAndASpreadOneIsActive() {
        float[] mu = {0.3f, -1f, 0.3f, 1f, 0.3f, -1f, 0.3f, 1f};      // [N=4, D=2]: dim 0 constant, dim 1 ±1
        ActiveUnits au = ActiveUnits.of(mu, 4, 2);
        assertArrayEquals(new double[] {0, 1}, au.variance(), 1e-12);
        assertArrayEquals(new boolean[] {false, true}, au.active());
        assertEquals(1, au.count());
    }

    @Example
    void theThresholdIsStrict() {
        float[] mu = {-0.1f, 0.1f};                                     // variance 0.01 exactly (in float)
        ActiveUnits au = ActiveUnits.of(mu, 2, 1, (double) 0.1f * 0.1f);
        assertEquals(0, au.count());
    }

    @Property(tries = 100)
    @Label("activity does not change when a dimension's means are shifted by a constant")
    void activityIsShiftInvariant(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll @IntRange(min = 1, max = 6) int dims,
                                  @ForAll("seeds") long seed) {
        Rng rng = new Rng(seed);
        float[] mu = new float[n * dims];
        for (int i = 0; i < mu.length; i++) mu[i] = (float) (rng.nextGaussian() * (i % dims == 0 ? 0.01 : 1));
        float[] shifted = mu.clone();
        for (int i = 0; i < n; i++) for (int j = 0; j < dims; j++) shifted[i * dims + j] += 3f * j;
        ActiveUnits a = ActiveUnits.of(mu, n, dims), b = ActiveUnits.of(shifted, n, dims);
        assertArrayEquals(a.variance(), b.variance(), Tolerances.F32_REL * 10);
        if (n == 1) assertEquals(0, a.count(), "one data point cannot show activity");
    }

    // ------------------------------------------------------------------ mutual information

    @Property(tries = 60)
    @Label("the MI estimate never exceeds log N")
    void miNeverExceedsLogN(@ForAll @IntRange(min = 1, max = 24) int n, @ForAll @IntRange(min = 1, max = 6) int dims,
                            @ForAll("spreads") double spread, @ForAll("seeds") long seed) {
        Rng rng = new Rng(seed);
        float[] mu = new float[n * dims], logVar = new float[n * dims];
        for (int i = 0; i < mu.length; i++) {
            mu[i] = (float) (spread * rng.nextGaussian());
            logVar[i] = (float) (-4 + 4 * rng.nextDouble());
        }
        double mi = MutualInformation.estimate(mu, logVar, n, dims, 2, new Rng(seed + 1));
        assertTrue(mi <= Math.log(n) + Tolerances.F32, "MI " + mi + " > log N = " + Math.log(n));
    }

    @Property(tries = 40)
    @Label("identical posteriors (collapse) give an MI of exactly 0")
    void identicalPosteriorsGiveZeroMi(@ForAll @IntRange(min = 1, max = 16) int n, @ForAll @IntRange(min = 1, max = 5) int dims,
                                       @ForAll("seeds") long seed) {
        Rng rng = new Rng(seed);
        float[] oneMu = new float[dims], oneLv = new float[dims];
        for (int j = 0; j < dims; j++) {
            oneMu[j] = (float) rng.nextGaussian();
            oneLv[j] = (float) rng.nextGaussian();
        }
        float[] mu = new float[n * dims], logVar = new float[n * dims];
        for (int i = 0; i < n; i++) {
            System.arraycopy(oneMu, 0, mu, i * dims, dims);
            System.arraycopy(oneLv, 0, logVar, i * dims, dims);
        }
        assertEquals(0.0, MutualInformation.estimate(mu, logVar, n, dims, 3, rng), 0.0);
    }

    @Example
    void wellSeparatedSharpPosteriorsReachLogN() {
        int n = 16, dims = 2;
        float[] mu = new float[n * dims], logVar = new float[n * dims];
        for (int i = 0; i < n; i++) {
            mu[i * dims] = 10f * i;                                     // far apart compared with σ = e^(−3)
            logVar[i * dims] = -6f;
            logVar[i * dims + 1] = -6f;
        }
        double mi = MutualInformation.estimate(mu, logVar, n, dims, 4, new Rng(7));
        assertEquals(Math.log(n), mi, 1e-6);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 1_000_000);
    }

    @Provide
    Arbitrary<Double> spreads() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 20).ofScale(2));
    }
}
