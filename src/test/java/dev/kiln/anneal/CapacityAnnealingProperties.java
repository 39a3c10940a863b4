package dev.kiln.anneal;

import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityAnnealingProperties {

    @Property(tries = 200)
    @Label("the capacity target rises from 0 to max_capacity and never falls")
    void capacityRisesMonotonicallyWithinItsRange(@ForAll("capacities") CapacityAnnealing c,
                                                  @ForAll("epochs") double a, @ForAll("epochs") double b) {
        double lo = Math.min(a, b), hi = Math.max(a, b);
        assertEquals(0, c.capacity(0));
        assertTrue(c.capacity(lo) <= c.capacity(hi));
        assertTrue(c.capacity(hi) <= c.maxCapacity());
        assertEquals(c.maxCapacity(), c.capacity(c.rampEpochs()));
    }

    @Property(tries = 200)
    @Label("the penalty gradient pushes KL toward C: +γ above it, −γ below it")
    void gradientSignPointsTowardTheTarget(@ForAll("capacities") CapacityAnnealing c, @ForAll("epochs") double t,
                                           @ForAll("offsets") double offset) {
        double target = c.capacity(t);
        assertEquals(c.gamma(), c.penaltyGradient(target + offset, t));
        assertEquals(-c.gamma(), c.penaltyGradient(target - offset, t));
    }

    @Property(tries = 200)
    @Label("the penalty gradient matches central differences away from the kink")
    void gradientMatchesCentralDifferences(@ForAll("capacities") CapacityAnnealing c, @ForAll("epochs") double t,
                                           @ForAll("offsets") double offset, @ForAll boolean above) {
        double kl = c.capacity(t) + (above ? offset : -offset);
        double h = Tolerances.FD_STEP * Math.min(1, offset);              // stays on one side of the kink
        double numeric = (c.penalty(kl + h, t) - c.penalty(kl - h, t)) / (2 * h);
        double analytic = c.penaltyGradient(kl, t);
        assertEquals(analytic, numeric, Tolerances.GRAD_ABS + Tolerances.GRAD_REL * Math.abs(analytic));
    }

    @Example
    void burgessDefaultsAndAWorkedValue() {
        CapacityAnnealing c = new CapacityAnnealing(100, CapacityAnnealing.DEFAULT_MAX_CAPACITY, CapacityAnnealing.DEFAULT_GAMMA);
        assertEquals(12.5, c.capacity(50));
        assertEquals(1000 * 2.5, c.penalty(10, 50));                         // γ·|10 − 12.5|
        assertEquals(-1000, c.penaltyGradient(10, 50));                      // below the target: push KL up
        assertEquals(0, c.penaltyGradient(12.5, 50));
    }

    @Provide
    Arbitrary<CapacityAnnealing> capacities() {
        return Combinators.combine(Arbitraries.doubles().between(0.5, 200).ofScale(2),
                Arbitraries.doubles().between(0, 50).ofScale(3),
                Arbitraries.doubles().between(0, 2000).ofScale(2)).as(CapacityAnnealing::new);
    }

    @Provide
    Arbitrary<Double> epochs() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 500).ofScale(3));
    }

    @Provide
    Arbitrary<Double> offsets() {
        return Arbitraries.doubles().between(0.01, 30).ofScale(3);
    }
}
