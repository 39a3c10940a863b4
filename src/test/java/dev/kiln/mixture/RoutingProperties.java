package dev.kiln.mixture;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
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
class RoutingProperties {

    /** Temperatures from sharp (0.1) to soft (5). */
    @Provide
    Arbitrary<Float> temperatures() {
        return Arbitraries.floats().between(0.1f, 5f).ofScale(3);
    }

    @Property(tries = 100)
    @Label("In every mode, routing weights sum to 1 over the open pots and a closed pot gets exactly 0 weight and 0 gradient")
    void closedPotsGetZeroWeightAndZeroGradient(@ForAll RoutingMode mode, @ForAll @IntRange(min = 1, max = 3) int batch,
                                                @ForAll @IntRange(min = 1, max = 6) int pots,
                                                @ForAll("temperatures") float tau,
                                                @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        Statistics.label("mask").collect(MixtureCases.maskLabel(open))
                .coverage(c -> c.check("some closed").count(n -> n > 0));
        Tensor logits = MixtureCases.gaussian(rng, 3, batch, pots);
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pots; k++) if (!open[k]) logits.data[b * pots + k] = 50f;   // tempting, but closed
        }
        Routing routing = new Routing(rng.split());
        Tensor w = routing.forward(logits, open, mode, tau);
        Tensor dx = routing.backward(MixtureCases.gaussian(rng, 1, batch, pots));
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            for (int k = 0; k < pots; k++) {
                float wk = w.data[b * pots + k];
                assertTrue(wk >= 0f && wk <= 1f, "weight " + wk);
                if (!open[k]) {
                    assertTrue(wk == 0f, mode + ": closed pot " + k + " has weight " + wk);
                    assertTrue(dx.data[b * pots + k] == 0f, mode + ": closed pot " + k + " has gradient "
                            + dx.data[b * pots + k]);
                }
                sum += wk;
            }
            assertEquals(1.0, sum, Tolerances.F32, mode + " row " + b);
        }
    }

    @Property(tries = 60)
    @Label("Straight-through routing is exactly one-hot on an open pot in the forward pass")
    void straightThroughIsOneHotOnAnOpenPot(@ForAll @IntRange(min = 1, max = 4) int batch,
                                            @ForAll @IntRange(min = 1, max = 6) int pots,
                                            @ForAll("temperatures") float tau,
                                            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        Tensor w = new Routing(rng.split()).forward(MixtureCases.gaussian(rng, 2, batch, pots), open,
                RoutingMode.STRAIGHT_THROUGH, tau);
        for (int b = 0; b < batch; b++) {
            int ones = 0;
            for (int k = 0; k < pots; k++) {
                float v = w.data[b * pots + k];
                assertTrue(v == 0f || v == 1f, "entry " + v);
                if (v == 1f) {
                    ones++;
                    assertTrue(open[k], "routed to closed pot " + k);
                }
            }
            assertEquals(1, ones, "row " + b);
        }
    }

    @Property(tries = 60)
    @Label("Softmax routing's backward matches central differences at any temperature, masked or not")
    void softmaxRoutingBackwardMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 3) int batch,
                                                         @ForAll @IntRange(min = 1, max = 6) int pots,
                                                         @ForAll("temperatures") float tau,
                                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        boolean[] open = MixtureCases.mask(pots, rng.nextLong());
        Tensor logits = MixtureCases.gaussian(rng, 1, batch, pots);
        float[] r = MixtureCases.gaussian(rng, 1, batch, pots).data;
        Routing routing = new Routing(new Rng(seed));
        routing.forward(logits, open, RoutingMode.SOFTMAX, tau);
        float[] analytic = routing.backward(Tensor.of(r.clone(), batch, pots)).data;
        GradCheck.check("softmax routing τ=" + tau, logits.data, analytic,
                () -> MixtureCases.dot(r, routing.forward(logits, open, RoutingMode.SOFTMAX, tau).data), rng);
    }

    @Example
    void gumbelRoutingDrawsNoiseAndSoftmaxRoutingDoesNot() {
        Tensor logits = Tensor.of(new float[] {0.2f, -0.1f, 0.4f}, 1, 3);
        boolean[] open = {true, true, true};
        Routing a = new Routing(new Rng(5)), b = new Routing(new Rng(5));
        assertTrue(java.util.Arrays.equals(a.forward(logits, open, RoutingMode.SOFTMAX, 1f).data,
                b.forward(logits, open, RoutingMode.SOFTMAX, 1f).data));
        Tensor g1 = a.forward(logits, open, RoutingMode.GUMBEL, 1f);
        Tensor g2 = a.forward(logits, open, RoutingMode.GUMBEL, 1f);
        assertTrue(!java.util.Arrays.equals(g1.data, g2.data), "two Gumbel draws were identical");
    }

    @Example
    void aMaskWithNoOpenPotOrABadTemperatureIsRefused() {
        Routing r = new Routing(new Rng(1));
        assertThrows(IllegalArgumentException.class,
                () -> r.forward(Tensor.zeros(1, 2), new boolean[] {false, false}, RoutingMode.SOFTMAX, 1f));
        assertThrows(IllegalArgumentException.class,
                () -> r.forward(Tensor.zeros(1, 2), new boolean[] {true, false}, RoutingMode.GUMBEL, 0f));
        assertThrows(IllegalStateException.class, () -> new Routing(new Rng(1)).backward(Tensor.zeros(1, 2)));
    }
}
