package dev.kiln.mixture;

import dev.kiln.anneal.Annealings;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemperatureScheduleProperties {

    /** The rising toolkit schedules used as progress curves, with warm-ups and ramps of 1 to 40 epochs. */
    @Provide
    Arbitrary<TemperatureSchedule> schedules() {
        Arbitrary<Double> ramp = Arbitraries.doubles().between(1, 40).ofScale(1);
        Arbitrary<Double> warm = Arbitraries.doubles().between(0, 10).ofScale(1);
        Arbitrary<String> type = Arbitraries.of("cosine", "sigmoid", "linear_warmup");
        Arbitrary<Double> start = Arbitraries.doubles().between(0.5, 5).ofScale(2);
        Arbitrary<Double> ratio = Arbitraries.doubles().between(0.01, 0.9).ofScale(2);
        return net.jqwik.api.Combinators.combine(type, warm, ramp, start, ratio).as((t, w, r, s, q) -> {
            Map<String, Object> p = t.equals("linear_warmup")
                    ? Map.of("warmup_epochs", r, "max_beta", 1.0)
                    : Map.of("warmup_epochs", w, "ramp_epochs", r);
            return new TemperatureSchedule(s, s * q, Annealings.schedule(t, p));
        });
    }

    @Property(tries = 100)
    @Label("τ starts at start, never rises, stays in [end, start] and reaches end once the ramp is over")
    void temperatureReallyAnneals(@ForAll("schedules") TemperatureSchedule s) {
        assertEquals(s.start(), s.at(0), 1e-12);
        double previous = s.at(0);
        for (double t = 0.25; t <= 60; t += 0.25) {
            double tau = s.at(t);
            assertTrue(tau <= previous + 1e-12, "τ rose at t = " + t + ": " + previous + " → " + tau);
            assertTrue(tau >= s.end() - 1e-12 && tau <= s.start() + 1e-12, "τ(" + t + ") = " + tau);
            previous = tau;
        }
        assertEquals(s.end(), s.at(60), 1e-3 * s.end());                // every ramp is over by t = 50
        assertTrue(s.at(60) < s.start(), "τ did not anneal");
    }

    @Example
    void aScheduleThatDoesNotStartAtZeroOrFallsBackIsRefused() {
        var constant = Annealings.schedule("constant", Map.of("beta", 1.0));
        var cyclical = Annealings.schedule("cyclical", Map.of("total_epochs", 10.0));
        var cosine = Annealings.schedule("cosine", Map.of("ramp_epochs", 10.0));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(1, 0.5, constant));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(1, 0.5, cyclical));
        IllegalArgumentException up = assertThrows(IllegalArgumentException.class,
                () -> new TemperatureSchedule(0.5, 1, cosine));
        assertTrue(up.getMessage().contains("end = 1.0"), up.getMessage());
    }

    @Example
    void aCosineRampGivesTheHalfCosineFall() {
        TemperatureSchedule s = new TemperatureSchedule(1.0, 0.2, Annealings.schedule("cosine", Map.of("ramp_epochs", 10.0)));
        assertEquals(0.6, s.at(5), 1e-12);                              // halfway: (1 + 0.2)/2
        assertEquals(0.2, s.at(10), 1e-12);
    }
}
