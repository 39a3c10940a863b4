package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.GradCheck;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)   // coverage is still checked
class GumbelSoftmaxProperties {

    @Provide
    Arbitrary<int[]> classShapes() {
        return LossCases.classShapes(1, 5);
    }

    /** Temperatures from sharp (0.1) to flat (5), the ends being edge cases. */
    @Provide
    Arbitrary<Float> temperatures() {
        return Arbitraries.floats().between(0.1f, 5f).ofScale(3);
    }

    /** A mask over C classes with at least one open (half the time: no mask, null). */
    private static boolean[] maskOrNull(Rng rng, int classes, boolean masked) {
        if (!masked) return null;
        boolean[] allowed = new boolean[classes];
        for (int c = 0; c < classes; c++) allowed[c] = rng.nextInt(2) == 0;
        allowed[rng.nextInt(classes)] = true;
        return allowed;
    }

    @Property(tries = 60)
    @Label("Soft samples are probabilities summing to 1 per cell; masked classes are exactly 0")
    void softSamplesSumToOne(@ForAll("classShapes") int[] shape, @ForAll("temperatures") float tau,
                             @ForAll boolean masked, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Statistics.label("cells").collect(LossCases.cellsLabel(shape))
                .coverage(c -> c.check("S > 1").count(n -> n > 0));
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 2.0, shape);
        ClassShape s = ClassShape.of("test", x);
        boolean[] allowed = maskOrNull(rng, s.classes(), masked);
        Tensor y = new GumbelSoftmax(tau, false, rng.split()).forward(x, allowed);
        forEachCell(s, (b, cell) -> {
            double sum = 0;
            for (int c = 0; c < s.classes(); c++) {
                float p = y.data[(b * s.classes() + c) * s.inner() + cell];
                if (allowed != null && !allowed[c]) assertTrue(p == 0f, "masked class " + c + " has " + p);
                sum += p;
            }
            assertEquals(1.0, sum, Tolerances.F32);
        });
    }

    @Property(tries = 60)
    @Label("Straight-through forward is exactly one-hot, at the argmax of the soft sample, never on a masked class")
    void straightThroughIsExactlyOneHot(@ForAll("classShapes") int[] shape, @ForAll("temperatures") float tau,
                                        @ForAll boolean masked,
                                        @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 2.0, shape);
        ClassShape s = ClassShape.of("test", x);
        boolean[] allowed = maskOrNull(rng, s.classes(), masked);
        GumbelSoftmax op = new GumbelSoftmax(tau, true, rng.split());
        Tensor hard = op.forward(x, allowed);
        Tensor soft = op.lastSoft();
        forEachCell(s, (b, cell) -> {
            int ones = 0;
            int hot = -1;
            for (int c = 0; c < s.classes(); c++) {
                float v = hard.data[(b * s.classes() + c) * s.inner() + cell];
                assertTrue(v == 0f || v == 1f, "entry " + v);
                if (v == 1f) {
                    ones++;
                    hot = c;
                }
            }
            assertEquals(1, ones);
            assertTrue(allowed == null || allowed[hot], "picked masked class " + hot);
            for (int c = 0; c < s.classes(); c++) {
                assertTrue(soft.data[(b * s.classes() + c) * s.inner() + cell]
                        <= soft.data[(b * s.classes() + hot) * s.inner() + cell], "not the argmax");
            }
        });
    }

    @Property(tries = 40)
    @Label("The same seed gives identical samples, soft and straight-through")
    void sameSeedGivesIdenticalSamples(@ForAll("classShapes") int[] shape, @ForAll("temperatures") float tau,
                                       @ForAll boolean straightThrough,
                                       @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Tensor x = LossCases.gaussian(new Rng(seed), 2.0, shape);
        GumbelSoftmax a = new GumbelSoftmax(tau, straightThrough, new Rng(seed + 3));
        GumbelSoftmax b = new GumbelSoftmax(tau, straightThrough, new Rng(seed + 3));
        assertArrayEquals(a.forward(x).data, b.forward(x).data);
        assertArrayEquals(a.forward(x).data, b.forward(x).data);
    }

    @Property(tries = 60)
    @Label("Gumbel-softmax backward matches central differences with the noise held fixed, masked or not")
    void backwardMatchesCentralDifferences(@ForAll("classShapes") int[] shape, @ForAll("temperatures") float tau,
                                           @ForAll boolean masked,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 1.0, shape);
        ClassShape s = ClassShape.of("test", x);
        boolean[] allowed = maskOrNull(rng, s.classes(), masked);
        Tensor noise = Tensor.zeros(shape);
        for (int i = 0; i < noise.size(); i++) noise.data[i] = (float) rng.nextGumbel();
        float[] r = new float[x.size()];
        rng.fillGaussian(r, r.length);
        GumbelSoftmax op = new GumbelSoftmax(tau, false, new Rng(seed));
        op.forward(x, allowed, noise);
        float[] analytic = op.backward(Tensor.of(r.clone(), shape)).data;
        GradCheck.check("gumbel_softmax τ=" + tau, x.data, analytic,
                () -> GradCheck.dot(r, op.forward(x, allowed, noise).data), rng);
        if (allowed != null) {
            forEachCell(s, (b, cell) -> {
                for (int c = 0; c < s.classes(); c++) {
                    float g = analytic[(b * s.classes() + c) * s.inner() + cell];
                    if (!allowed[c]) assertTrue(g == 0f, "masked class " + c + " has gradient " + g);
                }
            });
        }
    }

    @Property(tries = 30)
    @Label("Straight-through backward is the soft path's backward for the same noise")
    void straightThroughBackwardIsTheSoftGradient(@ForAll("classShapes") int[] shape,
                                                  @ForAll("temperatures") float tau, @ForAll boolean masked,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        Tensor x = LossCases.gaussian(rng, 2.0, shape);
        boolean[] allowed = maskOrNull(rng, shape[1], masked);
        Tensor dy = LossCases.gaussian(rng, 1.0, shape);
        GumbelSoftmax soft = new GumbelSoftmax(tau, false, new Rng(seed + 1));
        GumbelSoftmax hard = new GumbelSoftmax(tau, true, new Rng(seed + 1));
        soft.forward(x, allowed);
        hard.forward(x, allowed);
        assertArrayEquals(soft.backward(dy).data, hard.backward(dy).data);
    }

    @Example
    void hardSamplesFollowTheSoftmaxOfTheLogits() {
        // Gumbel-max: argmax(x + g) is a draw from softmax(x); so the straight-through forward, at any τ
        float[] logits = {1f, 0f, -1f, 0.5f};
        int classes = logits.length;
        int draws = 20_000;
        Tensor x = Tensor.zeros(draws, classes);
        for (int b = 0; b < draws; b++) System.arraycopy(logits, 0, x.data, b * classes, classes);
        Tensor hard = new GumbelSoftmax(0.7f, true, new Rng(2024)).forward(x);
        Tensor p = new Softmax().forward(Tensor.of(logits.clone(), 1, classes));
        for (int c = 0; c < classes; c++) {
            double count = 0;
            for (int b = 0; b < draws; b++) count += hard.data[b * classes + c];
            double pc = p.data[c];
            double bound = Tolerances.MONTE_CARLO_SIGMAS * Math.sqrt(pc * (1 - pc) / draws);
            assertEquals(pc, count / draws, bound, "class " + c);
        }
    }

    @Example
    void aMaskedClassIsNeverPickedAndGetsNoGradientEvenWithTheLargestLogit() {
        Tensor x = Tensor.of(new float[] {50f, 0f, 0.1f}, 1, 3);
        boolean[] allowed = {false, true, true};
        GumbelSoftmax op = new GumbelSoftmax(1f, true, new Rng(9));
        for (int k = 0; k < 20; k++) {
            Tensor hard = op.forward(x, allowed);
            assertTrue(hard.data[0] == 0f);
            Tensor dx = op.backward(Tensor.of(new float[] {5f, -1f, 2f}, 1, 3));
            assertTrue(dx.data[0] == 0f, "masked gradient " + dx.data[0]);
        }
    }

    @Example
    void backwardUsesTheTemperatureOfItsForwardPassWhenAScheduleChangesIt() {
        Tensor x = Tensor.of(new float[] {0.3f, -0.2f, 1f}, 1, 3);
        Tensor noise = Tensor.of(new float[] {0.1f, 0.5f, -0.4f}, 1, 3);
        Tensor dy = Tensor.of(new float[] {1f, -2f, 0.5f}, 1, 3);
        GumbelSoftmax reference = new GumbelSoftmax(0.5f, false, new Rng(1));
        reference.forward(x, null, noise);
        GumbelSoftmax annealed = new GumbelSoftmax(0.5f, false, new Rng(1));
        annealed.forward(x, null, noise);
        annealed.setTemperature(2f);
        assertArrayEquals(reference.backward(dy).data, annealed.backward(dy).data);
    }

    @Example
    void invalidTemperaturesAndMasksAreRefused() {
        for (float tau : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new GumbelSoftmax(tau, false, new Rng(1)));
            assertTrue(e.getMessage().startsWith("gumbel_softmax: temperature = " + tau), e.getMessage());
        }
        GumbelSoftmax op = new GumbelSoftmax(1f, false, new Rng(1));
        assertThrows(IllegalArgumentException.class, () -> op.setTemperature(0f));
        Tensor x = Tensor.zeros(2, 3);
        IllegalArgumentException closed = assertThrows(IllegalArgumentException.class,
                () -> op.forward(x, new boolean[] {false, false, false}));
        assertTrue(closed.getMessage().contains("allows no class"), closed.getMessage());
        ShapeMismatchException wrong = assertThrows(ShapeMismatchException.class,
                () -> op.forward(x, new boolean[] {true, true}));
        assertTrue(wrong.getMessage().contains("mask has length 2"), wrong.getMessage());
    }

    private interface CellVisitor {
        void visit(int b, int cell);
    }

    private static void forEachCell(ClassShape s, CellVisitor v) {
        for (int b = 0; b < s.rows(); b++) {
            for (int cell = 0; cell < s.inner(); cell++) v.visit(b, cell);
        }
    }
}
