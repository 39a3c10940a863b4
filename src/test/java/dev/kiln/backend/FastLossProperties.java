package dev.kiln.backend;

import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static dev.kiln.backend.ReferenceComparison.FAST_ALWAYS_PARALLEL;
import static dev.kiln.backend.ReferenceComparison.FAST_ONE_THREAD;
import static dev.kiln.backend.ReferenceComparison.FAST_SCALAR_PARALLEL;
import static dev.kiln.testing.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fast class-axis and loss kernels ({@code FastClassAxis}, {@code FastLoss}: float exp/log of
 * {@code FastMath}) against the double-precision reference, within bounds derived from FastMath's
 * ≤ 2 ulp (4u relative, u = 2⁻²⁴) and the float roundings each kernel adds (the derivations are in
 * the Javadoc of FastClassAxis and FastLoss; every bound below has a factor of about 2 of headroom):
 * <pre>
 *   logsumexp              2u·(C + 4 + |lse|)
 *   log-softmax            2u·(C + 4 + |x − m| + |y|)                  m = max over the classes
 *   softmax                2u·(C + 8 + |x − m|)·y  + 4·2⁻¹⁴⁹            (subnormal results)
 *   CE / focal backward    2u·(|k|·(2p + 2|p − [c = t]|) + |dx|)        k = scale·w[t] (·G), p = exp(ℓ)
 *   BCE term               2u·(|x·t| + |max(x, 0) − x·t| + 6·log1p(e^−|x|) + |loss|)   (|x·t| only if 0 < t < 1)
 *   BCE backward           2u·(|scale|·(4σ + |σ − t|) + |dx|)
 *   sums                   Σ of the terms' bounds + 1e−12·Σ|terms|      (partials in double)
 * </pre>
 * plus, for the class-axis results, the reference's own error in double ({@link #referenceError}).
 * Where the reference is ±∞ or NaN the fast result must be the same. The vector kernels and their
 * scalar twins, and 1 and 3 threads, must agree bit for bit.
 */
class FastLossProperties {
    private static final double U = 0x1p-24;

    /** The three fast paths that must agree bit for bit: 1 thread, 3 threads, 3 threads on the scalar twins. */
    private static final FastCpuBackend[] FAST = {FAST_ONE_THREAD, FAST_ALWAYS_PARALLEL, FAST_SCALAR_PARALLEL};

    /** Logits at the edges: ±80 (e^80 overflows float), ±1e30, 0. */
    private static final float[] EXTREMES = {80f, -80f, 1e30f, -1e30f, 0f, -0f, 88.7f, -103f};

