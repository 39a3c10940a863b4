package dev.kiln.monitor;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollapseDetectorProperties {

    private static CollapseDetector.Evaluation klOnly(double klPerDim) {
        return new CollapseDetector.Evaluation(klPerDim, Double.NaN, Double.NaN);
    }

    @Property(tries = 300)
    @Label("the KL warning fires exactly when the last k evaluations were all below the floor, never before")
    void firesAfterExactlyKBadEvaluations(@ForAll @IntRange(min = 1, max = 6) int patience,
                                          @ForAll("badnessSequences") List<Boolean> bad) {
        CollapseDetector.Config cfg = new CollapseDetector.Config(0.05, 0.3, 0.99, patience);
        CollapseDetector d = new CollapseDetector(cfg);
        for (int i = 0; i < bad.size(); i++) {
            List<CollapseDetector.Warning> w = d.observe(klOnly(bad.get(i) ? 0.01 : 0.2));
            boolean lastKBad = i + 1 >= patience;
            for (int back = 0; lastKBad && back < patience; back++) lastKBad = bad.get(i - back);
            assertEquals(lastKBad, !w.isEmpty(), "evaluation " + i + " of " + bad + " with k = " + patience);
            if (lastKBad) {
                assertEquals(CollapseDetector.Kind.KL_COLLAPSE, w.get(0).kind());
                assertTrue(w.get(0).consecutive() >= patience);
            }
        }
    }

    @Property(tries = 100)
    @Label("an unmeasured (NaN) evaluation neither advances nor resets a count")
    void nanNeitherAdvancesNorResets(@ForAll @IntRange(min = 2, max = 6) int patience) {
        CollapseDetector d = new CollapseDetector(new CollapseDetector.Config(0.05, 0.3, 0.99, patience));
        for (int i = 0; i < patience - 1; i++) assertTrue(d.observe(klOnly(0.0)).isEmpty());
        assertTrue(d.observe(klOnly(Double.NaN)).isEmpty());
        assertEquals(patience - 1, d.streak(CollapseDetector.Kind.KL_COLLAPSE));
        assertEquals(1, d.observe(klOnly(0.0)).size());
    }

    @Example
    void eachSymptomHasItsOwnNamedWarning() {
        CollapseDetector d = new CollapseDetector(CollapseDetector.Config.defaults());
        CollapseDetector.Evaluation allBlack = new CollapseDetector.Evaluation(0.001, 0.0, 1.0);
        assertTrue(d.observe(allBlack).isEmpty());
        assertTrue(d.observe(allBlack).isEmpty());
        List<CollapseDetector.Warning> w = d.observe(allBlack);          // the third: default k = 3
        assertEquals(List.of(CollapseDetector.Kind.KL_COLLAPSE, CollapseDetector.Kind.NON_MAJORITY_ACCURACY_LOW,
                CollapseDetector.Kind.MAJORITY_SHARE_HIGH), w.stream().map(CollapseDetector.Warning::kind).toList());
        assertEquals("kl_collapse: KL/dim 0.001 < 0.05 nats/dim for 3 evaluations", w.get(0).message());
        assertTrue(w.get(2).message().startsWith("majority_share_high: "), w.get(2).message());
        assertTrue(d.observe(new CollapseDetector.Evaluation(0.2, 0.5, 0.9)).isEmpty(), "a good evaluation resets");
    }

    @Example
    void defaultsAreSpec001s() {
        CollapseDetector.Config c = CollapseDetector.Config.defaults();
        assertEquals(0.05, c.minKlPerDim());
        assertEquals(0.30, c.minNonMajorityAccuracy());
        assertEquals(3, c.patience());
        assertThrows(IllegalArgumentException.class, () -> new CollapseDetector.Config(0.05, 0.3, 0.99, 0));
    }

    @Example
    void stateRoundTripsThroughSaveAndRestore() {
        CollapseDetector a = new CollapseDetector(CollapseDetector.Config.defaults());
        a.observe(klOnly(0.0));
        a.observe(klOnly(0.0));
        CollapseDetector b = new CollapseDetector(CollapseDetector.Config.defaults());
        b.restoreState(a.saveState());
        assertEquals(a.observe(klOnly(0.0)), b.observe(klOnly(0.0)));
    }

    @Provide
    Arbitrary<List<Boolean>> badnessSequences() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(true)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(false))).list().ofMinSize(0).ofMaxSize(40);
    }
}
