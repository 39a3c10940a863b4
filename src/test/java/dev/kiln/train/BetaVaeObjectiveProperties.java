package dev.kiln.train;

import dev.kiln.anneal.Annealing;
import dev.kiln.anneal.Annealings;
import dev.kiln.anneal.CapacityAnnealing;
import dev.kiln.anneal.ConstantSchedule;
import dev.kiln.anneal.PiBetaController;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsMode;
import dev.kiln.loss.ClassLoss;
import dev.kiln.loss.CrossEntropy;
import dev.kiln.loss.FocalLoss;
import dev.kiln.loss.Reduction;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Example;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The β-VAE objective as a whole, L(logits, μ, log σ²) = recon + KL penalty, against central
 * differences: the wiring (β on the KL gradient, free bits, capacity) is where a wrong gradient
 * would otherwise pass every part-wise test.
 */
@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class BetaVaeObjectiveProperties {

    enum Kind { SCHEDULE, CONTROLLER, CAPACITY }

    enum Recon { CE, WEIGHTED_CE, FOCAL }

    /** One random objective and one batch of its inputs. */
    record Case(BetaVaeObjective objective, Tensor logits, int[] targets, Tensor mu, Tensor logVar, double t,
                double beta) {
        double value() {
            return objective.forward(logits, targets, mu, logVar, t).total();
        }
    }

    static Case randomCase(Kind kind, Recon recon, FreeBitsMode freeBits, int batch, int classes, int cells, int dims,
                           long seed) {
        Rng rng = new Rng(seed);
        double beta = 0.05 + 2.95 * rng.nextDouble();                          // [0.05, 3): β = 1 is rare
        float[] weights = new float[classes];                                  // [C]
        for (int c = 0; c < classes; c++) weights[c] = 0.2f + 2 * rng.nextFloat();
        ClassLoss loss = switch (recon) {
            case CE -> new CrossEntropy(Reduction.MEAN);
            case WEIGHTED_CE -> new CrossEntropy(Reduction.MEAN, weights);
            case FOCAL -> new FocalLoss(Reduction.MEAN, 3 * rng.nextFloat(), weights);
        };
        Tensor logits = gaussian(rng, 2, batch, classes, cells);                // [B, C, S]
        int[] targets = new int[batch * cells];                                // [B·S]
        for (int i = 0; i < targets.length; i++) targets[i] = rng.nextInt(classes);
        Tensor mu = gaussian(rng, 1.5, batch, dims);                           // [B, D]
        Tensor logVar = gaussian(rng, 1, batch, dims);                         // [B, D]
        double t = 4 * rng.nextDouble();
        // The hinges (free bits at u = λ, capacity at KL_s = C) are kinks: λ and C are drawn away
        // from them by more than a central-difference step can move u or KL_s, so that every
        // coordinate's check is meaningful.
        double margin = 2 * maxStepChange(mu, logVar);
        double[] units = units(freeBits, mu, logVar, batch, dims);
        double lambda = 0;
        for (int tries = 0; tries < 50; tries++) {
            double candidate = 0.4 * rng.nextDouble();
            if (farFrom(units, candidate, margin)) {
                lambda = candidate;
                break;
            }
        }
        FreeBits fb = freeBits == null ? null : new FreeBits(freeBits, lambda);
        double klPerSample = 0;                                                // KL_s = Σ_j mean_b kl[b, j]
        for (int i = 0; i < mu.size(); i++) klPerSample += kl(mu.data[i], logVar.data[i]) / batch;
        double ramp = 1 + 3 * rng.nextDouble(), gamma = 0.5 + 9.5 * rng.nextDouble(), capacity = 0;
        for (int tries = 0; tries < 50; tries++) {
            double candidate = 4 * rng.nextDouble();
            if (Math.abs(klPerSample - candidate * Math.min(1, t / ramp)) > margin) {
                capacity = candidate;
                break;
            }
        }
        Annealing annealing = switch (kind) {
            case SCHEDULE -> new ConstantSchedule(beta);
            case CONTROLLER -> Annealings.create(PiBetaController.NAME,
                    Map.of("set_point", 0.5, "beta_init", beta, "beta_max", beta + 1));
            case CAPACITY -> new CapacityAnnealing(ramp, capacity, gamma);
        };
        return new Case(new BetaVaeObjective(loss, annealing, fb, cells), logits, targets, mu, logVar, t, beta);
    }

    static double kl(double mu, double logVar) {
        return 0.5 * (mu * mu + Math.exp(logVar) - 1 - logVar);
    }

    /** The most a central-difference step (GradCheck's h·max(1, |x|)) on one μ or log σ² moves its kl. */
    static double maxStepChange(Tensor mu, Tensor logVar) {
        double max = 0;
        for (int i = 0; i < mu.size(); i++) {
            double m = mu.data[i], v = logVar.data[i];
            double hm = Tolerances.FD_STEP * Math.max(1, Math.abs(m)), hv = Tolerances.FD_STEP * Math.max(1, Math.abs(v));
            max = Math.max(max, Math.max(Math.abs(kl(m + hm, v) - kl(m, v)), Math.abs(kl(m - hm, v) - kl(m, v))));
            max = Math.max(max, Math.max(Math.abs(kl(m, v + hv) - kl(m, v)), Math.abs(kl(m, v - hv) - kl(m, v))));
        }
        return max;
    }

    /** The free-bits units u (per dimension or per sample), none when free bits are off. */
    static double[] units(FreeBitsMode mode, Tensor mu, Tensor logVar, int batch, int dims) {
        if (mode == null) return new double[0];
        boolean perDim = mode == FreeBitsMode.PER_DIM;
        double[] u = new double[perDim ? dims : batch];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < dims; j++) {
                double k = kl(mu.data[b * dims + j], logVar.data[b * dims + j]);
                if (perDim) u[j] += k / batch;
                else u[b] += k / dims;
            }
        }
        return u;
    }

    static boolean farFrom(double[] units, double lambda, double margin) {
        for (double u : units) if (Math.abs(u - lambda) <= margin) return false;
        return true;
    }

    static Tensor gaussian(Rng rng, double scale, int... shape) {
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) (scale * rng.nextGaussian());
        return x;
    }

    @Property(tries = 300)
    @Label("The whole objective's gradient matches central differences in logits, μ and log σ², for every annealing, free-bits mode and reconstruction loss")
    void wholeObjectiveGradientMatchesCentralDifferences(@ForAll Kind kind, @ForAll Recon recon,
                                                         @ForAll("freeBitsModes") FreeBitsMode freeBits,
                                                         @ForAll @IntRange(min = 1, max = 3) int batch,
                                                         @ForAll @IntRange(min = 2, max = 4) int classes,
                                                         @ForAll @IntRange(min = 1, max = 4) int cells,
                                                         @ForAll @IntRange(min = 1, max = 4) int dims,
                                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Case c = randomCase(kind, recon, freeBits, batch, classes, cells, dims, seed);
        c.value();
        BetaVaeObjective.Grads g = c.objective().backward();
        // what is checked: every coordinate of the three inputs, none of them empty
        assertEquals(batch * classes * cells, g.dLogits().size());
        assertEquals(batch * dims, g.dMu().size());
        assertEquals(batch * dims, g.dLogVar().size());
        boolean klGradient = false;
        for (float v : g.dMu().data) klGradient |= v != 0;
        Statistics.label("annealing").collect(kind);
        Statistics.label("free bits").collect(freeBits == null ? "off" : freeBits.configName());
        Statistics.label("KL gradient").collect(klGradient ? "non-zero" : "zero")
                .coverage(cov -> cov.check("non-zero").percentage(p -> p > 70));
        Rng rng = new Rng(seed + 1);
        float[] dLogits = g.dLogits().data.clone(), dMu = g.dMu().data.clone(), dLogVar = g.dLogVar().data.clone();
        GradCheck.check("∂L/∂logits", c.logits().data, dLogits, c::value, rng);
        GradCheck.check("∂L/∂μ", c.mu().data, dMu, c::value, rng);
        GradCheck.check("∂L/∂log σ²", c.logVar().data, dLogVar, c::value, rng);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<FreeBitsMode> freeBitsModes() {
        return net.jqwik.api.Arbitraries.of(FreeBitsMode.values()).injectNull(0.34);
    }

    @Property(tries = 100)
    @Label("Without free bits the KL penalty is β·kl_raw and doubling β doubles the KL part of the gradient")
    void theKlPenaltyScalesWithBeta(@ForAll @IntRange(min = 1, max = 3) int batch,
                                    @ForAll @IntRange(min = 1, max = 4) int dims,
                                    @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Case c = randomCase(Kind.SCHEDULE, Recon.CE, null, batch, 3, 2, dims, seed);
        BetaVaeObjective.Value v = c.objective().forward(c.logits(), c.targets(), c.mu(), c.logVar(), c.t());
        assertEquals(c.beta(), v.beta(), 0.0);
        assertEquals(v.klRaw(), v.klAfter(), 0.0);
        assertEquals(c.beta() * v.klRaw(), v.penalty(), Tolerances.F32 * Math.abs(v.penalty()));
        assertEquals(v.recon() + v.penalty(), v.total(), Tolerances.F32 * Math.abs(v.total()));
        float[] dMu = c.objective().backward().dMu().data.clone();
        Case twice = new Case(new BetaVaeObjective(new CrossEntropy(Reduction.MEAN), new ConstantSchedule(2 * c.beta()),
                null, 2), c.logits(), c.targets(), c.mu(), c.logVar(), c.t(), 2 * c.beta());
        twice.value();
        float[] dMu2 = twice.objective().backward().dMu().data;
        for (int i = 0; i < dMu.length; i++) {
            // ∂L/∂μ = β·μ/(B·D): written out, so a β dropped from the gradient fails here by name
            assertEquals(c.beta() * c.mu().data[i] / (batch * dims), dMu[i], Tolerances.F32_REL * Math.abs(dMu[i]) + 1e-9);
            assertEquals(2 * dMu[i], dMu2[i], Tolerances.F32_REL * Math.abs(dMu2[i]) + 1e-9);
        }
    }

    @Example
    void freeBitsForgiveTheFirstLambdaNatsPerDimensionAndTheirGradient() {
        // one sample, two dimensions: kl = ½(μ² + σ² − 1 − log σ²) with σ = 1 is ½μ²: 2 and 0.02 nats
        Tensor mu = Tensor.of(new float[] {2f, 0.2f}, 1, 2);
        Tensor logVar = Tensor.zeros(1, 2);
        Tensor logits = Tensor.zeros(1, 2, 1);
        BetaVaeObjective o = new BetaVaeObjective(new CrossEntropy(Reduction.MEAN), new ConstantSchedule(0.5),
                new FreeBits(FreeBitsMode.PER_DIM, 0.1), 1);
        BetaVaeObjective.Value v = o.forward(logits, new int[] {0}, mu, logVar, 0);
        assertEquals(Math.log(2), v.recon(), Tolerances.F32);
        assertEquals((2 + 0.02) / 2, v.klRaw(), Tolerances.F32);
        assertEquals((2 - 0.1) / 2, v.klAfter(), Tolerances.F32);                 // the 0.02 dimension is forgiven
        assertEquals(0.5 * 0.95, v.penalty(), Tolerances.F32);
        BetaVaeObjective.Grads g = o.backward();
        assertEquals(0.5 * 2 / 2, g.dMu().data[0], Tolerances.F32);               // β·μ/(B·D)
        assertEquals(0f, g.dMu().data[1]);                                         // below λ: no pull
        assertTrue(g.dLogits().data[0] < 0 && g.dLogits().data[1] > 0);
    }

    @Example
    void capacityPenalizesTheDistanceToTheTargetPerCell() {
        // KL per sample = ½·(2² + 1²) = 2.5 nats; C(t) = 1 at t = 1 of a 2-epoch ramp to 2; γ = 10; 5 cells
        Tensor mu = Tensor.of(new float[] {2f, 1f}, 1, 2);
        BetaVaeObjective o = new BetaVaeObjective(new CrossEntropy(Reduction.MEAN), new CapacityAnnealing(2, 2, 10),
                null, 5);
        BetaVaeObjective.Value v = o.forward(Tensor.zeros(1, 2, 5), new int[5], mu, Tensor.zeros(1, 2), 1);
        assertEquals(10 * (2.5 - 1) / 5, v.penalty(), Tolerances.F32);
        assertEquals(2 * 10 / 5.0, v.beta(), Tolerances.F32);                     // D·γ·sign/S
        BetaVaeObjective.Grads g = o.backward();
        assertEquals(10 / 5.0 * 2, g.dMu().data[0], Tolerances.F32);              // γ·sign/(S·B)·μ
    }
}
