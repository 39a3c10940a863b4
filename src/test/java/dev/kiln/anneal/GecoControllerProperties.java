package dev.kiln.anneal;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GecoControllerProperties {

    @Property(tries = 200)
    @Label("β stays in [β_min, β_max] and λ = 1/β for any reconstruction history")
    void betaStaysInBounds(@ForAll("configs") GecoController.Config config, @ForAll("losses") List<Double> history) {
        GecoController c = new GecoController(config);
        for (double rec : history) {
            double beta = c.update(Metrics.reconstruction(rec));
            assertTrue(beta >= config.betaMin() && beta <= config.betaMax(), "β = " + beta);
            assertEquals(1 / beta, c.lambda());
        }
    }

    @Property(tries = 200)
    @Label("reconstruction worse than the target lowers β, better raises it")
    void constraintViolationLowersBeta(@ForAll("configs") GecoController.Config config,
                                       @ForAll("gaps") double gap) {
        GecoController worse = new GecoController(config);
        double start = worse.beta();
        double afterWorse = worse.update(Metrics.reconstruction(config.target() + gap));
        assertTrue(afterWorse < start || start == config.betaMin(), start + " → " + afterWorse);
        GecoController better = new GecoController(config);
        double afterBetter = better.update(Metrics.reconstruction(config.target() - gap));
        assertTrue(afterBetter > start || start == config.betaMax(), start + " → " + afterBetter);
    }

    @Property(tries = 100)
    @Label("without smoothing, the first update on the satisfied side leaves β_min however long it sat there")
    void leavesTheLowerBoundAtOnce(@ForAll("configs") GecoController.Config config, @ForAll("gaps") double gap,
                                   @ForAll @IntRange(min = 0, max = 3000) int stuck) {
        GecoController.Config c0 = new GecoController.Config(config.target(), config.rate(), 0, config.betaMin(),
                config.betaMax(), config.betaInit());
        GecoController c = new GecoController(c0);
        for (int i = 0; i < 100_000 && c.beta() > c0.betaMin(); i++) c.update(Metrics.reconstruction(c0.target() + 1000));
        assertEquals(c0.betaMin(), c.beta(), "a reconstruction far above the target did not drive β to β_min");
        for (int i = 0; i < stuck; i++) c.update(Metrics.reconstruction(c0.target() + 1000));
        assertTrue(c.update(Metrics.reconstruction(c0.target() - gap)) > c0.betaMin());
    }

    @Property(tries = 100)
    @Label("save and restore continue bit-identically")
    void saveAndRestoreContinueBitIdentically(@ForAll("configs") GecoController.Config config,
                                              @ForAll("losses") List<Double> before, @ForAll("losses") List<Double> after) {
        GecoController original = new GecoController(config);
        for (double r : before) original.update(Metrics.reconstruction(r));
        GecoController resumed = new GecoController(config);
        resumed.restoreState(original.saveState());
        for (double r : after) {
            assertEquals(Double.doubleToRawLongBits(original.update(Metrics.reconstruction(r))),
                    Double.doubleToRawLongBits(resumed.update(Metrics.reconstruction(r))));
        }
        assertArrayEquals(original.saveState(), resumed.saveState());
    }

    @Provide
    Arbitrary<GecoController.Config> configs() {
        Arbitrary<Double> targets = Arbitraries.doubles().between(-5, 5).ofScale(3);
        Arbitrary<Double> rates = Arbitraries.doubles().between(0.001, 1).ofScale(4);
        Arbitrary<Double> smoothing = Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 0.999).ofScale(3));
        Arbitrary<Double> mins = Arbitraries.doubles().between(1e-4, 1).ofScale(4);
        Arbitrary<Double> spans = Arbitraries.doubles().between(0.01, 10).ofScale(3);
        Arbitrary<Double> starts = Arbitraries.doubles().between(0, 1).ofScale(3);
        return Combinators.combine(targets, rates, smoothing, mins, spans, starts).as((t, r, s, lo, span, u) ->
                new GecoController.Config(t, r, s, lo, lo + span, lo + u * span));
    }

    @Provide
    Arbitrary<List<Double>> losses() {
        return Arbitraries.doubles().between(-10, 100).ofScale(3).list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<Double> gaps() {
        return Arbitraries.doubles().between(0.01, 5).ofScale(3);
    }
}
