package dev.kiln.kernels;

import dev.kiln.rand.Rng;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scalar reference kernel against an independent formula: double precision, written the
 * obvious way (no max trick, no fused loops, no shared helper with the kernel), on random sizes
 * with arrays that carry a guard band past the end. Backward kernels add into a gradient buffer
 * that starts non-zero, so "+=" replaced by "=" is caught.
 */
class ReferenceKernelsProperties {

    private static final int GUARD = 3;           // values past n: never read, never written
    private static final float GUARD_VALUE = 1234.5f;

    // ------------------------------------------------------------------ Pointwise

    @Property(tries = 60)
    @Label("activations forward and backward agree with their formulas, adding into dx")
    void activationsAgreeWithTheirFormulas(@ForAll @IntRange(min = 1, max = 40) int n,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = gaussian(n, 4, rng), dy = gaussian(n, 1, rng), dx0 = gaussian(n, 1, rng);
        float alpha = 0.1f;
        float[] y = guarded(n), dx = dx0.clone();

        Pointwise.reluForward(x, y, n);
        for (int i = 0; i < n; i++) assertEquals(Math.max(0, x[i]), y[i], "relu(" + x[i] + ")");
        assertGuard(y, n);
        Pointwise.reluBackward(x, dy, dx, n);
        for (int i = 0; i < n; i++) assertEquals(dx0[i] + (x[i] > 0 ? dy[i] : 0), dx[i], 1e-6, "relu' at " + x[i]);

        Pointwise.leakyReluForward(alpha, x, y, n);
        for (int i = 0; i < n; i++) assertEquals(x[i] > 0 ? x[i] : alpha * x[i], y[i], 1e-6, "leaky(" + x[i] + ")");
        dx = dx0.clone();
        Pointwise.leakyReluBackward(alpha, x, dy, dx, n);
        for (int i = 0; i < n; i++) {
            assertEquals(dx0[i] + (x[i] > 0 ? 1 : alpha) * dy[i], dx[i], 1e-5, "leaky' at " + x[i]);
        }

        Pointwise.sigmoidForward(x, y, n);
        for (int i = 0; i < n; i++) assertRel(1 / (1 + Math.exp(-(double) x[i])), y[i], "σ(" + x[i] + ")");
        float[] s = y.clone();
        dx = dx0.clone();
        Pointwise.sigmoidBackward(s, dy, dx, n);
        for (int i = 0; i < n; i++) assertNear(dx0[i] + (double) s[i] * (1 - s[i]) * dy[i], dx[i], "σ' at " + x[i]);

        Pointwise.tanhForward(x, y, n);
        for (int i = 0; i < n; i++) assertRel(Math.tanh(x[i]), y[i], "tanh(" + x[i] + ")");
        float[] t = y.clone();
        dx = dx0.clone();
        Pointwise.tanhBackward(t, dy, dx, n);
        for (int i = 0; i < n; i++) assertNear(dx0[i] + (1 - (double) t[i] * t[i]) * dy[i], dx[i], "tanh' at " + x[i]);
    }

    @Example
    void sigmoidOfNegativeInputsIsOneMinusSigmoidOfTheirMirror() {
        // Hand values: σ(−x) = 1 − σ(x); σ(−1) = 0.268941…, σ(−2) = 0.119203…, σ(−100) = e^(−100)/(1 + e^(−100)).
        assertRel(0.2689414213699951, Pointwise.sigmoid(-1f), "σ(−1)");
        assertRel(0.11920292202211755, Pointwise.sigmoid(-2f), "σ(−2)");
        assertRel(0.5, Pointwise.sigmoid(0f), "σ(0)");
        assertRel(0.7310585786300049, Pointwise.sigmoid(1f), "σ(1)");
        assertRel(Math.exp(-100), Pointwise.sigmoid(-100f), "σ(−100)");
        assertTrue(Pointwise.sigmoid(-100f) > 0, "σ(−100) underflowed to 0");
        assertEquals(1f, Pointwise.sigmoid(100f));
        assertEquals(1f, Pointwise.sigmoid(1000f));                      // e^1000 would overflow: no NaN
        assertEquals(1f, Pointwise.sigmoid(Float.MAX_VALUE));
        assertEquals(0f, Pointwise.sigmoid(-Float.MAX_VALUE));
        assertEquals(1.0, BceWithLogitsKernel.sigmoid(1000));
        assertEquals(0.0, BceWithLogitsKernel.sigmoid(-1000));
        float[] x = {-3f, -0.5f, -100f}, y = new float[3];
        Pointwise.sigmoidForward(x, y, 3);
        for (int i = 0; i < 3; i++) assertRel(1 - 1 / (1 + Math.exp(x[i])), y[i], "σ(" + x[i] + ") in the array kernel");
        assertRel(0.2689414213699951, BceWithLogitsKernel.sigmoid(-1), "double σ(−1)");
        assertRel(Math.exp(-100), BceWithLogitsKernel.sigmoid(-100), "double σ(−100)");
        assertRel(0.7310585786300049, BceWithLogitsKernel.sigmoid(1), "double σ(1)");
    }

