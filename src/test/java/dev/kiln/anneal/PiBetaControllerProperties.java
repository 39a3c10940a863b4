package dev.kiln.anneal;

import dev.kiln.tensor.NonFiniteException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PiBetaControllerProperties {

    @Property(tries = 200)
    @Label("β stays in [β_min, β_max] and the integral in [0, β_max − β_min] for any KL history")
    void betaAndIntegralStayInBounds(@ForAll("configs") PiBetaController.Config config,
                                     @ForAll("klHistories") List<Double> history) {
        PiBetaController c = new PiBetaController(config);
        for (double kl : history) {
            double beta = c.update(Metrics.kl(kl));
            assertTrue(beta >= config.betaMin() && beta <= config.betaMax(), "β = " + beta + " for " + config);
            assertTrue(c.integral() >= 0 && c.integral() <= config.betaMax() - config.betaMin(),
                    "integral " + c.integral() + " for " + config);
        }
    }

    @Property(tries = 200)
    @Label("KL above the set point raises β from a fresh controller, KL below lowers it")
    void klAboveSetPointRaisesBetaAndBelowLowersIt(@ForAll("configs") PiBetaController.Config config,
                                                  @ForAll("positiveErrors") double error) {
        PiBetaController up = new PiBetaController(config);
        double before = up.beta();
        double after = up.update(Metrics.kl(config.setPoint() + error));
        if (before < config.betaMax()) assertTrue(after > before, "β " + before + " → " + after + " for " + config);
        else assertEquals(config.betaMax(), after);

        PiBetaController down = new PiBetaController(config);
        double afterDown = down.update(Metrics.kl(Math.max(0, config.setPoint() - error)));
        assertTrue(afterDown <= before, "β " + before + " → " + afterDown + " for KL below the set point, " + config);
    }

    @Property(tries = 200)
    @Label("from any state, a larger measured KL never gives a smaller β")
    void betaIsMonotoneInTheMeasuredKl(@ForAll("configs") PiBetaController.Config config,
                                       @ForAll("klHistories") List<Double> history,
                                       @ForAll("klValues") double a, @ForAll("klValues") double b) {
        PiBetaController c = new PiBetaController(config);
        for (double kl : history) c.update(Metrics.kl(kl));
        double[] state = c.saveState();
        double betaLow = c.update(Metrics.kl(Math.min(a, b)));
        c.restoreState(state);
        double betaHigh = c.update(Metrics.kl(Math.max(a, b)));
        assertTrue(betaLow <= betaHigh, "KL " + Math.min(a, b) + " → β " + betaLow + " but KL " + Math.max(a, b)
                + " → β " + betaHigh);
    }

    @Property(tries = 200)
    @Label("KL held above the set point drives β up to β_max without ever lowering it")
    void klHeldAboveSetPointDrivesBetaToItsMaximum(@ForAll("configs") PiBetaController.Config config,
                                                   @ForAll("positiveErrors") double error) {
        PiBetaController c = new PiBetaController(config);
        double previous = c.beta();
        int limit = (int) Math.ceil((config.betaMax() - config.betaMin()) / (config.ki() * error)) + 2;
        for (int i = 0; i < limit && c.beta() < config.betaMax(); i++) {
            double beta = c.update(Metrics.kl(config.setPoint() + error));
            assertTrue(beta >= previous, "β fell from " + previous + " to " + beta);
            previous = beta;
        }
        assertEquals(config.betaMax(), c.beta(), "β did not reach β_max within " + limit + " updates");
    }

    @Property(tries = 200)
    @Label("anti-windup: while β sits at β_max and KL stays above the set point, the integral does not move")
    void integralDoesNotWindUpWhileSaturated(@ForAll("configs") PiBetaController.Config config,
                                             @ForAll("klHistories") List<Double> history,
                                             @ForAll("positiveErrors") double error,
                                             @ForAll @IntRange(min = 1, max = 500) int extra) {
        PiBetaController c = new PiBetaController(config);
        for (double kl : history) c.update(Metrics.kl(kl));
        double kl = config.setPoint() + error;
        c.update(Metrics.kl(kl));
        saturate(c, kl);                                                   // saturated by this very KL
        double integralAtSaturation = c.integral();
        for (int i = 0; i < extra; i++) {
            assertEquals(config.betaMax(), c.update(Metrics.kl(kl)));
            assertEquals(integralAtSaturation, c.integral(),
                    "the integral wound up while saturated (update " + (i + 1) + " of " + extra + ")");
        }
    }

    @Property(tries = 200)
    @Label("anti-windup: after any time at β_max, the first KL below the set point moves β off the bound")
    void firstErrorOfTheOtherSignLeavesSaturationAtOnce(@ForAll("configs") PiBetaController.Config config,
                                                        @ForAll("positiveErrors") double error,
                                                        @ForAll @IntRange(min = 0, max = 2000) int saturatedUpdates,
                                                        @ForAll("positiveErrors") double recovery) {
        PiBetaController c = new PiBetaController(config);
        saturate(c, config.setPoint() + error);
        for (int i = 0; i < saturatedUpdates; i++) c.update(Metrics.kl(config.setPoint() + error));
        double below = Math.max(0, config.setPoint() - recovery);
        if (below < config.setPoint()) {
            double beta = c.update(Metrics.kl(below));
            assertTrue(beta < config.betaMax(), "β stuck at β_max after " + saturatedUpdates
                    + " saturated updates; integral " + c.integral());
        }
    }

    @Property(tries = 100)
    @Label("save and restore continue bit-identically")
    void saveAndRestoreContinueBitIdentically(@ForAll("configs") PiBetaController.Config config,
                                              @ForAll("klHistories") List<Double> before,
                                              @ForAll("klHistories") List<Double> after) {
        PiBetaController original = new PiBetaController(config);
        for (double kl : before) original.update(Metrics.kl(kl));
        PiBetaController resumed = new PiBetaController(config);
        resumed.restoreState(original.saveState());
        for (double kl : after) {
            assertEquals(Double.doubleToRawLongBits(original.update(Metrics.kl(kl))),
                    Double.doubleToRawLongBits(resumed.update(Metrics.kl(kl))));
        }
        assertArrayEquals(original.saveState(), resumed.saveState());
    }

    /** Feeds {@code kl} (above the set point) until β = β_max; fails instead of looping if it never gets there. */
    private static void saturate(PiBetaController c, double kl) {
        PiBetaController.Config cfg = c.config();
        double e = kl - cfg.setPoint();
        int limit = (int) Math.ceil((cfg.betaMax() - cfg.betaMin()) / (cfg.ki() * e)) + 2;
        for (int i = 0; i < limit && c.beta() < cfg.betaMax(); i++) c.update(Metrics.kl(kl));
        assertEquals(cfg.betaMax(), c.beta(), "β did not reach β_max within " + limit + " updates with KL "
                + e + " above the set point");
    }

    @Example
    void nonFiniteKlIsRefusedNamingTheController() {
        PiBetaController c = new PiBetaController(PiBetaController.Config.withSetPoint(0.05));
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> c.update(Metrics.reconstruction(1)));
        assertTrue(e.getMessage().startsWith("adaptive:"), e.getMessage());
    }

    @Example
    void restoreRejectsAnIntegralOutsideItsRange() {
        PiBetaController c = new PiBetaController(PiBetaController.Config.withSetPoint(0.05));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {5, 0.5, 3}));
        assertThrows(IllegalArgumentException.class, () -> c.restoreState(new double[] {0.1, 0.5}));
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<PiBetaController.Config> configs() {
        Arbitrary<Double> setPoints = Arbitraries.doubles().between(0, 0.5).ofScale(4);
        Arbitrary<Double> kps = Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 5).ofScale(3));
        Arbitrary<Double> kis = Arbitraries.doubles().between(0.01, 2).ofScale(4);
        Arbitrary<Double> mins = Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 1).ofScale(3));
        Arbitrary<Double> spans = Arbitraries.doubles().between(0.01, 5).ofScale(3);
        Arbitrary<Double> starts = Arbitraries.doubles().between(0, 1).ofScale(3);
        return Combinators.combine(setPoints, kps, kis, mins, spans, starts).as((sp, kp, ki, lo, span, u) ->
                new PiBetaController.Config(sp, kp, ki, lo, lo + span, lo + u * span));
    }

    @Provide
    Arbitrary<Double> klValues() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 2).ofScale(5),
                Arbitraries.doubles().between(2, 1000).ofScale(2));
    }

    @Provide
    Arbitrary<List<Double>> klHistories() {
        return klValues().list().ofMinSize(0).ofMaxSize(40);
    }

    @Provide
    Arbitrary<Double> positiveErrors() {
        return Arbitraries.doubles().between(0.01, 3).ofScale(4);
    }
}