    /**
     * [rows, classes, inner]: rows 0, 1 and more; classes 1, 2 and more; inner 1, odd sizes around
     * one and two 16-lane vectors, and the ARC decoder's 900 (several tasks of 2048 cells, pieces
     * that cross rows).
     */
    @Provide
    Arbitrary<int[]> classShapes() {
        Arbitrary<Integer> rows = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0)), Tuple.of(3, Arbitraries.just(1)),
                Tuple.of(4, Arbitraries.integers().between(2, 5)));
        Arbitrary<Integer> classes = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(1, 2)), Tuple.of(3, Arbitraries.integers().between(3, 12)));
        Arbitrary<Integer> inner = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(3, Arbitraries.of(3, 15, 17, 31, 33, 47)),
                Tuple.of(1, Arbitraries.integers().between(2, 40)),
                Tuple.of(2, Arbitraries.just(900)));
        return Combinators.combine(rows, classes, inner).as((r, c, s) -> new int[] {r, c, s});
    }

    // ---------------------------------------------------------------- class axis

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void classAxisKernelsAreWithinTheirBoundOfTheReferenceAndTheSameOnEveryFastPath(
            @ForAll("classShapes") int[] shape, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int rows = shape[0], classes = shape[1], inner = shape[2];
        int n = rows * classes * inner;
        Rng rng = new Rng(seed);
        float[] x = withExtremes(gaussian(rng, n, 5f), rng);
        boolean masked = n > 0 && rng.nextInt(2) == 0;
        if (masked) {                                              // one fibre all −∞: logsumexp −∞, softmax NaN
            for (int c = 0; c < classes; c++) x[c * inner] = Float.NEGATIVE_INFINITY;
        }
        Backend ref = ReferenceBackend.INSTANCE;
        float[] lseRef = new float[rows * inner], softmaxRef = new float[n], logSoftmaxRef = new float[n];
        ref.logSumExp(x, rows, classes, inner, lseRef);
        ref.softmax(x, rows, classes, inner, softmaxRef);
        ref.logSoftmax(x, rows, classes, inner, logSoftmaxRef);
        float[] lse0 = null, softmax0 = null, logSoftmax0 = null;
        for (FastCpuBackend fast : FAST) {
            float[] lse = new float[rows * inner], softmax = new float[n], logSoftmax = new float[n];
            fast.logSumExp(x, rows, classes, inner, lse);
            fast.softmax(x, rows, classes, inner, softmax);
            fast.logSoftmax(x, rows, classes, inner, logSoftmax);
            String where = where(shape, fast);
            if (lse0 == null) {
                lse0 = lse;
                softmax0 = softmax;
                logSoftmax0 = logSoftmax;
            } else {
                assertArrayEquals(lse0, lse, "logSumExp bit for bit, " + where);
                assertArrayEquals(softmax0, softmax, "softmax bit for bit, " + where);
                assertArrayEquals(logSoftmax0, logSoftmax, "logSoftmax bit for bit, " + where);
            }
        }
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int cell = b * inner + s, base = b * classes * inner + s;
                float m = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) m = Math.max(m, x[base + c * inner]);
                double refError = referenceError(m, m);
                assertClose("logSumExp", cell, lse0[cell], lseRef[cell],
                        2 * U * (classes + 4 + Math.abs(lseRef[cell])) + refError);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    double xm = Math.abs((double) x[i] - m), refErr = referenceError(x[i], m);
                    assertClose("logSoftmax", i, logSoftmax0[i], logSoftmaxRef[i],
                            2 * U * (classes + 4 + xm + Math.abs(logSoftmaxRef[i])) + refErr);
                    assertClose("softmax", i, softmax0[i], softmaxRef[i],
                            (2 * U * (classes + 8 + xm) + refErr) * softmaxRef[i] + 4 * Float.MIN_VALUE);
                }
            }
        }
        Statistics.label("inner").collect(inner == 1 ? "1" : inner == 900 ? "900" : "odd or small");
        Statistics.label("classes").collect(classes <= 2 ? "1 or 2" : "3..12");
        Statistics.label("inner").coverage(c -> {
            c.check("1").count(k -> k > 0);
            c.check("900").count(k -> k > 0);
        });
        Statistics.label("classes").coverage(c -> c.check("1 or 2").count(k -> k > 0));
    }

    // ---------------------------------------------------------------- cross-entropy and focal

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void crossEntropyAndFocalAreWithinTheirBoundOfTheReferenceAndTheSameOnEveryFastPath(
            @ForAll("classShapes") int[] shape, @ForAll boolean weighted,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int rows = shape[0], classes = shape[1], inner = shape[2];
        int n = rows * classes * inner;
        Rng rng = new Rng(seed);
        float[] logits = withExtremes(gaussian(rng, n, 5f), rng);
        int[] targets = targets(rng, rows, classes, inner);
        float[] weights = weighted ? positive(rng, classes) : null;
        float gamma = new float[] {0f, 0.5f, 1f, 2f}[rng.nextInt(4)];
        float scale = 1f / Math.max(1, rows * inner);
        float[] dx0 = gaussian(rng, n, 0.01f);
        Backend ref = ReferenceBackend.INSTANCE;

        float[] logpRef = new float[n];
        double ceRef = ref.logSoftmaxCrossEntropy(logits, targets, weights, rows, classes, inner, logpRef);
        float[] ceDxRef = dx0.clone(), focalDxRef = dx0.clone();
        ref.crossEntropyBackward(logpRef, targets, weights, rows, classes, inner, scale, ceDxRef);
        double focalRef = ref.focal(logpRef, targets, weights, gamma, rows, classes, inner);
        ref.focalBackward(logpRef, targets, weights, gamma, rows, classes, inner, scale, focalDxRef);

        float[] logp0 = null, ceDx0 = null, focalDx0 = null;
        double fused0 = 0, ce0 = 0, focal0 = 0;
        for (FastCpuBackend fast : FAST) {
            String where = where(shape, fast) + (weighted ? ", weighted" : "") + ", γ = " + gamma;
            float[] logp = new float[n];
            double fused = fast.logSoftmaxCrossEntropy(logits, targets, weights, rows, classes, inner, logp);
            double ce = fast.crossEntropy(logpRef, targets, weights, rows, classes, inner);
            float[] ceDx = dx0.clone(), focalDx = dx0.clone();
            fast.crossEntropyBackward(logpRef, targets, weights, rows, classes, inner, scale, ceDx);
            double focal = fast.focal(logpRef, targets, weights, gamma, rows, classes, inner);
            fast.focalBackward(logpRef, targets, weights, gamma, rows, classes, inner, scale, focalDx);
            float[] lp = new float[n];
            fast.logSoftmax(logits, rows, classes, inner, lp);
            assertArrayEquals(lp, logp, "the fused log-softmax is logSoftmax's, " + where);
            assertEquals(fast.crossEntropy(logp, targets, weights, rows, classes, inner), fused,
                    "the fused sum is crossEntropy of its log-softmax, " + where);
            if (logp0 == null) {
                logp0 = logp;
                ceDx0 = ceDx;
                focalDx0 = focalDx;
                fused0 = fused;
                ce0 = ce;
                focal0 = focal;
            } else {
                assertArrayEquals(logp0, logp, "fused logp bit for bit, " + where);
                assertEquals(fused0, fused, "fused sum bit for bit, " + where);
                assertEquals(ce0, ce, "crossEntropy bit for bit, " + where);
                assertEquals(focal0, focal, "focal bit for bit, " + where);
                assertArrayEquals(ceDx0, ceDx, "crossEntropyBackward bit for bit, " + where);
                assertArrayEquals(focalDx0, focalDx, "focalBackward bit for bit, " + where);
            }
        }

        // Forward: the fused sum within Σ w[t]·(bound of ℓ_t); crossEntropy and focal on the same ℓ
        // compute each cell's term as the reference does and differ only by the double sums' grouping.
        double fusedBound = 0, ceAbs = 0, focalAbs = 0;
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s], base = b * classes * inner + s, i = base + t * inner;
                double w = weighted ? weights[t] : 1.0;
                float m = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) m = Math.max(m, logits[base + c * inner]);
                fusedBound += w * (2 * U * (classes + 4 + Math.abs((double) logits[i] - m) + Math.abs(logpRef[i]))
                        + referenceError(logits[i], m));
                ceAbs += Math.abs(w * logpRef[i]);
                focalAbs += Math.abs(w * Math.pow(-Math.expm1(logpRef[i]), gamma) * logpRef[i]);
            }
        }
        assertClose("logSoftmaxCrossEntropy", -1, fused0, ceRef, fusedBound + 1e-12 * ceAbs);
        assertClose("crossEntropy", -1, ce0, ceRef, 1e-12 * ceAbs);
        assertClose("focal", -1, focal0, focalRef, 1e-12 * focalAbs);

        // Backward: k = scale·w[t] (·G for focal) per cell, p = exp(ℓ) per element.
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s], base = b * classes * inner + s;
                double w = weighted ? weights[t] : 1.0;
                double kCe = scale * w;
                double kFocal = kCe * dev.kiln.kernels.FocalKernel.modulation(logpRef[base + t * inner], gamma);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    double p = Math.exp(logpRef[i]), d = Math.abs(p - (c == t ? 1 : 0));
                    assertClose("crossEntropyBackward", i, ceDx0[i], ceDxRef[i],
                            2 * U * (Math.abs(kCe) * (2 * p + 2 * d) + Math.abs(ceDxRef[i])));
                    assertClose("focalBackward", i, focalDx0[i], focalDxRef[i],
                            2 * U * (Math.abs(kFocal) * (2 * p + 2 * d) + Math.abs(focalDxRef[i])));
                }
            }
        }
        Statistics.label("weights").collect(weighted ? "weighted" : "null");
        Statistics.label("inner").collect(inner == 1 ? "1" : inner == 900 ? "900" : "odd or small");
        Statistics.label("inner").coverage(c -> {
            c.check("1").count(k -> k > 0);
            c.check("900").count(k -> k > 0);
        });
    }

    /** The default method of Backend is exactly the two calls it composes (the reference and OpenCL use it). */
    @Property(tries = 30, edgeCases = EdgeCasesMode.NONE)
    void theDefaultFusedCrossEntropyIsLogSoftmaxThenCrossEntropy(@ForAll("classShapes") int[] shape,
                                                                 @ForAll boolean weighted,
                                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int rows = shape[0], classes = shape[1], inner = shape[2];
        int n = rows * classes * inner;
        Rng rng = new Rng(seed);
        float[] logits = withExtremes(gaussian(rng, n, 5f), rng);
        int[] targets = targets(rng, rows, classes, inner);
        float[] weights = weighted ? positive(rng, classes) : null;
        Backend ref = ReferenceBackend.INSTANCE;
        float[] composed = new float[n];
        ref.logSoftmax(logits, rows, classes, inner, composed);
        double expected = ref.crossEntropy(composed, targets, weights, rows, classes, inner);
        float[] fused = new float[n];
        double actual = ref.logSoftmaxCrossEntropy(logits, targets, weights, rows, classes, inner, fused);
        assertArrayEquals(composed, fused, "logp");
        assertEquals(expected, actual, "the sum");
    }

    // ---------------------------------------------------------------- BCE on logits

    /** Lengths: 0, 1, small, odd around the vector width, and around the 8192-element task edges. */
    @Provide
    Arbitrary<Integer> bceLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(0, 1)),
                Tuple.of(2, Arbitraries.integers().between(2, 100)),
                Tuple.of(2, Arbitraries.of(8191, 8192, 8193, 2 * 8192 + 17, 128 * 784)));
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 40)
    void bceWithLogitsIsWithinItsBoundOfTheReferenceAndTheSameOnEveryFastPath(
            @ForAll("bceLengths") int n, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = withExtremes(gaussian(rng, n, 5f), rng);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextInt(3) == 0 ? rng.nextFloat() : rng.nextInt(2);
        float scale = 1f / Math.max(1, n);
        float[] dx0 = gaussian(rng, n, 1e-4f);
        Backend ref = ReferenceBackend.INSTANCE;
        double lossRef = ref.bceWithLogits(x, t, n);
        float[] dxRef = dx0.clone();
        ref.bceWithLogitsBackward(x, t, n, scale, dxRef);
        double loss0 = 0;
        float[] dxFast0 = null;
        for (FastCpuBackend fast : FAST) {
            double loss = fast.bceWithLogits(x, t, n);
            float[] dx = dx0.clone();
            fast.bceWithLogitsBackward(x, t, n, scale, dx);
            if (dxFast0 == null) {
                loss0 = loss;
                dxFast0 = dx;
            } else {
                assertEquals(loss0, loss, "bceWithLogits bit for bit, n = " + n + ", " + fast.threads() + " threads");
                assertArrayEquals(dxFast0, dx, "bceWithLogitsBackward bit for bit, n = " + n);
            }
        }
        double bound = 0, absSum = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i], l1p = Math.log1p(Math.exp(-Math.abs(xi)));
            double term = Math.max(xi, 0) - xi * t[i] + l1p;
            bound += bceTermBound(xi, t[i], l1p, term);
            absSum += Math.abs(term);
            double sigma = dev.kiln.kernels.BceWithLogitsKernel.sigmoid(xi);
            assertClose("bceWithLogitsBackward", i, dxFast0[i], dxRef[i],
                    2 * U * (Math.abs(scale) * (4 * sigma + Math.abs(sigma - t[i])) + Math.abs(dxRef[i])));
        }
        assertClose("bceWithLogits, n = " + n, -1, loss0, lossRef, bound + 1e-12 * absSum);
        Statistics.label("length").collect(n < 2 ? "0 or 1" : n <= 100 ? "small" : "around a task edge");
        Statistics.label("length").coverage(c -> c.check("around a task edge").count(k -> k > 0));
    }

    /**
     * Where the loss is tiny (x ≫ 0 with t = 1, x ≪ 0 with t = 0) the whole term is log1p(e^−|x|):
     * x·t and max(x, 0) − x·t are exact, so the sum must be within 14u relative. A plain float
     * log(1 + e) would be off by up to 2⁻²⁴ absolute, i.e. by orders of magnitude relative.
     */
    @Property(tries = 20)
    void bceIsAccurateToAFewUlpWhereTheModelIsConfidentAndRight(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        int n = 1 + rng.nextInt(100);
        float[] x = new float[n], t = new float[n];
        for (int i = 0; i < n; i++) {
            boolean positive = rng.nextInt(2) == 0;
            x[i] = (positive ? 1 : -1) * (8f + 22f * rng.nextFloat());   // e^−|x| in (1e−13, 3.4e−4)
            t[i] = positive ? 1f : 0f;
        }
        double reference = ReferenceBackend.INSTANCE.bceWithLogits(x, t, n);
        for (FastCpuBackend fast : FAST) {
            double loss = fast.bceWithLogits(x, t, n);
            assertClose("bceWithLogits in the tail, n = " + n, -1, loss, reference, 14 * U * reference);
        }
    }

    /** One BCE term's bound: x·t rounds unless t is 0 or 1, then max(x, 0) − x·t, log1p, the sum. */
    private static double bceTermBound(double x, float t, double l1p, double term) {
        double product = t == 0f || t == 1f ? 0 : Math.abs(x * t);
        return 2 * U * (product + Math.abs(Math.max(x, 0) - x * t) + 6 * l1p + Math.abs(term));
    }

    // ---------------------------------------------------------------- fixtures by hand

    @Example
    void twoEqualLogitsGiveOneHalfAndCrossEntropyLog2PerCell() {
        // [1, 2, 20]: every cell has logits (3, 3): softmax ½, log-softmax −ln 2, logsumexp 3 + ln 2.
        int inner = 20;
        float[] x = new float[2 * inner];
        java.util.Arrays.fill(x, 3f);
        int[] targets = new int[inner];
        for (int s = 0; s < inner; s++) targets[s] = s % 2;
        float[] weights = {2f, 0.5f};
        for (FastCpuBackend fast : FAST) {
            float[] lse = new float[inner], sm = new float[2 * inner], lp = new float[2 * inner];
            fast.logSumExp(x, 1, 2, inner, lse);
            fast.softmax(x, 1, 2, inner, sm);
            for (float v : lse) assertEquals(3.6931472f, v, 1e-6f);
            for (float v : sm) assertEquals(0.5f, v);
            double ce = fast.logSoftmaxCrossEntropy(x, targets, weights, 1, 2, inner, lp);
            for (float v : lp) assertEquals(-0.6931472f, v, 1e-7f);
            assertEquals(10 * (2 + 0.5) * Math.log(2), ce, 1e-5);   // 10 cells of each target
            float[] dx = new float[2 * inner];
            fast.crossEntropyBackward(lp, targets, weights, 1, 2, inner, 1f, dx);
            // cell s = 0 (t = 0, w = 2): dx = 2·(½ − 1) = −1 for class 0, 2·½ = 1 for class 1
            assertEquals(-1f, dx[0], 1e-6f);
            assertEquals(1f, dx[inner], 1e-6f);
            // cell s = 1 (t = 1, w = ½): ½·½ = ¼ for class 0, −¼ for class 1
            assertEquals(0.25f, dx[1], 1e-6f);
            assertEquals(-0.25f, dx[inner + 1], 1e-6f);
            // BCE at x = 0: ln 2 per element, gradient ½ − t
            float[] zeros = new float[37], ones = new float[37], g = new float[37];
            java.util.Arrays.fill(ones, 1f);
            assertEquals(37 * Math.log(2), fast.bceWithLogits(zeros, ones, 37), 1e-5);
            fast.bceWithLogitsBackward(zeros, ones, 37, 2f, g);
            for (float v : g) assertEquals(-1f, v);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Targets in [0, classes): half the time every class in turn (each class at every position mod C). */
    private static int[] targets(Rng rng, int rows, int classes, int inner) {
        int[] t = new int[rows * inner];
        boolean cycle = rng.nextInt(2) == 0;
        for (int i = 0; i < t.length; i++) t[i] = cycle ? (i + i / Math.max(1, inner)) % classes : rng.nextInt(classes);
        return t;
    }

    /** n weights in [0, 3). */
    private static float[] positive(Rng rng, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = 3f * rng.nextFloat();
        return w;
    }

    /** Replaces about one value in five with one of {@link #EXTREMES}. */
    private static float[] withExtremes(float[] x, Rng rng) {
        for (int i = 0; i < x.length; i++) {
            if (rng.nextInt(5) == 0) x[i] = EXTREMES[rng.nextInt(EXTREMES.length)];
        }
        return x;
    }

    /**
     * The reference's own error: it forms lse = m + log Σ in double and then x − lse, so where
     * |m| &gt; 2⁵³ the lse absorbs log Σ (at m = 1e30 two equal logits give log-softmax 0, not −ln 2,
     * and softmax 1, not ½; the fast kernels' (x − m) − log Σ gets them right). 2⁻⁵²·(|x| + |m|)
     * bounds it, and is below 1e−13 for every logit under 100.
     */
    private static double referenceError(double x, double m) {
        return Double.isFinite(m) ? 0x1p-52 * (Math.abs(x) + Math.abs(m)) : 0;
    }

    private static String where(int[] shape, FastCpuBackend fast) {
        return "[" + shape[0] + ", " + shape[1] + ", " + shape[2] + "], " + fast.threads() + " threads, vector "
                + fast.vector();
    }

    /** |fast − reference| ≤ allowed; where the reference is not finite, the same value. */
    private static void assertClose(String what, int index, double fast, double reference, double allowed) {
        if (!Double.isFinite(reference)) {
            if (Double.compare(fast, reference) != 0 && !(Double.isNaN(fast) && Double.isNaN(reference))) {
                fail(what + "[" + index + "] = " + fast + ", reference " + reference);
            }
            return;
        }
        double diff = Math.abs(fast - reference);
        if (!(diff <= allowed)) {
            fail(what + "[" + index + "] = " + fast + ", reference " + reference + " (difference " + diff
                    + ", allowed " + allowed + ")");
        }
    }
}
