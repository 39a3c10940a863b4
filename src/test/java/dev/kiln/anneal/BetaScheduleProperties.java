package dev.kiln.anneal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BetaScheduleProperties {

    // ------------------------------------------------------------------ properties

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 400)
    @Label("β stays in [0, max_beta] for every epoch, t = 0 and t far past the end included")
    void betaStaysWithinZeroAndMax(@ForAll("schedules") BetaSchedule schedule, @ForAll("epochs") double epoch) {
        Statistics.label("type").collect(schedule.name());
        Statistics.label("epoch").collect(epoch == 0 ? "t = 0" : epoch > 1000 ? "far past the end" : "inside");
        Statistics.label("type").coverage(c -> {
            for (String type : List.of("constant", "linear_warmup", "ultra_conservative", "cyclical", "staged",
                    "sigmoid", "cosine")) {
                c.check(type).count(n -> n > 0);
            }
        });
        Statistics.label("epoch").coverage(c -> {
            c.check("t = 0").count(n -> n > 0);
            c.check("far past the end").count(n -> n > 0);
        });
        double beta = schedule.beta(epoch);
        assertTrue(beta >= 0 && beta <= schedule.maxBeta(),
                schedule.describe() + ": β(" + epoch + ") = " + beta + " outside [0, " + schedule.maxBeta() + "]");
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 300)
    @Label("monotone schedules never decrease")
    void monotoneSchedulesNeverDecrease(@ForAll("monotoneSchedules") BetaSchedule schedule,
                                        @ForAll("epochs") double a, @ForAll("epochs") double b) {
        double early = Math.min(a, b), late = Math.max(a, b);
        assertTrue(schedule.monotone(), schedule.describe());
        assertTrue(schedule.beta(early) <= schedule.beta(late),
                schedule.describe() + ": β(" + early + ") = " + schedule.beta(early) + " > β(" + late + ") = "
                        + schedule.beta(late));
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 300)
    @Label("cyclical is periodic: β(t + k·P) = β(t), also past total_epochs")
    void cyclicalIsPeriodic(@ForAll("cyclicals") CyclicalSchedule schedule,
                            @ForAll("phases") double phase, @ForAll("cycleIndices") int k) {
        double period = schedule.period();
        double first = schedule.beta(phase * period);
        double later = schedule.beta((k + phase) * period);
        assertEquals(first, later, Tolerances.F32 * Math.max(1, schedule.maxBeta()),
                schedule.describe() + " at phase " + phase + ", cycle " + k);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 200)
    @Label("each cycle starts at β = 0 and holds max_beta after its rising fraction")
    void eachCycleStartsAtZeroAndHoldsMaxAfterTheRatio(@ForAll("cyclicals") CyclicalSchedule s,
                                                        @ForAll("cycleIndices") int k) {
        double period = s.period();
        assertEquals(0, s.beta(k * period), Tolerances.F32 * s.maxBeta() + 1e-12, s.describe());
        if (s.ratio() < 1) {                                          // ratio = 1: the cycle has no holding part
            double afterRise = (k + s.ratio() + (1 - s.ratio()) / 2) * period;
            assertEquals(s.maxBeta(), s.beta(afterRise), Tolerances.F32 * s.maxBeta(), s.describe());
        }
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 200)
    @Label("every ramp shape goes from 0 to 1 without decreasing")
    void rampShapesRiseFromZeroToOne(@ForAll RampShape shape, @ForAll("fractions") double u, @ForAll("fractions") double v) {
        assertEquals(0, shape.apply(0));
        assertEquals(1, shape.apply(1));
        double lo = Math.min(u, v), hi = Math.max(u, v);
        assertTrue(shape.apply(lo) <= shape.apply(hi), shape + " decreases between " + lo + " and " + hi);
    }

    // ------------------------------------------------------------------ tables (fixtures)

    @Example
    void ultraConservativeDefaultsMatchTheirTable() throws IOException {
        checkTable("ultra_conservative", UltraConservative.defaults());
    }

    @Example
    void factoryPresetMatchesSeed000Table() throws IOException {
        checkTable("factory", StagedSchedule.factory());
    }

    @Example
    void everyFixtureTableMatchesTheScheduleBuiltFromItsParameters() throws IOException {
        JsonObject all = fixtures();
        for (Map.Entry<String, JsonElement> e : all.entrySet()) {
            JsonObject entry = e.getValue().getAsJsonObject();
            @SuppressWarnings("unchecked")
            Map<String, Object> params = new Gson().fromJson(entry.get("params"), Map.class);
            String type = entry.has("type") ? entry.get("type").getAsString() : e.getKey();
            checkTable(e.getKey(), Annealings.schedule(type, params));
        }
    }

    @Example
    void capacityTargetPenaltyAndGradientMatchTheirHandWorkedTable() throws IOException {
        JsonObject entry = new Gson().fromJson(Files.readString(Path.of("fixtures", "schedules.json")), JsonObject.class)
                .getAsJsonObject("capacity");
        @SuppressWarnings("unchecked")
        Map<String, Object> params = new Gson().fromJson(entry.get("params"), Map.class);
        CapacityAnnealing c = (CapacityAnnealing) Annealings.create(CapacityAnnealing.NAME, params);
        int rows = 0;
        for (JsonElement element : entry.getAsJsonArray("table")) {
            JsonObject row = element.getAsJsonObject();
            double t = row.get("epoch").getAsDouble(), kl = row.get("kl").getAsDouble();
            String at = c.describe() + " at epoch " + t + ", KL " + kl;
            assertEquals(row.get("capacity").getAsDouble(), c.capacity(t), Tolerances.FIXTURE_EXACT, at);
            assertEquals(row.get("penalty").getAsDouble(), c.penalty(kl, t), Tolerances.FIXTURE_EXACT, at);
            assertEquals(row.get("gradient").getAsDouble(), c.penaltyGradient(kl, t), Tolerances.FIXTURE_EXACT, at);
            rows++;
        }
        assertTrue(rows > 0, "the capacity fixture table is empty");
    }

    @Example
    void rampShapesMatchTheirFormulasInsideTheUnitInterval() {
        // Hand-worked: cos(π/4) = √2/2, cos(π/6) = √3/2; the sigmoid rescaled by s(±k/2).
        assertEquals((1 - Math.sqrt(0.5)) / 2, RampShape.COSINE.apply(0.25), Tolerances.FIXTURE_EXACT);
        assertEquals((1 - Math.sqrt(3) / 2) / 2, RampShape.cosine(1.0 / 6), Tolerances.FIXTURE_EXACT);
        assertEquals(0.5, RampShape.COSINE.apply(0.5), Tolerances.FIXTURE_EXACT);
        assertEquals(0.3, RampShape.LINEAR.apply(0.3), Tolerances.FIXTURE_EXACT);
        double s0 = 1 / (1 + Math.exp(5)), s1 = 1 / (1 + Math.exp(-5));
        double expected = (1 / (1 + Math.exp(-10 * (0.3 - 0.5))) - s0) / (s1 - s0);     // 0.1125…
        assertEquals(expected, RampShape.SIGMOID.apply(0.3), Tolerances.FIXTURE_EXACT);
        assertEquals(0.5, RampShape.SIGMOID.apply(0.5), Tolerances.FIXTURE_EXACT);
        assertEquals(1 - expected, RampShape.SIGMOID.apply(0.7), Tolerances.FIXTURE_EXACT);   // point symmetry
        assertEquals(0, RampShape.SIGMOID.apply(-2));                                          // clamped
        assertEquals(1, RampShape.COSINE.apply(3));
        assertEquals(1, RampShape.LINEAR.apply(1.5));
    }

    @Example
    void ultraConservativeIsZeroBeforeEpoch20AndPointOneFromEpoch80() {
        UltraConservative s = UltraConservative.defaults();
        assertEquals(0.0, s.beta(Math.nextDown(20.0)));
        assertEquals(0.1, s.beta(80));
        assertTrue(s.beta(20.5) > 0);
        assertTrue(s.beta(Math.nextDown(80.0)) < 0.1);
    }

    @Example
    void negativeOrNonFiniteEpochsAreRefusedWithTheScheduleName() {
        BetaSchedule s = UltraConservative.defaults();
        for (double bad : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.beta(bad));
            assertTrue(e.getMessage().startsWith("ultra_conservative: epoch"), e.getMessage());
        }
    }

    @Example
    void recordsRejectBadFieldsNamingThem() {
        assertMessage(() -> new UltraConservative(20, 0, 0.1), "ramp_epochs");
        assertMessage(() -> new LinearWarmup(-1, 0.1), "warmup_epochs");
        assertMessage(() -> new CyclicalSchedule(40, 4, 1.5, 1, RampShape.LINEAR), "ratio must be in (0, 1]");
        assertMessage(() -> new CyclicalSchedule(40, 0, 0.5, 1, RampShape.LINEAR), "cycles");
        assertMessage(() -> new StagedSchedule(List.of(new StagedSchedule.Stage(1, 0)), false), "start at epoch 0");
        assertMessage(() -> new StagedSchedule(List.of(new StagedSchedule.Stage(0, 0), new StagedSchedule.Stage(0, 1)),
                false), "strictly increase");
        assertMessage(() -> new ConstantSchedule(Double.NaN), "beta");
        assertMessage(() -> new SigmoidRamp(0, 10, 1, 0), "steepness");
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Double> epochs() {
        return Arbitraries.oneOf(
                Arbitraries.just(0.0),
                Arbitraries.doubles().between(0, 150).ofScale(3),
                Arbitraries.doubles().between(1000, 1e7).ofScale(1));
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1).ofScale(6).edgeCases(c -> c.includeOnly(0.0, 1.0));
    }

    @Provide
    Arbitrary<Double> phases() {
        return Arbitraries.doubles().between(0, 0.999).ofScale(4);
    }

    @Provide
    Arbitrary<Integer> cycleIndices() {
        return Arbitraries.integers().between(1, 50);
    }

    private static Arbitrary<Double> epochSpans() {
        return Arbitraries.doubles().between(0, 60).ofScale(2);
    }

    private static Arbitrary<Double> positiveSpans() {
        return Arbitraries.doubles().between(0.01, 60).ofScale(2);
    }

    private static Arbitrary<Double> maxBetas() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 10).ofScale(4));
    }

    @Provide
    Arbitrary<CyclicalSchedule> cyclicals() {
        return Combinators.combine(positiveSpans(), Arbitraries.integers().between(1, 8),
                Arbitraries.doubles().between(0.01, 1).ofScale(3).edgeCases(c -> c.includeOnly(1.0)),
                maxBetas(), Arbitraries.of(RampShape.class))
                .as(CyclicalSchedule::new);
    }

    @Provide
    Arbitrary<BetaSchedule> monotoneSchedules() {
        Arbitrary<StagedSchedule> risingStages = stages(true);
        return Arbitraries.oneOf(
                maxBetas().map(ConstantSchedule::new),
                Combinators.combine(epochSpans(), maxBetas()).as(LinearWarmup::new),
                Combinators.combine(epochSpans(), positiveSpans(), maxBetas()).as(UltraConservative::new),
                Combinators.combine(epochSpans(), positiveSpans(), maxBetas(),
                        Arbitraries.doubles().between(0.5, 40).ofScale(2)).as(SigmoidRamp::new),
                Combinators.combine(epochSpans(), positiveSpans(), maxBetas()).as(CosineRamp::new),
                risingStages,
                Arbitraries.just(UltraConservative.defaults()),
                Arbitraries.just(StagedSchedule.factory()));
    }

    @Provide
    Arbitrary<BetaSchedule> schedules() {
        return Arbitraries.oneOf(monotoneSchedules(), cyclicals(), stages(false));
    }

    /** Staged schedules with 1..6 stages; {@code rising}: values sorted so the schedule is monotone. */
    private static Arbitrary<StagedSchedule> stages(boolean rising) {
        Arbitrary<List<Double>> gaps = Arbitraries.doubles().between(0.1, 20).ofScale(2).list().ofMinSize(0).ofMaxSize(5);
        Arbitrary<List<Double>> values = Arbitraries.doubles().between(0, 8).ofScale(3).list().ofSize(6);
        return Combinators.combine(gaps, values, Arbitraries.of(true, false)).as((g, v, interpolate) -> {
            List<Double> betas = new ArrayList<>(v.subList(0, g.size() + 1));
            if (rising) betas.sort(null);
            List<StagedSchedule.Stage> out = new ArrayList<>();
            double start = 0;
            out.add(new StagedSchedule.Stage(0, betas.get(0)));
            for (int i = 0; i < g.size(); i++) {
                start += g.get(i);
                out.add(new StagedSchedule.Stage(start, betas.get(i + 1)));
            }
            return new StagedSchedule(out, interpolate);
        });
    }

    // ------------------------------------------------------------------ fixture helpers

    static JsonObject fixtures() throws IOException {
        return new Gson().fromJson(Files.readString(Path.of("fixtures", "schedules.json")), JsonObject.class)
                .getAsJsonObject("schedules");
    }

    private static void checkTable(String name, BetaSchedule schedule) throws IOException {
        JsonObject entry = fixtures().getAsJsonObject(name);
        int rows = 0;
        for (JsonElement row : entry.getAsJsonArray("table")) {
            double t = row.getAsJsonObject().get("epoch").getAsDouble();
            double expected = row.getAsJsonObject().get("beta").getAsDouble();
            double actual = schedule.beta(t);
            double tolerance = entry.has("exact") && entry.get("exact").getAsBoolean()
                    ? Tolerances.FIXTURE_EXACT * Math.max(1, Math.abs(expected))
                    : Tolerances.WORKED_EXAMPLE * Math.abs(expected);
            assertEquals(expected, actual, tolerance,
                    name + " (" + schedule.describe() + ") at epoch " + t);
            rows++;
        }
        assertTrue(rows > 0, "fixture table for " + name + " is empty");
    }
}
