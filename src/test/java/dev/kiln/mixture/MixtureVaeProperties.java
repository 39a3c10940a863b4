package dev.kiln.mixture;

import dev.kiln.nn.Param;
import dev.kiln.nn.Tanh;
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

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class MixtureVaeProperties {
    static final int IN = 5, D = 2;
    static final Likelihood BERNOULLI = new Likelihood.Bernoulli(1, IN);

    /** Tanh rather than ReLU: central differences must not straddle a kink (ReLU is tested in nn). */
    static MixtureVae model(int pots, long seed) {
        return new MixtureVae(IN, new int[] {4}, D, pots, BERNOULLI, Tanh::new, new Rng(seed));
    }

    /** A batch of [B, 5] grey levels in [0, 1], the targets being the inputs. */
    static MixtureBatch batch(Rng rng, int b) {
        Tensor x = MixtureCases.uniform(rng, 0f, 1f, b, IN);
        return new MixtureBatch(x, x, null, null);
    }

    static double objective(MixtureVae m, MixtureBatch batch, MixtureVae.Step step, double beta, double lambda,
                            boolean backward) {
        MixtureObjective objective = new MixtureObjective(new LogitMogPrior(3, 1), BERNOULLI);
        double total = objective.forward(m.forward(batch.inputs(), step), batch, step.active(), beta, lambda).total();
        if (backward) m.backward(objective.backward());
        return total;
    }

    @Property(tries = 25)
    @Label("The whole objective's gradient matches central differences for every parameter (softmax routing, z = μ, kick bias or not)")
    void wholeObjectiveGradientMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 3) int batchSize,
                                                         @ForAll @IntRange(min = 1, max = 4) int pots,
                                                         @ForAll boolean kickBias,
                                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        Statistics.label("mask").collect(MixtureCases.maskLabel(open))
                .coverage(c -> c.check("some closed").count(n -> n > 0));
        float[] bias = null;
        if (kickBias) {
            bias = new float[pots];
            bias[Pots.list(open)[Pots.count(open) - 1]] = 1.5f;
        }
        MixtureVae m = model(pots, seed);
        MixtureBatch batch = batch(rng, batchSize);
        MixtureVae.Step step = new MixtureVae.Step(open, RoutingMode.SOFTMAX, 0.5f + rng.nextFloat(), bias, false);
        double beta = 0.2 + rng.nextDouble(), lambda = 0.2 + rng.nextDouble();
        for (Param p : m.params()) p.zeroGrad();
        objective(m, batch, step, beta, lambda, true);
        List<Param> params = m.params();
        // what is checked: parameters of every part of the model, each gradient of its value's size
        for (String part : new String[] {"body", "logits", "mu", "logvar", "decoder"}) {
            assertTrue(params.stream().anyMatch(q -> q.name.startsWith(part)), "no " + part + " parameter checked");
        }
        float[][] grads = new float[params.size()][];
        for (int i = 0; i < grads.length; i++) grads[i] = params.get(i).grad.clone();
        for (int i = 0; i < grads.length; i++) {
            assertEquals(params.get(i).size(), grads[i].length, params.get(i).name);
            GradCheck.check("mixture objective ∂/∂" + params.get(i).name, params.get(i).value.data, grads[i],
                    () -> objective(m, batch, step, beta, lambda, false), rng);
        }
    }

    @Property(tries = 40)
    @Label("In every routing mode, a closed pot's own parameters get exactly zero gradient and cannot change the objective")
    void closedPotsAreCutOffFromTheObjective(@ForAll RoutingMode mode, @ForAll @IntRange(min = 2, max = 5) int pots,
                                             @ForAll boolean sample,
                                             @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        open[(int) Math.floorMod(seed + 1, (long) pots)] = false;
        if (Pots.count(open) == 0) open[(int) Math.floorMod(seed, (long) pots)] = true;
        MixtureBatch batch = batch(rng, 3);
        MixtureVae.Step step = new MixtureVae.Step(open, mode, 0.7f, null, sample);

        MixtureVae m = model(pots, seed);
        for (Param p : m.params()) p.zeroGrad();
        double value = objective(m, batch, step, 1, 1, true);
        MixtureVae twin = model(pots, seed);                      // same weights and generators
        List<Param> params = m.params(), twinParams = twin.params();
        for (int k = 0; k < pots; k++) {
            if (open[k]) continue;
            for (MixtureVae.Slice s : m.potSlices(k)) {
                float[] g = params.get(s.param()).grad;
                float[] w = twinParams.get(s.param()).value.data;
                for (int i = s.offset(); i < s.offset() + s.length(); i++) {
                    assertTrue(g[i] == 0f, mode + ": closed pot " + k + ", " + params.get(s.param()).name + "[" + i
                            + "] has gradient " + g[i]);
                    w[i] = 10f * (rng.nextFloat() - 0.5f);       // scramble the closed pot in the twin
                }
            }
        }
        assertEquals(value, objective(twin, batch, step, 1, 1, false), 0.0,
                mode + ": a closed pot's parameters changed the objective");
    }

    @Property(tries = 40)
    @Label("The shared channel decoder's backward matches central differences; pots it did not decode get no embedding gradient")
    void channelDecoderBackwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                         @ForAll @IntRange(min = 1, max = 4) int pots,
                                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        ChannelDecoder dec = new ChannelDecoder(D, new int[] {3, 4}, 3, pots, Tanh::new, rng);
        for (Param p : dec.params()) rng.fillGaussian(p.value.data, p.size());   // a non-zero embedding too
        Tensor z = MixtureCases.gaussian(rng, 1, rows, D);
        int[] channel = new int[rows];
        for (int n = 0; n < rows; n++) channel[n] = rng.nextInt(pots);
        float[] r = MixtureCases.gaussian(rng, 1, rows, 3).data;
        for (Param p : dec.params()) p.zeroGrad();
        dec.forward(z, channel);
        Tensor dz = dec.backward(Tensor.of(r.clone(), rows, 3));
        float[] embeddingGrad = dec.embedding().grad.clone();
        GradCheck.check("ChannelDecoder ∂/∂z", z.data, dz.data, () -> MixtureCases.dot(r, dec.forward(z, channel).data), rng);
        for (Param p : dec.params()) {
            float[] g = p.grad.clone();
            GradCheck.check("ChannelDecoder ∂/∂" + p.name, p.value.data, g,
                    () -> MixtureCases.dot(r, dec.forward(z, channel).data), rng);
        }
        int width = dec.embedding().value.dim(1);
        for (int k = 0; k < pots; k++) {
            boolean used = false;
            for (int c : channel) used |= c == k;
            if (used) continue;
            for (int j = 0; j < width; j++) assertTrue(embeddingGrad[k * width + j] == 0f, "unused pot " + k);
        }
    }

    @Example
    void aSplitChildDecodesAsItsParentAndTheirLogitsStraddleTheParentsOld() {
        Rng rng = new Rng(11);
        int pots = 3;
        MixtureVae m = model(pots, 11);
        for (Param p : m.params()) rng.fillGaussian(p.value.data, p.size());
        Tensor x = MixtureCases.uniform(rng, 0f, 1f, 40, IN);
        boolean[] all = {true, true, true};
        MixtureVae.Evaluation first = m.evaluate(x, all);
        float[] beforeMu = first.mu().data.clone(), beforeLogits = first.logits().data.clone();   // valid until the next evaluate
        int[] everyone = new int[40];                              // treat every sample as the parent's
        PotSplit.Axis axis = PotSplit.principal(beforeMu, everyone, 0, pots, D);
        double margin = 2;
        m.splitPot(0, 2, axis, margin);
        MixtureVae.Evaluation after = m.evaluate(x, all);
        double delta = margin / axis.spread();
        for (int b = 0; b < 40; b++) {
            double yp = after.logits().data[b * pots], yc = after.logits().data[b * pots + 2];
            double g = 0;
            for (int d = 0; d < D; d++) g += axis.direction()[d] * (beforeMu[b * pots * D + d] - axis.center()[d]);
            assertEquals(delta * g, yc - yp, 1e-3 * Math.max(1, Math.abs(delta * g)), "sample " + b);
            assertEquals(beforeLogits[b * pots], (yc + yp) / 2, 1e-3 * Math.max(1, Math.abs(yp)), "sample " + b);
            assertEquals(after.mu().data[b * pots * D], after.mu().data[(b * pots + 2) * D], 0f);
        }
        Tensor z = MixtureCases.gaussian(rng, 1, 4, D);
        float[] parent = m.decode(z, new int[] {0, 0, 0, 0}).copy().data;   // valid until the next decode: copied
        assertArrayEquals(parent, m.decode(z, new int[] {2, 2, 2, 2}).data);
    }

    @Example
    void recentringMovesAPotsCodesWithoutChangingAnyReconstruction() {
        Rng rng = new Rng(12);
        int pots = 3;
        MixtureVae m = model(pots, 12);
        for (Param p : m.params()) rng.fillGaussian(p.value.data, p.size());
        Tensor x = MixtureCases.uniform(rng, 0f, 1f, 30, IN);
        boolean[] all = {true, true, true};
        MixtureVae.Evaluation before = m.evaluate(x, all);
        float[] beforeMu = before.mu().data.clone(), beforeOut = before.out().data.clone();   // valid until the next evaluate
        float[] mean = {0.7f, -1.3f};
        m.recentre(1, mean);
        MixtureVae.Evaluation after = m.evaluate(x, all);
        assertArrayEquals(before.chosen(), after.chosen(), "recentring must not touch the logits");
        for (int b = 0; b < 30; b++) {
            for (int d = 0; d < D; d++) {
                int i = (b * pots + 1) * D + d;
                assertEquals(beforeMu[i] - mean[d], after.mu().data[i], 1e-5);
            }
        }
        for (int i = 0; i < beforeOut.length; i++) {
            assertEquals(beforeOut[i], after.out().data[i], 1e-4 * Math.max(1, Math.abs(beforeOut[i])));
        }
    }

    @Example
    void thePrincipalAxisOfAnElongatedCloudIsFound() {
        Rng rng = new Rng(4);
        int n = 4000, pots = 2;
        float[] mu = new float[n * pots * D];                     // pot 1's codes: 3·N along (1, 1)/√2, 0.5·N across
        int[] chosen = new int[n];
        for (int i = 0; i < n; i++) {
            chosen[i] = 1;
            double along = 3 * rng.nextGaussian(), across = 0.5 * rng.nextGaussian();
            mu[(i * pots + 1) * D] = (float) (2 + (along - across) / Math.sqrt(2));
            mu[(i * pots + 1) * D + 1] = (float) (-1 + (along + across) / Math.sqrt(2));
        }
        PotSplit.Axis axis = PotSplit.principal(mu, chosen, 1, pots, D);
        assertEquals(1 / Math.sqrt(2), Math.abs(axis.direction()[0]), 0.01);
        assertEquals(1 / Math.sqrt(2), Math.abs(axis.direction()[1]), 0.01);
        assertEquals(Math.signum(axis.direction()[0]), Math.signum(axis.direction()[1]));
        assertEquals(3, axis.spread(), 0.1);
        assertEquals(2, axis.center()[0], 0.1);
        assertEquals(-1, axis.center()[1], 0.1);
        assertEquals(n, axis.samples());
        assertEquals(1.0, PotSplit.principal(mu, new int[n], 1, pots, D).spread(), Tolerances.F32);   // empty pot
    }
}
