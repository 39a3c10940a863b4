package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class GaussianKlProperties {

    /** Inputs at least this far from 0 (in μ or in logVar) must give a strictly positive KL. */
    private static final float AWAY_FROM_ZERO = 1e-3f;

    /** Latent means: mostly moderate, often tiny, sometimes up to ±1e3 (the range ends are edge cases). */
    @Provide
    Arbitrary<Float> latentMeans() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.floats().between(-1e3f, 1e3f).ofScale(4)),
                Tuple.of(2, Arbitraries.floats().between(-5f, 5f).ofScale(4)),
                Tuple.of(1, Arbitraries.floats().between(-1e-2f, 1e-2f).ofScale(6)));
    }

    /** Log-variances in [−30, 30]: posterior σ from 3e−7 to 3e6, with tiny values near 0 too. */
    @Provide
    Arbitrary<Float> logVariances() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.floats().between(-30f, 30f).ofScale(4)),
                Tuple.of(1, Arbitraries.floats().between(-1e-2f, 1e-2f).ofScale(6)));
    }

    @Property(tries = 300)
    @Label("KL is never negative and always finite, for |μ| up to 1e3 and logVar in [−30, 30]")
    void klIsNeverNegative(@ForAll("latentMeans") float mu, @ForAll("logVariances") float logVar) {
        Statistics.label("mu").collect(Math.abs(mu) >= 100 ? "|μ| ≥ 100" : Math.abs(mu) < 1e-2 ? "tiny" : "moderate")
                .coverage(c -> {
                    c.check("|μ| ≥ 100").count(n -> n > 0);
                    c.check("tiny").count(n -> n > 0);
                });
        Statistics.label("logVar").collect(logVar <= -20 ? "≤ −20" : logVar >= 20 ? "≥ 20" : "between")
                .coverage(c -> {
                    c.check("≤ −20").count(n -> n > 0);
                    c.check("≥ 20").count(n -> n > 0);
                });
        float kl = klOf(mu, logVar);
        assertTrue(kl >= 0f && Float.isFinite(kl), "KL(" + mu + ", " + logVar + ") = " + kl);
    }

    @Property(tries = 300)
    @Label("KL is strictly positive whenever μ or logVar is more than 1e-3 away from 0")
    void klIsPositiveAwayFromTheStandardNormal(@ForAll("latentMeans") float mu, @ForAll("logVariances") float logVar) {
        boolean away = Math.abs(mu) > AWAY_FROM_ZERO || Math.abs(logVar) > AWAY_FROM_ZERO;
        Statistics.label("position").collect(away ? "away" : "near")
                .coverage(c -> c.check("near").count(n -> n > 0));
        float kl = klOf(mu, logVar);
        if (away) {
            assertTrue(kl > 0f, "KL(" + mu + ", " + logVar + ") = " + kl);
        } else {
            // ½μ² + ½(e^lv − 1 − lv) ≤ ½a² + ½·(a²/2)(1 + a) < a² for |μ|, |lv| ≤ a = 1e-3
            assertTrue(kl >= 0f && kl < AWAY_FROM_ZERO * AWAY_FROM_ZERO, "KL(" + mu + ", " + logVar + ") = " + kl);
        }
    }

    @Example
    void klIsExactlyZeroAtTheStandardNormal() {
        assertEquals(0f, klOf(0f, 0f));
    }

    @Example
    void klMatchesTheClosedFormAtTheRangeEnds() {
        // ½(μ² + e^lv − 1 − lv): μ = 1e3, lv = −30 → ½(1e6 − 1 + 30 + e^−30)
        assertEquals(0.5 * (1e6 - 1 + 30 + Math.exp(-30)), klOf(1e3f, -30f), Tolerances.F32_REL * 5e5);
        assertEquals(0.5 * (Math.exp(30) - 1 - 30), klOf(0f, 30f), Tolerances.F32_REL * Math.exp(30));
    }

    @Property(tries = 40)
    @Label("GaussianKl backward matches central differences for μ and logVar")
    void backwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 4) int batch,
                                           @ForAll @IntRange(min = 1, max = 6) int dims,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor mu = LossCases.gaussian(rng, 2.0, batch, dims);
        Tensor logVar = LossCases.gaussian(rng, 2.0, batch, dims);
        float[] r = new float[batch * dims];
        rng.fillGaussian(r, r.length);
        GaussianKl kl = new GaussianKl();
        kl.forward(mu, logVar);
        GaussianKl.Grads g = kl.backward(Tensor.of(r.clone(), batch, dims));
        GradCheck.check("gaussian_kl ∂/∂mu", mu.data, g.dMu().data,
                () -> GradCheck.dot(r, kl.forward(mu, logVar).data), rng);
        GradCheck.check("gaussian_kl ∂/∂logVar", logVar.data, g.dLogVar().data,
                () -> GradCheck.dot(r, kl.forward(mu, logVar).data), rng);
    }

    private static float klOf(float mu, float logVar) {
        return new GaussianKl().forward(Tensor.of(new float[] {mu}, 1, 1), Tensor.of(new float[] {logVar}, 1, 1)).data[0];
    }
}
