package dev.kiln.freebits;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreeBitsProperties {

    /** A [B, D] matrix of per-element KL (nats, ≥ 0). */
    record KlBatch(float[] kl, int batch, int dims) {}

    // ------------------------------------------------------------------ value properties

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 300)
    @Label("kl_after never exceeds kl_raw, and the reduction lies in [0, 100] %")
    void klAfterNeverExceedsKlRaw(@ForAll FreeBitsMode mode, @ForAll("klBatches") KlBatch k,
                                  @ForAll("lambdas") double lambda) {
        Statistics.label("shape").collect(k.batch() == 1 ? "B = 1" : k.dims() == 1 ? "D = 1" : "general");
        Statistics.label("shape").coverage(c -> {
            c.check("B = 1").count(n -> n > 0);
            c.check("D = 1").count(n -> n > 0);
        });
        FreeBitsResult r = new FreeBits(mode, lambda).apply(k.kl(), k.batch(), k.dims());
        assertTrue(r.klAfter() <= r.klRaw(), r.klAfter() + " > " + r.klRaw());
        assertTrue(r.klAfter() >= 0);
        double pct = r.diagnostics().penaltyReductionPct();
        assertTrue(pct >= 0 && pct <= 100, "reduction " + pct);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 300)
    @Label("kl_after never increases as lambda grows")
    void klAfterIsNonIncreasingInLambda(@ForAll FreeBitsMode mode, @ForAll("klBatches") KlBatch k,
                                        @ForAll("lambdas") double a, @ForAll("lambdas") double b) {
        double small = Math.min(a, b), large = Math.max(a, b);
        double afterSmall = new FreeBits(mode, small).apply(k.kl(), k.batch(), k.dims()).klAfter();
        double afterLarge = new FreeBits(mode, large).apply(k.kl(), k.batch(), k.dims()).klAfter();
        assertTrue(afterLarge <= afterSmall, "λ " + small + " → " + afterSmall + ", λ " + large + " → " + afterLarge);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 200)
    @Label("lambda = 0 is the identity: kl_after = kl_raw and every element gets gradient 1/(B·D)")
    void zeroLambdaIsTheIdentity(@ForAll FreeBitsMode mode, @ForAll("klBatches") KlBatch k) {
        FreeBitsResult r = new FreeBits(mode, 0).apply(k.kl(), k.batch(), k.dims());
        assertEquals(r.klRaw(), r.klAfter(), Tolerances.F32 * Math.max(1, r.klRaw()));
        double mean = 0;
        for (float v : k.kl()) mean += v;
        mean /= k.kl().length;
        assertEquals(mean, r.klRaw(), Tolerances.F32 * Math.max(1, mean));
        float g = (float) (1.0 / (k.batch() * k.dims()));
        for (int i = 0; i < r.gradient().length; i++) assertEquals(g, r.gradient()[i], "element " + i);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 300)
    @Label("the gradient mask is exactly the clamp: 1/(B·D) where the element's unit is at least lambda, 0 below")
    void gradientMaskMatchesTheClamp(@ForAll FreeBitsMode mode, @ForAll("klBatches") KlBatch k,
                                     @ForAll("lambdas") double lambda) {
        FreeBitsResult r = new FreeBits(mode, lambda).apply(k.kl(), k.batch(), k.dims());
        float g = (float) (1.0 / (k.batch() * k.dims()));
        int passed = 0;
        for (int i = 0; i < r.gradient().length; i++) {
            boolean above = unitOf(mode, k, i) >= lambda;
            if (above) passed++;
            assertEquals(above ? g : 0f, r.gradient()[i], mode + " element " + i + " (unit " + unitOf(mode, k, i)
                    + ", λ " + lambda + ")");
        }
        Statistics.label("mask").collect(passed == 0 ? "all blocked" : passed == r.gradient().length ? "all pass" : "mixed");
        Statistics.label("mask").coverage(c -> c.check("mixed").count(n -> n > 0));
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 150)
    @Label("the gradient of kl_after matches central differences (away from the hinge)")
    void gradientMatchesCentralDifferences(@ForAll FreeBitsMode mode, @ForAll("positiveKlBatches") KlBatch k,
                                           @ForAll("lambdas") double lambda, @ForAll("seeds") long seed) {
        FreeBits fb = new FreeBits(mode, lambda);
        int per = mode == FreeBitsMode.PER_DIM ? k.batch() : k.dims();
        double[] units = FreeBits.units(mode, k.kl(), k.batch(), k.dims());
        double step = Tolerances.FD_STEP * 10 / per;                     // how far one perturbation moves a unit
        for (double u : units) Assume.that(Math.abs(u - lambda) > 2 * step);
        float[] grad = fb.apply(k.kl(), k.batch(), k.dims()).gradient();
        GradCheck.check(mode + " free bits ∂kl_after/∂kl", k.kl(), grad,
                () -> fb.apply(k.kl(), k.batch(), k.dims()).klAfter(), new Rng(seed));
    }

    /** per_dim forgives the empty dimension; mean_over_dims averages it in and forgives half of each sample. */
    @Example
    void theModesDifferWhenKlIsSpreadUnevenly() {
        float[] kl = {0.08f, 0f, 0.08f, 0f};                            // [B=2, D=2]: dimension 0 carries everything
        FreeBitsResult perDim = new FreeBits(FreeBitsMode.PER_DIM, 0.02).apply(kl, 2, 2);
        FreeBitsResult perSample = new FreeBits(FreeBitsMode.MEAN_OVER_DIMS, 0.02).apply(kl, 2, 2);
        assertEquals(0.04, perDim.klRaw(), 1e-8);
        assertEquals(0.03, perDim.klAfter(), 1e-8);                     // ((0.08 − 0.02) + 0) / 2
        assertEquals(0.02, perSample.klAfter(), 1e-8);                  // (0.04 − 0.02) per sample
        assertEquals(25, perDim.diagnostics().penaltyReductionPct(), 1e-5);
        assertEquals(50, perSample.diagnostics().penaltyReductionPct(), 1e-5);
        assertArrayEquals(new float[] {0.25f, 0f, 0.25f, 0f}, perDim.gradient());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, perSample.gradient());
        assertEquals(0.05, perDim.publishedObjective(), 1e-8);          // Kingma: (max(λ, 0.08) + max(λ, 0)) / 2
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 200)
    @Label("per_dim's published objective is Kingma's floor, mean_j max(lambda, KL_j)")
    void perDimPublishedObjectiveIsTheFloor(@ForAll("klBatches") KlBatch k, @ForAll("lambdas") double lambda) {
        FreeBitsResult r = new FreeBits(FreeBitsMode.PER_DIM, lambda).apply(k.kl(), k.batch(), k.dims());
        double floor = 0;
        for (int j = 0; j < k.dims(); j++) {
            double col = 0;
            for (int b = 0; b < k.batch(); b++) col += k.kl()[b * k.dims() + j];
            floor += Math.max(lambda, col / k.batch());
        }
        floor /= k.dims();
        assertEquals(floor, r.publishedObjective(), Tolerances.F32 * Math.max(1, floor));
    }

    // ------------------------------------------------------------------ calibration

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 200)
    @Label("the calibrated lambda removes exactly the target fraction of the penalty")
    void calibrationHitsTheTargetReduction(@ForAll FreeBitsMode mode, @ForAll("klBatches") KlBatch k,
                                           @ForAll("fractions") double r) {
        double lambda = FreeBits.calibrate(mode, k.kl(), k.batch(), k.dims(), r);
        FreeBitsResult res = new FreeBits(mode, lambda).apply(k.kl(), k.batch(), k.dims());
        Assume.that(res.klRaw() > 0);
        assertEquals(100 * r, res.diagnostics().penaltyReductionPct(), Tolerances.F32 * 100,
                mode + " λ = " + lambda + " for r = " + r);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 100)
    @Label("on a single mean KL, calibration is seed 003's closed form lambda = r · kl_raw")
    void singleValueCalibrationIsTheClosedForm(@ForAll FreeBitsMode mode, @ForAll("klValues") double klRaw,
                                               @ForAll("fractions") double r) {
        assertEquals(FreeBits.calibrateHinge(klRaw, r), FreeBits.calibrateRow(mode, new double[] {klRaw}, r),
                Tolerances.F32 * Math.max(1e-3, klRaw));
    }

    // ------------------------------------------------------------------ bad input

    @Example
    void nonFiniteKlIsRefusedNamingFreeBitsAndTheIndex() {
        float[] kl = {0.1f, Float.NaN};
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> new FreeBits(FreeBitsMode.PER_DIM, 0.1).apply(kl, 1, 2));
        assertTrue(e.getMessage().startsWith("free_bits: kl[1] is NaN"), e.getMessage());
    }

    @Example
    void negativeKlLambdaOrWrongSizeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FreeBits(FreeBitsMode.PER_DIM, 0).apply(new float[] {-1}, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FreeBits(FreeBitsMode.MEAN_OVER_DIMS, -0.1));
        assertTrue(e.getMessage().contains("lambda") && e.getMessage().contains("nats per latent dimension"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FreeBits(FreeBitsMode.PER_DIM, 0).apply(new float[3], 2, 2));
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> FreeBitsMode.parse("mode", "per-dim"));
        assertTrue(m.getMessage().contains("per_dim, mean_over_dims"), m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FreeBits.calibrateHinge(0.05, 1.5));
    }

    // ------------------------------------------------------------------ generators and helpers

    private static double unitOf(FreeBitsMode mode, KlBatch k, int index) {
        int b = index / k.dims(), j = index % k.dims();
        double acc = 0;
        if (mode == FreeBitsMode.PER_DIM) {
            for (int bb = 0; bb < k.batch(); bb++) acc += k.kl()[bb * k.dims() + j];
            return acc / k.batch();
        }
        for (int jj = 0; jj < k.dims(); jj++) acc += k.kl()[b * k.dims() + jj];
        return acc / k.dims();
    }

    @Provide
    Arbitrary<KlBatch> klBatches() {
        Arbitrary<Integer> sizes = Arbitraries.integers().between(1, 6);
        return Combinators.combine(sizes, sizes, Arbitraries.longs()).as((b, d, seed) -> {
            Rng rng = new Rng(seed);
            float[] kl = new float[b * d];
            for (int i = 0; i < kl.length; i++) {
                double u = rng.nextDouble();                           // mix of zeros, small and large KL
                kl[i] = u < 0.15 ? 0f : (float) (u < 0.8 ? 0.2 * rng.nextDouble() : 5 * rng.nextDouble());
            }
            return new KlBatch(kl, b, d);
        });
    }

    /** Entries in [0.05, 5]: a central difference (step ≤ 0.05) never pushes one below zero. */
    @Provide
    Arbitrary<KlBatch> positiveKlBatches() {
        Arbitrary<Integer> sizes = Arbitraries.integers().between(1, 6);
        return Combinators.combine(sizes, sizes, Arbitraries.longs()).as((b, d, seed) -> {
            Rng rng = new Rng(seed);
            float[] kl = new float[b * d];
            for (int i = 0; i < kl.length; i++) kl[i] = (float) (0.05 + 4.95 * rng.nextDouble());
            return new KlBatch(kl, b, d);
        });
    }

    @Provide
    Arbitrary<Double> lambdas() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 0.2).ofScale(4),
                Arbitraries.doubles().between(0, 6).ofScale(3));
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1).ofScale(4).edgeCases(c -> c.includeOnly(0.0, 1.0));
    }

    @Provide
    Arbitrary<Double> klValues() {
        return Arbitraries.doubles().between(0, 1).ofScale(5);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 1_000_000);
    }
}