    @Example
    void reluFamilySubgradientAtZeroIsZeroAndTheOutputIsZero() {
        float[] x = {0f}, y = {7f}, dx = {0.5f};
        Pointwise.reluForward(x, y, 1);
        assertEquals(0f, y[0]);
        Pointwise.reluBackward(x, new float[] {2f}, dx, 1);
        assertEquals(0.5f, dx[0], "ReLU'(0) is taken as 0");
        Pointwise.leakyReluForward(0.1f, x, y, 1);
        assertEquals(0f, y[0]);
        Pointwise.leakyReluBackward(0.1f, x, new float[] {2f}, dx, 1);
        assertEquals(0.5f + 0.1f * 2f, dx[0], 1e-7f, "LeakyReLU'(0) is taken as α");
    }

    @Property(tries = 40)
    @Label("axpy adds alpha·x into y and scale multiplies in place, both only the first n values")
    void axpyAndScaleAgreeWithTheirFormulas(@ForAll @IntRange(min = 0, max = 30) int n,
                                            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = gaussian(n + GUARD, 1, rng), y = gaussian(n + GUARD, 1, rng);
        float[] y0 = y.clone();
        Pointwise.axpy(-0.75f, x, y, n);
        for (int i = 0; i < n + GUARD; i++) {
            assertEquals(i < n ? y0[i] - 0.75 * x[i] : y0[i], y[i], 1e-5, "axpy at " + i);
        }
        float[] z = y.clone();
        Pointwise.scale(3f, z, n);
        for (int i = 0; i < n + GUARD; i++) assertEquals(i < n ? 3 * y[i] : y[i], z[i], 1e-5, "scale at " + i);
    }

    // ------------------------------------------------------------------ Reduce

