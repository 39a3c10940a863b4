package dev.kiln.mixture;

import dev.kiln.rand.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Example;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class PotCurriculumProperties {

    static PotCurriculum.Config plateau(int pots, int patience, double minRel, double minGain, int kick) {
        return new PotCurriculum.Config(pots, true, PotCurriculum.Trigger.PLATEAU, patience, minRel, minGain, 1,
                new PotCurriculum.Kick(kick, 2, 1, 0.5), PotCurriculum.NewPot.SPLIT, 2);
    }

    /** Feeds a curve (epoch e + 1 gets curve[e]) and returns "type@epoch:pot" for every event. */
    static List<String> run(PotCurriculum c, double[] curve, boolean[] fails) {
        List<String> out = new ArrayList<>();
        for (int e = 0; e < curve.length; e++) {
            PotCurriculum.Event ev = c.observe(e + 1, curve[e], fails != null && fails[e]);
            if (ev != null) out.add(ev.type() + "@" + ev.epoch() + ":" + ev.pot());
        }
        return out;
    }

    @Example
    void aScriptedCurveUnlocksStopsExactlyWhereTheRulesSay() {
        // patience 2, 1 % to improve, a new pot must lower the stage best by 1 %, kicks of 1 epoch.
        double[] curve = {
                100, 90, 89.5, 89.2,        // e1–4: improve, improve, flat, flat → plateau: unlock pot 1 at e4
                95,                         // e5: kick (not judged, however bad)
                88, 85, 84.9, 84.8,         // e6–9: stage 1 plateaus at e9; best 84.8 < 89.2·0.99 → unlock pot 2
                70,                         // e10: kick (not judged, however good)
                84.5, 84.4, 84.3,           // e11–13: plateau at e13; best 84.3 is not < 84.8·0.99 → stop
                10, 5, 1};                  // e14–16: frozen, nothing happens
        PotCurriculum c = new PotCurriculum(plateau(5, 2, 0.01, 0.01, 1));
        assertEquals(List.of("unlock@4:1", "unlock@9:2", "stop@13:2"), run(c, curve, null));
        assertTrue(c.frozen());
        assertEquals(3, c.openCount());
        assertArrayEquals(new boolean[] {true, true, true, false, false}, c.active());
    }

    @Example
    void theKickRunsForItsLengthAndThenEnds() {
        PotCurriculum c = new PotCurriculum(plateau(4, 1, 0.01, 0, 2));
        c.observe(1, 10, false);
        assertFalse(c.inKick());
        assertEquals("unlock", c.observe(2, 10, false).type());          // no improvement, patience 1
        assertTrue(c.inKick());
        assertEquals(1, c.kickPot());
        assertEquals(0.0, c.kickProgress(2.0));
        assertEquals(0.25, c.kickProgress(2.5));
        assertEquals(0.75, c.kickProgress(3.5));
        assertNull(c.observe(3, 1e6, false));                            // kick epoch 1
        assertTrue(c.inKick());
        assertNull(c.observe(4, -1e6, false));                           // kick epoch 2
        assertFalse(c.inKick());
    }

    @Example
    void growthStopsWhenEveryPotIsOpen() {
        double[] curve = {10, 10, 10, /* kick */ 50, 9, 8, 8, 8, 1, 1, 1};
        PotCurriculum c = new PotCurriculum(plateau(2, 2, 0.01, 0.01, 1));
        assertEquals(List.of("unlock@3:1", "full@8:1"), run(c, curve, null));
        assertTrue(c.frozen());
    }

    @Example
    void theNormalityTriggerUnlocksAtTheFirstFailureAfterTheMinimumStage() {
        PotCurriculum.Config cfg = new PotCurriculum.Config(4, true, PotCurriculum.Trigger.NORMALITY, 1, 0.01, 0.0, 3,
                new PotCurriculum.Kick(1, 2, 1, 0.5), PotCurriculum.NewPot.SPLIT, 2);
        double[] curve = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        boolean[] fails = {true, true, false, true, false, true, true, false, true, true};
        // e1–2 fail too early (stage epochs 1, 2); e3 passes; e4 fails with 4 ≥ 3 → unlock at e4;
        // e5 kick; e6, e7 fail too early in stage 1 (1, 2); e8 passes (3); e9 fails (4) → unlock at e9
        assertEquals(List.of("unlock@4:1", "unlock@9:2"), run(new PotCurriculum(cfg), curve, fails));
    }

    @Example
    void aDisabledCurriculumOpensEveryPotAndNeverMoves() {
        PotCurriculum c = new PotCurriculum(new PotCurriculum.Config(3, false, PotCurriculum.Trigger.PLATEAU, 1, 0.5,
                0.5, 1, new PotCurriculum.Kick(1, 2, 1, 0.5), PotCurriculum.NewPot.SPLIT, 2));
        assertArrayEquals(new boolean[] {true, true, true}, c.active());
        assertEquals(List.of(), run(c, new double[] {5, 5, 5, 5, 5, 5}, null));
        assertFalse(c.inKick());
    }

    /**
     * An independent reading of the plateau rules, stage by stage: scan forward from the first
     * judged epoch of a stage to the epoch at which the plateau counter reaches patience.
     */
    static List<String> oracle(double[] curve, int pots, int patience, double minRel, double minGain, int kick) {
        List<String> out = new ArrayList<>();
        if (pots == 1) return out;                                // nothing to open: frozen from the start
        int open = 1, i = 0;
        double previousBest = Double.NaN;
        while (i < curve.length) {
            double ref = curve[i], best = curve[i];
            int since = 0, j = i + 1;
            boolean ended = false;
            for (; j < curve.length && !ended; j++) {
                best = Math.min(best, curve[j]);
                if (curve[j] < ref - minRel * Math.abs(ref)) {
                    ref = curve[j];
                    since = 0;
                } else if (++since >= patience) {
                    ended = true;
                }
            }
            if (!ended) return out;
            int epoch = j;                                        // curve[j − 1] ended it: epoch j
            if (!Double.isNaN(previousBest) && !(best < previousBest - minGain * Math.abs(previousBest))) {
                out.add("stop@" + epoch + ":" + (open - 1));
                return out;
            }
            if (open == pots) {
                out.add("full@" + epoch + ":" + (open - 1));
                return out;
            }
            open++;
            out.add("unlock@" + epoch + ":" + (open - 1));
            previousBest = best;
            i = j + kick;
        }
        return out;
    }

    @Property(tries = 300)
    @Label("On any loss curve, unlocking follows the plateau trigger exactly (checked against a stage-by-stage oracle)")
    void unlockingFollowsThePlateauTriggerExactly(@ForAll @IntRange(min = 1, max = 6) int pots,
                                                  @ForAll @IntRange(min = 1, max = 4) int patience,
                                                  @ForAll @IntRange(min = 0, max = 3) int kick,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        double minRel = 0.02 * rng.nextDouble(), minGain = 0.02 * rng.nextDouble();
        double[] curve = new double[60];
        double v = 100;
        for (int e = 0; e < curve.length; e++) {
            v *= 1 + 0.02 * (rng.nextDouble() - 0.7);                 // a noisy, mostly falling curve
            curve[e] = v;
        }
        List<String> got = run(new PotCurriculum(plateau(pots, patience, minRel, minGain, kick)), curve, null);
        Statistics.label("events").collect(got.isEmpty() ? "none" : got.get(got.size() - 1).split("@")[0])
                .coverage(c -> {
                    c.check("unlock").count(n -> n > 0);
                    c.check("stop").count(n -> n > 0);
                    c.check("full").count(n -> n > 0);
                });
        assertEquals(oracle(curve, pots, patience, minRel, minGain, kick), got);
    }

    @Property(tries = 50)
    @Label("A curriculum saved mid-run and restored continues with exactly the same events")
    void savedAndRestoredCurriculumContinuesIdentically(@ForAll @IntRange(min = 1, max = 39) int cut,
                                                        @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        double[] curve = new double[40];
        double v = 50;
        for (int e = 0; e < curve.length; e++) curve[e] = v *= 1 + 0.03 * (rng.nextDouble() - 0.7);
        PotCurriculum.Config cfg = plateau(5, 2, 0.005, 0.005, 1);
        PotCurriculum straight = new PotCurriculum(cfg), first = new PotCurriculum(cfg), second = new PotCurriculum(cfg);
        List<String> all = run(straight, curve, null);
        List<String> resumed = new ArrayList<>();
        for (int e = 0; e < cut; e++) {
            PotCurriculum.Event ev = first.observe(e + 1, curve[e], false);
            if (ev != null) resumed.add(ev.type() + "@" + ev.epoch() + ":" + ev.pot());
        }
        second.restoreState(first.saveState());
        for (int e = cut; e < curve.length; e++) {
            PotCurriculum.Event ev = second.observe(e + 1, curve[e], false);
            if (ev != null) resumed.add(ev.type() + "@" + ev.epoch() + ":" + ev.pot());
        }
        assertEquals(all, resumed);
        assertArrayEquals(straight.active(), second.active());
    }
}