    @Property(tries = 40)
    @Label("Reduce sums exactly the n values from the offset, and their squares")
    void reduceSumsTheRightValues(@ForAll @IntRange(min = 0, max = 30) int n, @ForAll @IntRange(min = 0, max = 4) int off,
                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        float[] x = gaussian(off + n + GUARD, 2, new Rng(seed));
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++) sum += x[off + i];
        for (int i = 0; i < n; i++) squares += Math.pow(x[i], 2);
        assertEquals(sum, Reduce.sum(x, off, n), 1e-9);
        assertEquals(squares, Reduce.sumSquares(x, n), 1e-9);
    }

    // ------------------------------------------------------------------ ClassAxis

    @Property(tries = 60)
    @Label("class-axis logsumexp, softmax and log-softmax agree with the naive formulas on [B, C, S]")
    void classAxisForwardAgreesWithNaiveFormulas(@ForAll @IntRange(min = 1, max = 3) int rows,
                                                 @ForAll @IntRange(min = 1, max = 5) int classes,
                                                 @ForAll @IntRange(min = 1, max = 4) int inner,
                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int n = rows * classes * inner;
        float[] x = gaussian(n, 3, new Rng(seed));
        float[] lse = guarded(rows * inner), y = guarded(n), logY = guarded(n);
        ClassAxis.logSumExp(x, rows, classes, inner, lse);
        ClassAxis.softmax(x, rows, classes, inner, y);
        ClassAxis.logSoftmax(x, rows, classes, inner, logY);
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                double z = 0;
                for (int c = 0; c < classes; c++) z += Math.exp(x[(b * classes + c) * inner + s]);
                assertRel(Math.log(z), lse[b * inner + s], "lse(" + b + ", " + s + ")");
                for (int c = 0; c < classes; c++) {
                    int i = (b * classes + c) * inner + s;
                    assertRel(Math.exp(x[i]) / z, y[i], "softmax at " + i);
                    double logSoft = x[i] - Math.log(z);
                    assertEquals(logSoft, logY[i], Tolerances.F32_REL * (1 + Math.abs(logSoft)), "log-softmax at " + i);
                }
            }
        }
        assertGuard(lse, rows * inner);
        assertGuard(y, n);
        assertGuard(logY, n);
    }

    @Property(tries = 60)
    @Label("class-axis softmax and log-softmax backward agree with the Jacobian written out, adding into dx")
    void classAxisBackwardAgreesWithTheJacobian(@ForAll @IntRange(min = 1, max = 3) int rows,
                                                @ForAll @IntRange(min = 1, max = 5) int classes,
                                                @ForAll @IntRange(min = 1, max = 4) int inner,
                                                @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        int n = rows * classes * inner;
        float[] x = gaussian(n, 2, rng), dy = gaussian(n, 1, rng), dx0 = gaussian(n, 1, rng);
        float[] y = new float[n], logY = new float[n];
        ClassAxis.softmax(x, rows, classes, inner, y);
        ClassAxis.logSoftmax(x, rows, classes, inner, logY);
        float[] dxSoft = dx0.clone(), dxLog = dx0.clone();
        ClassAxis.softmaxBackward(y, dy, rows, classes, inner, dxSoft);
        ClassAxis.logSoftmaxBackward(logY, dy, rows, classes, inner, dxLog);
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                for (int c = 0; c < classes; c++) {
                    int ic = (b * classes + c) * inner + s;
                    double soft = 0, log = 0;
                    for (int k = 0; k < classes; k++) {               // Σ_k dy_k·∂y_k/∂x_c
                        int ik = (b * classes + k) * inner + s;
                        double kron = k == c ? 1 : 0;
                        soft += dy[ik] * (double) y[ik] * (kron - y[ic]);
                        log += dy[ik] * (kron - (double) y[ic]);
                    }
                    assertEquals(dx0[ic] + soft, dxSoft[ic], Tolerances.F32_REL * (1 + Math.abs(soft)), "softmax' at " + ic);
                    assertEquals(dx0[ic] + log, dxLog[ic], Tolerances.F32_REL * (1 + Math.abs(log)), "log-softmax' at " + ic);
                }
            }
        }
    }

    @Example
    void logSumExpIsStableForHugeLogitsAndMinusInfinityForAMaskedFibre() {
        float[] x = {1000f, 1000f, 999f};                                 // naive exp overflows
        assertRel(1000 + Math.log(2 + Math.exp(-1)), ClassAxis.fibreLogSumExp(x, 0, 3, 1), "lse of huge logits");
        float[] y = {-1000f, -1001f};                                     // naive exp underflows to 0
        assertRel(-1000 + Math.log1p(Math.exp(-1)), ClassAxis.fibreLogSumExp(y, 0, 2, 1), "lse of tiny logits");
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertEquals(Double.NEGATIVE_INFINITY, ClassAxis.fibreLogSumExp(masked, 0, 2, 1));
        float[] far = {0f, 5f, 1000f};                                    // stride 2 reads 0 and 1000: the max is 1000
        assertRel(1000, ClassAxis.fibreLogSumExp(far, 0, 2, 2), "strided lse with a huge second class");
        float[] strided = {5f, 0f, -1f, 0f, 2f};                          // stride 2 reads 5, −1, 2 only
        assertRel(Math.log(Math.exp(5) + Math.exp(-1) + Math.exp(2)), ClassAxis.fibreLogSumExp(strided, 0, 3, 2),
                "strided lse");
    }

    // ------------------------------------------------------------------ losses

    @Property(tries = 60)
    @Label("cross-entropy and focal kernels agree with −w·(1 − p)^γ·log p and its derivative, with and without weights")
    void classLossKernelsAgreeWithTheirFormulas(@ForAll @IntRange(min = 1, max = 3) int rows,
                                                @ForAll @IntRange(min = 1, max = 5) int classes,
                                                @ForAll @IntRange(min = 1, max = 3) int inner,
                                                @ForAll boolean weighted,
                                                @ForAll @IntRange(min = 0, max = 3) int gammaQuarters,
                                                @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        int n = rows * classes * inner;
        float gamma = gammaQuarters * 0.75f;                              // 0, 0.75, 1.5, 2.25
        float[] x = gaussian(n, 2, rng), logp = new float[n];
        ClassAxis.logSoftmax(x, rows, classes, inner, logp);
        int[] targets = new int[rows * inner];
        for (int i = 0; i < targets.length; i++) targets[i] = rng.nextInt(classes);
        float[] w = null;
        if (weighted) {
            w = new float[classes];
            for (int c = 0; c < classes; c++) w[c] = 0.25f + rng.nextFloat();
        }
        double ce = 0, focal = 0;
        float[] dx0 = gaussian(n, 1, rng), dce = dx0.clone(), dfocal = dx0.clone();
        float scale = 0.5f;
        double[] expectedCe = new double[n], expectedFocal = new double[n];
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s];
                double wt = w == null ? 1 : w[t];
                double pt = Math.exp(logp[(b * classes + t) * inner + s]);
                double q = Math.max(0, 1 - pt);                       // 1 − p_t (p_t = 1 when C = 1)
                ce += -wt * Math.log(pt);
                focal += -wt * Math.pow(q, gamma) * Math.log(pt);
                // ∂/∂x_c of −w·(1 − p_t)^γ·log p_t with ∂p_t/∂x_c = p_t([c = t] − p_c), ∂log p_t/∂x_c = [c = t] − p_c:
                // w·G·(p_c − [c = t]) with G = q^γ − γ·q^(γ−1)·p_t·log p_t, whose limit at q = 0 is 0 for γ > 0.
                double g = gamma == 0 ? 1
                        : q == 0 ? 0
                        : Math.pow(q, gamma) - gamma * Math.pow(q, gamma - 1) * pt * Math.log(pt);
                for (int c = 0; c < classes; c++) {
                    int i = (b * classes + c) * inner + s;
                    double pc = Math.exp(logp[i]), hot = c == t ? 1 : 0;
                    expectedCe[i] = dx0[i] + scale * wt * (pc - hot);
                    expectedFocal[i] = dx0[i] + scale * wt * g * (pc - hot);
                }
            }
        }
        assertEquals(ce, CrossEntropyKernel.forward(logp, targets, w, rows, classes, inner), Tolerances.F32_REL * (1 + ce));
        assertEquals(focal, FocalKernel.forward(logp, targets, w, gamma, rows, classes, inner),
                Tolerances.F32_REL * (1 + focal));
        CrossEntropyKernel.backward(logp, targets, w, rows, classes, inner, scale, dce);
        FocalKernel.backward(logp, targets, w, gamma, rows, classes, inner, scale, dfocal);
        for (int i = 0; i < n; i++) {
            assertEquals(expectedCe[i], dce[i], Tolerances.F32_REL * (1 + Math.abs(expectedCe[i])), "CE' at " + i);
            assertEquals(expectedFocal[i], dfocal[i], Tolerances.F32_REL * (1 + Math.abs(expectedFocal[i])),
                    "focal' at " + i + ", γ = " + gamma);
        }
    }

    @Example
    void focalModulationIsOneAtGammaZeroAndFiniteWhenTheTargetIsCertain() {
        assertEquals(1.0, FocalKernel.modulation(Math.log(0.3), 0f));
        // p_t = 1 exactly (log p_t = 0, q = 0): G = 0^γ·(1 + γ) = 0, finite even for γ < 1.
        assertEquals(0.0, FocalKernel.modulation(0.0, 0.5f));
        assertEquals(0.0, FocalKernel.modulation(0.0, 2f));
        // γ = 2, p_t = ½: G = ¼·(1 − 2·½·log ½ / ½) = ¼·(1 + 2 log 2).
        assertRel(0.25 * (1 + 2 * Math.log(2)), FocalKernel.modulation(Math.log(0.5), 2f), "G(½, 2)");
        // γ = 1, p_t = 0.9: G = 0.1·(1 − 0.9·log 0.9 / 0.1).
        assertRel(0.1 * (1 - 0.9 * Math.log(0.9) / 0.1), FocalKernel.modulation(Math.log(0.9), 1f), "G(0.9, 1)");
    }

    @Property(tries = 60)
    @Label("BCE-with-logits kernel agrees with −t·log σ(x) − (1 − t)·log(1 − σ(x)) and σ(x) − t")
    void bceKernelAgreesWithTheTextbookFormula(@ForAll @IntRange(min = 1, max = 30) int n,
                                               @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = gaussian(n + GUARD, 5, rng), t = new float[n + GUARD], dx0 = gaussian(n + GUARD, 1, rng);
        for (int i = 0; i < t.length; i++) t[i] = rng.nextFloat();
        double loss = 0;
        float[] dx = dx0.clone();
        for (int i = 0; i < n; i++) {
            double p = 1 / (1 + Math.exp(-(double) x[i]));
            loss += -t[i] * Math.log(p) - (1 - t[i]) * Math.log(1 - p);
        }
        assertEquals(loss, BceWithLogitsKernel.forward(x, t, n), Tolerances.F32_REL * (1 + loss));
        BceWithLogitsKernel.backward(x, t, n, 2f, dx);
        for (int i = 0; i < n + GUARD; i++) {
            double expected = i < n ? dx0[i] + 2 * (1 / (1 + Math.exp(-(double) x[i])) - t[i]) : dx0[i];
            assertEquals(expected, dx[i], Tolerances.F32_REL * (1 + Math.abs(expected)), "BCE' at " + i);
        }
        // At ±100 the textbook form is useless in double; the stable one gives the limits.
        assertEquals(100 * 0.75, BceWithLogitsKernel.forward(new float[] {100f}, new float[] {0.25f}, 1), 1e-9);
        assertEquals(100 * 0.25, BceWithLogitsKernel.forward(new float[] {-100f}, new float[] {0.25f}, 1), 1e-9);
    }

    @Property(tries = 60)
    @Label("Gaussian KL kernel agrees with ½(μ² + σ² − 1 − log σ²) and its derivatives, adding into the gradients")
    void gaussianKlKernelAgreesWithTheClosedForm(@ForAll @IntRange(min = 1, max = 30) int n,
                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] mu = gaussian(n, 2, rng), lv = gaussian(n, 2, rng), dkl = gaussian(n, 1, rng);
        float[] dmu0 = gaussian(n, 1, rng), dlv0 = gaussian(n, 1, rng);
        float[] kl = guarded(n), dmu = dmu0.clone(), dlv = dlv0.clone();
        GaussianKlKernel.forward(mu, lv, kl, n);
        GaussianKlKernel.backward(mu, lv, dkl, dmu, dlv, n);
        for (int i = 0; i < n; i++) {
            double var = Math.exp(lv[i]);
            double expected = 0.5 * ((double) mu[i] * mu[i] + var - 1 - lv[i]);
            assertEquals(expected, kl[i], Tolerances.F32_REL * (1 + expected), "KL at " + i);
            assertEquals(dmu0[i] + (double) dkl[i] * mu[i], dmu[i], Tolerances.F32_REL * (1 + Math.abs(dmu[i])), "∂μ at " + i);
            double dl = dlv0[i] + dkl[i] * 0.5 * (var - 1);
            assertEquals(dl, dlv[i], Tolerances.F32_REL * (1 + Math.abs(dl)), "∂lv at " + i);
        }
        assertGuard(kl, n);
        assertEquals(0.5 * (0.25 + Math.exp(-1) - 1 + 1), GaussianKlKernel.klTerm(0.5, -1), 1e-12);
    }

    // ------------------------------------------------------------------ optimizers

    @Property(tries = 60)
    @Label("SGD kernel: buf ← μ·buf + g + wd·p, p ← p − lr·buf, element by element")
    void sgdKernelAgreesWithItsFormula(@ForAll @IntRange(min = 1, max = 20) int n,
                                       @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] p = gaussian(n + GUARD, 1, rng), g = gaussian(n + GUARD, 1, rng), buf = gaussian(n + GUARD, 1, rng);
        float[] p0 = p.clone(), buf0 = buf.clone();
        float lr = 0.1f, momentum = 0.9f, wd = 0.05f;
        SgdKernel.step(p, g, buf, n, lr, momentum, wd);
        for (int i = 0; i < n + GUARD; i++) {
            double b = i < n ? momentum * (double) buf0[i] + g[i] + wd * (double) p0[i] : buf0[i];
            double q = i < n ? p0[i] - lr * b : p0[i];
            assertEquals(b, buf[i], 1e-5, "buf at " + i);
            assertEquals(q, p[i], 1e-5, "p at " + i);
        }
    }

    @Example
    void sgdWeightDecayPullsTheParameterTowardZero() {
        // p = 2, g = 0.5, buf = 0, lr = 0.1, μ = 0, wd = 0.25: grad = 0.5 + 0.5 = 1, p = 2 − 0.1 = 1.9.
        float[] p = {2f, -2f}, g = {0.5f, 0.5f}, buf = new float[2];
        SgdKernel.step(p, g, buf, 2, 0.1f, 0f, 0.25f);
        assertEquals(1.9f, p[0], 1e-6f);
        assertEquals(-2f - 0.1f * (0.5f - 0.5f), p[1], 1e-6f);     // g + wd·p = 0: no move
        assertEquals(1f, buf[0], 1e-6f);
        assertEquals(0f, buf[1], 1e-6f);
    }

    @Property(tries = 60)
    @Label("Adam kernel agrees with its textbook update, coupled L2 and decoupled (AdamW) decay")
    void adamKernelAgreesWithItsFormula(@ForAll @IntRange(min = 1, max = 20) int n, @ForAll boolean decoupled,
                                        @ForAll @IntRange(min = 1, max = 50) int step,
                                        @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] p = gaussian(n + GUARD, 1, rng), g = gaussian(n + GUARD, 1, rng);
        float[] m = gaussian(n + GUARD, 0.1, rng), v = new float[n + GUARD];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextFloat() * 0.1f;
        float[] p0 = p.clone(), m0 = m.clone(), v0 = v.clone();
        float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.1f;
        float bc1 = (float) (1 - Math.pow(b1, step)), bc2 = (float) (1 - Math.pow(b2, step));
        AdamKernel.step(p, g, m, v, n, lr, b1, b2, eps, wd, decoupled, bc1, bc2);
        for (int i = 0; i < n + GUARD; i++) {
            if (i >= n) {
                assertEquals(p0[i], p[i]);
                assertEquals(m0[i], m[i]);
                assertEquals(v0[i], v[i]);
                continue;
            }
            double grad = decoupled ? g[i] : g[i] + (double) wd * p0[i];
            double mi = b1 * (double) m0[i] + (1 - (double) b1) * grad;
            double vi = b2 * (double) v0[i] + (1 - (double) b2) * grad * grad;
            double update = (mi / bc1) / (Math.sqrt(vi / bc2) + eps) + (decoupled ? wd * (double) p0[i] : 0);
            assertEquals(mi, m[i], 1e-6 * (1 + Math.abs(mi)), "m at " + i);
            assertEquals(vi, v[i], 1e-6 * (1 + Math.abs(vi)), "v at " + i);
            assertEquals(p0[i] - lr * update, p[i], 1e-5, "p at " + i + (decoupled ? " (AdamW)" : " (L2)"));
        }
    }

    @Example
    void adamCoupledDecayEntersTheMomentsAndDecoupledDecayDoesNot() {
        // First step (bc = 1 − β), g = 0, p = 1, wd = 0.5: coupled L2 sees grad = 0.5, so m = 0.05,
        // v = (1 − β₂)·0.25 and the step is lr·m̂/√v̂ = lr·0.5/0.5 = lr; AdamW leaves m = v = 0 and steps lr·wd·p.
        float b1 = 0.9f, b2 = 0.999f;
        float[] p = {1f}, m = {0f}, v = {0f};
        AdamKernel.step(p, new float[] {0f}, m, v, 1, 0.01f, b1, b2, 0f, 0.5f, false, 1 - b1, 1 - b2);
        assertEquals(0.05f, m[0], 1e-7f);
        assertEquals((1 - b2) * 0.25f, v[0], 1e-9f);                   // (1 − β₂)·0.5², β₂ rounded to float
        assertEquals(1f - 0.01f, p[0], 1e-6f);
        float[] q = {1f}, mq = {0f}, vq = {0f};
        AdamKernel.step(q, new float[] {0f}, mq, vq, 1, 0.01f, b1, b2, 1e-8f, 0.5f, true, 1 - b1, 1 - b2);
        assertEquals(0f, mq[0]);
        assertEquals(0f, vq[0]);
        assertEquals(1f - 0.01f * 0.5f, q[0], 1e-6f);
    }

    @Example
    void adamsEpsilonIsAddedToTheRootOfTheSecondMoment() {
        // v = 0, m = 0.1, g = 0, no bias correction: m = 0.09, update = 0.09 / (√0 + ε) with ε = 10⁻³.
        float[] p = {0f}, m = {0.1f}, v = {0f};
        AdamKernel.step(p, new float[] {0f}, m, v, 1, 1e-6f, 0.9f, 0.999f, 1e-3f, 0f, false, 1f, 1f);
        assertEquals(-1e-6 * 0.09 / 1e-3, p[0], 1e-9);
    }

    // ------------------------------------------------------------------ Conv

    @Property(tries = 60)
    @Label("Conv forward agrees with a convolution over an explicitly zero-padded copy, bias or none")
    void convForwardAgreesWithExplicitPadding(@ForAll @IntRange(min = 1, max = 2) int batch,
                                              @ForAll @IntRange(min = 1, max = 3) int inC,
                                              @ForAll @IntRange(min = 1, max = 3) int outC,
                                              @ForAll @IntRange(min = 1, max = 6) int h,
                                              @ForAll @IntRange(min = 1, max = 6) int w,
                                              @ForAll @IntRange(min = 1, max = 3) int k,
                                              @ForAll @IntRange(min = 1, max = 2) int stride,
                                              @ForAll @IntRange(min = 0, max = 2) int pad,
                                              @ForAll boolean withBias,
                                              @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int outH = Math.floorDiv(h + 2 * pad - k, stride) + 1, outW = Math.floorDiv(w + 2 * pad - k, stride) + 1;
        if (outH < 1 || outW < 1) return;
        Rng rng = new Rng(seed);
        float[] x = gaussian(batch * inC * h * w, 1, rng), wt = gaussian(outC * inC * k * k, 1, rng);
        float[] bias = withBias ? gaussian(outC, 1, rng) : null;
        float[] y = guarded(batch * outC * outH * outW);
        Conv.forward(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, x, wt, bias, y);
        int ph = h + 2 * pad, pw = w + 2 * pad;
        double[][][][] padded = new double[batch][inC][ph][pw];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < inC; c++)
                for (int r = 0; r < h; r++)
                    for (int col = 0; col < w; col++) padded[b][c][r + pad][col + pad] = x[((b * inC + c) * h + r) * w + col];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outC; o++) {
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        double acc = withBias ? bias[o] : 0;
                        for (int c = 0; c < inC; c++)
                            for (int p = 0; p < k; p++)
                                for (int q = 0; q < k; q++)
                                    acc += wt[((o * inC + c) * k + p) * k + q] * padded[b][c][i * stride + p][j * stride + q];
                        assertEquals(acc, y[((b * outC + o) * outH + i) * outW + j], 1e-4 * (1 + Math.abs(acc)),
                                "y[" + b + ", " + o + ", " + i + ", " + j + "]");
                    }
                }
            }
        }
        assertGuard(y, batch * outC * outH * outW);
    }

    @Property(tries = 60)
    @Label("Conv backward kernels are the adjoints of the forward: ⟨conv(x), dy⟩ = ⟨x, dx⟩ = ⟨w, dw⟩, Σdy = dbias")
    void convBackwardIsTheAdjointOfTheForward(@ForAll @IntRange(min = 1, max = 2) int batch,
                                              @ForAll @IntRange(min = 1, max = 3) int inC,
                                              @ForAll @IntRange(min = 1, max = 3) int outC,
                                              @ForAll @IntRange(min = 1, max = 6) int h,
                                              @ForAll @IntRange(min = 1, max = 6) int w,
                                              @ForAll @IntRange(min = 1, max = 3) int k,
                                              @ForAll @IntRange(min = 1, max = 2) int stride,
                                              @ForAll @IntRange(min = 0, max = 2) int pad,
                                              @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int outH = Math.floorDiv(h + 2 * pad - k, stride) + 1, outW = Math.floorDiv(w + 2 * pad - k, stride) + 1;
        if (outH < 1 || outW < 1) return;
        Rng rng = new Rng(seed);
        int nx = batch * inC * h * w, nw = outC * inC * k * k, ny = batch * outC * outH * outW;
        float[] x = gaussian(nx, 1, rng), wt = gaussian(nw, 1, rng), dy = gaussian(ny, 1, rng);
        float[] y = new float[ny];
        Conv.forward(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, x, wt, null, y);
        float[] dx0 = gaussian(nx, 1, rng), dw0 = gaussian(nw, 1, rng), db0 = gaussian(outC, 1, rng);
        float[] dx = dx0.clone(), dw = dw0.clone(), db = db0.clone();
        Conv.backwardData(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, dy, wt, dx);
        Conv.backwardWeights(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, x, dy, dw, db);
        double yDy = dot(y, dy), xDx = 0, wDw = 0;
        for (int i = 0; i < nx; i++) xDx += (double) x[i] * (dx[i] - dx0[i]);
        for (int i = 0; i < nw; i++) wDw += (double) wt[i] * (dw[i] - dw0[i]);
        double size = 1 + Math.abs(yDy);
        assertEquals(yDy, xDx, 1e-3 * size, "⟨conv(x), dy⟩ vs ⟨x, dx⟩");
        assertEquals(yDy, wDw, 1e-3 * size, "⟨conv(x), dy⟩ vs ⟨w, dw⟩");
        for (int o = 0; o < outC; o++) {
            double sum = 0;
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < outH * outW; t++) sum += dy[(b * outC + o) * outH * outW + t];
            assertEquals(db0[o] + sum, db[o], 1e-4 * (1 + Math.abs(sum)), "dbias[" + o + "]");
        }
        // One-hot probes pin every index (the adjoint identity alone is blind to a mirrored kernel).
        int probe = rng.nextInt(ny);
        float[] onehot = new float[ny];
        onehot[probe] = 1f;
        float[] dxProbe = new float[nx], dwProbe = new float[nw];
        Conv.backwardData(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, onehot, wt, dxProbe);
        Conv.backwardWeights(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, x, onehot, dwProbe, null);
        for (int i = 0; i < nx; i++) {                                   // ∂y[probe]/∂x[i] by perturbing x[i]
            float[] xe = x.clone();
            xe[i] += 1f;
            float[] ye = new float[ny];
            Conv.forward(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, xe, wt, null, ye);
            assertEquals(ye[probe] - (double) y[probe], dxProbe[i], 1e-4, "∂y[" + probe + "]/∂x[" + i + "]");
        }
        for (int i = 0; i < nw; i++) {
            float[] we = wt.clone();
            we[i] += 1f;
            float[] ye = new float[ny];
            Conv.forward(batch, inC, h, w, outC, k, k, stride, pad, outH, outW, x, we, null, ye);
            assertEquals(ye[probe] - (double) y[probe], dwProbe[i], 1e-4, "∂y[" + probe + "]/∂w[" + i + "]");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static float[] gaussian(int n, double std, Rng rng) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (std * rng.nextGaussian());
        return out;
    }

    private static float[] guarded(int n) {
        float[] out = new float[n + GUARD];
        for (int i = n; i < out.length; i++) out[i] = GUARD_VALUE;
        return out;
    }

    private static void assertGuard(float[] a, int n) {
        for (int i = n; i < a.length; i++) assertEquals(GUARD_VALUE, a[i], "guard value at " + i + " was written");
    }

    private static void assertRel(double expected, double actual, String what) {
        assertEquals(expected, actual, Tolerances.F32_REL * Math.max(Math.abs(expected), Float.MIN_NORMAL), what);
    }

    /** For sums of order-1 terms: relative above 1, absolute below (1 − y² cancels near |y| = 1). */
    private static void assertNear(double expected, double actual, String what) {
        assertEquals(expected, actual, Tolerances.F32_REL * (1 + Math.abs(expected)), what);
    }

    private static double dot(float[] a, float[] b) {
        double acc = 0;
        for (int i = 0; i < a.length; i++) acc += (double) a[i] * b[i];
        return acc;
    }
}
