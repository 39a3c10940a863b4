package dev.kiln.backend;

import dev.kiln.rand.Rng;
import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.List;

import static dev.kiln.backend.ReferenceComparison.FAST_ALWAYS_PARALLEL;
import static dev.kiln.backend.ReferenceComparison.FAST_ONE_THREAD;
import static dev.kiln.testing.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Independent twins: every non-GEMM kernel of every backend (the reference, the fast backend on
 * one thread and on three) against its formula written the obvious way in double, straight from
 * {@link Backend}'s documentation: no shared helper, no stable rewrite, no call into
 * {@code dev.kiln.kernels}. The fast backend inherits some of these kernels from the reference,
 * so a bit-for-bit comparison of the two would compare a kernel with itself; these properties do
 * not.
 *
 * <p>Tolerance: |kernel − formula| ≤ {@link Tolerances#F32_REL}·scale, where scale is the same
 * expression over absolute values (the size of what was added up), so cancellations do not turn
 * a float rounding into a failure. Inputs stay where the plain formulas are exact enough in
 * double (|logit| ≤ ~15, no −∞ class, p_t not within 1e-7 of 1).
 */
class BackendFormulaProperties {

    private static final List<Backend> BACKENDS = List.of(ReferenceBackend.INSTANCE, FAST_ONE_THREAD,
            FAST_ALWAYS_PARALLEL);

    /** Lengths: empty, 1, small, and past the 8192-element chunks of the parallel loops. */
    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(0, 1)),
                Tuple.of(3, Arbitraries.integers().between(2, 100)),
                Tuple.of(1, Arbitraries.of(8193, 3 * 8192 + 5)));
    }

    /** [rows, classes, inner]: MLP logits (inner 1), small images, a 30×30 decoder output. */
    @Provide
    Arbitrary<int[]> classAxisShapes() {
        Arbitrary<Integer> rows = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> classes = Arbitraries.integers().between(1, 11);
        Arbitrary<Integer> inner = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(2, Arbitraries.integers().between(2, 20)),
                Tuple.of(1, Arbitraries.just(900)));
        return Combinators.combine(rows, classes, inner).as((r, c, s) -> new int[] {r, c, s});
    }

    /** Like {@link #classAxisShapes} with at least two classes, so that p_t stays below 1 (focal's q^(γ−1)). */
    @Provide
    Arbitrary<int[]> lossShapes() {
        return classAxisShapes().filter(shape -> shape[1] >= 2);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 30)
    void axpyScaleAndTheSumsFollowTheirFormulas(@ForAll("lengths") int n,
                                               @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = gaussian(rng, n, 3f);
        float[] y = gaussian(rng, n, 3f);
        float alpha = -0.37f;
        for (Backend be : BACKENDS) {
            float[] axpy = y.clone();
            be.axpy(alpha, x, axpy, n);
            float[] scaled = x.clone();
            be.scale(alpha, scaled, n);
            for (int i = 0; i < n; i++) {
                close(be, "axpy", i, axpy[i], y[i] + (double) alpha * x[i], Math.abs(y[i]) + Math.abs(alpha * x[i]));
                close(be, "scale", i, scaled[i], (double) alpha * x[i], Math.abs(alpha * x[i]));
            }
            int off = n / 3;
            double sum = 0, sumAbs = 0, squares = 0;
            for (int i = off; i < n; i++) {
                sum += x[i];
                sumAbs += Math.abs(x[i]);
            }
            for (int i = 0; i < n; i++) squares += (double) x[i] * x[i];
            close(be, "sum", off, be.sum(x, off, n - off), sum, sumAbs);
            close(be, "sumSquares", 0, be.sumSquares(x, n), squares, squares);
        }
        Statistics.label("length").collect(n < 2 ? "0 or 1" : n <= 100 ? "small" : "past a chunk");
        Statistics.label("length").coverage(c -> c.check("past a chunk").count(k -> k > 0));
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 30)
    void theSoftmaxFamilyFollowsItsFormulas(@ForAll("classAxisShapes") int[] shape,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int rows = shape[0], classes = shape[1], inner = shape[2];
        int n = rows * classes * inner;
        Rng rng = new Rng(seed);
        float[] x = gaussian(rng, n, 4f);
        float[] dy = gaussian(rng, n, 1f);
        float[] dx0 = gaussian(rng, n, 1f);
        // The formulas, fibre by fibre: p_c = e^x_c / Σ_k e^x_k, lse = log Σ_k e^x_k.
        double[] p = new double[n];
        double[] lse = new double[rows * inner];
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                double z = 0;
                for (int c = 0; c < classes; c++) z += Math.exp(x[at(b, c, s, classes, inner)]);
                lse[b * inner + s] = Math.log(z);
                for (int c = 0; c < classes; c++) p[at(b, c, s, classes, inner)] = Math.exp(x[at(b, c, s, classes, inner)]) / z;
            }
        }
        for (Backend be : BACKENDS) {
            float[] outLse = new float[rows * inner];
            float[] softmax = new float[n];
            float[] logSoftmax = new float[n];
            be.logSumExp(x, rows, classes, inner, outLse);
            be.softmax(x, rows, classes, inner, softmax);
            be.logSoftmax(x, rows, classes, inner, logSoftmax);
            float[] y = new float[n];                           // softmax backward takes the float softmax
            for (int i = 0; i < n; i++) y[i] = (float) p[i];
            float[] logY = new float[n];
            for (int i = 0; i < n; i++) logY[i] = (float) Math.log(p[i]);
            float[] dxSoftmax = dx0.clone();
            be.softmaxBackward(y, dy, rows, classes, inner, dxSoftmax);
            float[] dxLogSoftmax = dx0.clone();
            be.logSoftmaxBackward(logY, dy, rows, classes, inner, dxLogSoftmax);
            for (int b = 0; b < rows; b++) {
                for (int s = 0; s < inner; s++) {
                    double l = lse[b * inner + s];
                    double max = Double.NEGATIVE_INFINITY;
                    double dot = 0, dotAbs = 0, total = 0, totalAbs = 0;   // Σ y·dy and Σ dy over the fibre
                    for (int c = 0; c < classes; c++) {
                        int i = at(b, c, s, classes, inner);
                        max = Math.max(max, x[i]);
                        dot += (double) y[i] * dy[i];
                        dotAbs += Math.abs((double) y[i] * dy[i]);
                        total += dy[i];
                        totalAbs += Math.abs(dy[i]);
                    }
                    // lse = max + log(s), s = Σ exp(x − max) ∈ [1, C] summed in float: s's rounding
                    // error, up to C·2⁻²⁴·s, reaches log(s) as C·2⁻²⁴ whatever the size of lse, so a
                    // result near 0 (max ≈ −log s) needs that absolute term beside the relative one.
                    close(be, "logSumExp", b * inner + s, outLse[b * inner + s], l,
                            Math.abs(max) + (l - max) + (classes + 1) * 0x1p-24 / Tolerances.F32_REL);
                    for (int c = 0; c < classes; c++) {
                        int i = at(b, c, s, classes, inner);
                        close(be, "softmax", i, softmax[i], p[i], p[i] + Float.MIN_NORMAL);
                        close(be, "logSoftmax", i, logSoftmax[i], x[i] - l,          // x − lse: lse's absolute term too
                                Math.abs(x[i]) + Math.abs(l) + (classes + 1) * 0x1p-24 / Tolerances.F32_REL);
                        close(be, "softmaxBackward", i, dxSoftmax[i], dx0[i] + y[i] * (dy[i] - dot),
                                Math.abs(dx0[i]) + y[i] * (Math.abs(dy[i]) + dotAbs));
                        double py = Math.exp(logY[i]);
                        close(be, "logSoftmaxBackward", i, dxLogSoftmax[i], dx0[i] + dy[i] - py * total,
                                Math.abs(dx0[i]) + Math.abs(dy[i]) + py * totalAbs);
                    }
                }
            }
        }
        collectInner(inner);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 30)
    void crossEntropyAndFocalFollowTheirFormulas(@ForAll("lossShapes") int[] shape,
                                                @ForAll("gammas") float gamma, @ForAll boolean weighted,
                                                @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int rows = shape[0], classes = shape[1], inner = shape[2];
        int n = rows * classes * inner;
        Rng rng = new Rng(seed);
        float[] logp = logSoftmaxOf(gaussian(rng, n, 2f), rows, classes, inner);
        int[] targets = new int[rows * inner];
        for (int i = 0; i < targets.length; i++) targets[i] = rng.nextInt(classes);
        float[] weights = null;
        if (weighted) {
            weights = new float[classes];
            for (int c = 0; c < classes; c++) weights[c] = rng.uniform(0.1f, 3f);
        }
        float scale = 0.25f;
        float[] dx0 = gaussian(rng, n, 1f);
        // The formulas, cell by cell: p = e^ℓ, CE = −w_t·ℓ_t, focal = −α_t·(1 − p_t)^γ·ℓ_t,
        // ∂CE/∂x_c = w_t·(p_c − [c = t]),  ∂focal/∂x_c = α_t·((1 − p_t)^γ − γ·p_t·(1 − p_t)^(γ−1)·ℓ_t)·(p_c − [c = t]).
        double ce = 0, ceAbs = 0, focal = 0, focalAbs = 0;
        double[] dCe = new double[n], dFocal = new double[n], dCeAbs = new double[n], dFocalAbs = new double[n];
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s];
                double w = weighted ? weights[t] : 1.0;
                double lt = logp[at(b, t, s, classes, inner)];
                double pt = Math.exp(lt);
                double q = 1 - pt;
                ce += -w * lt;
                ceAbs += Math.abs(w * lt);
                focal += -w * Math.pow(q, gamma) * lt;
                focalAbs += Math.abs(w * Math.pow(q, gamma) * lt);
                double g = Math.pow(q, gamma) - gamma * pt * Math.pow(q, gamma - 1) * lt;
                for (int c = 0; c < classes; c++) {
                    int i = at(b, c, s, classes, inner);
                    double hot = c == t ? 1 : 0;
                    double pc = Math.exp(logp[i]);
                    dCe[i] = dx0[i] + scale * w * (pc - hot);
                    dCeAbs[i] = Math.abs(dx0[i]) + Math.abs(scale * w) * (pc + hot);
                    dFocal[i] = dx0[i] + scale * w * g * (pc - hot);
                    dFocalAbs[i] = Math.abs(dx0[i]) + Math.abs(scale * w * g) * (pc + hot);
                }
            }
        }
        for (Backend be : BACKENDS) {
            close(be, "crossEntropy", 0, be.crossEntropy(logp, targets, weights, rows, classes, inner), ce, ceAbs);
            close(be, "focal", 0, be.focal(logp, targets, weights, gamma, rows, classes, inner), focal, focalAbs);
            float[] dxCe = dx0.clone();
            be.crossEntropyBackward(logp, targets, weights, rows, classes, inner, scale, dxCe);
            float[] dxFocal = dx0.clone();
            be.focalBackward(logp, targets, weights, gamma, rows, classes, inner, scale, dxFocal);
            for (int i = 0; i < n; i++) {
                close(be, "crossEntropyBackward", i, dxCe[i], dCe[i], dCeAbs[i]);
                close(be, "focalBackward γ = " + gamma, i, dxFocal[i], dFocal[i], dFocalAbs[i]);
            }
        }
        Statistics.label("γ").collect(gamma);
        collectInner(inner);
    }

    /** Focal γ: 0 (cross-entropy), between 0 and 1 (q^(γ−1) grows), 1, and the usual 2. */
    @Provide
    Arbitrary<Float> gammas() {
        return Arbitraries.of(0f, 0.5f, 1f, 2f);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 30)
    void bceWithLogitsAndTheGaussianKlFollowTheirFormulas(@ForAll("lengths") int n,
                                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] x = gaussian(rng, n, 5f);                        // logits; |x| ≤ ~25 in practice
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextInt(3) == 0 ? rng.nextFloat() : rng.nextInt(2);
        float[] mu = gaussian(rng, n, 2f);
        float[] logVar = gaussian(rng, n, 2f);
        float[] dkl = gaussian(rng, n, 1f);
        float[] dx0 = gaussian(rng, n, 1f);
        float[] dmu0 = gaussian(rng, n, 1f);
        float[] dlv0 = gaussian(rng, n, 1f);
        float scale = -1.5f;
        // BCE = −t·log σ(x) − (1 − t)·log(1 − σ(x)), ∂/∂x = σ(x) − t;  KL = ½(μ² + e^lv − 1 − lv).
        double bce = 0, bceAbs = 0;
        for (int i = 0; i < n; i++) {
            double sig = 1 / (1 + Math.exp(-x[i]));
            double term = -t[i] * Math.log(sig) - (1 - t[i]) * Math.log(1 - sig);
            bce += term;
            bceAbs += Math.abs(term);
        }
        for (Backend be : BACKENDS) {
            close(be, "bceWithLogits", 0, be.bceWithLogits(x, t, n), bce, bceAbs);
            float[] dx = dx0.clone();
            be.bceWithLogitsBackward(x, t, n, scale, dx);
            float[] kl = new float[n];
            be.gaussianKl(mu, logVar, kl, n);
            float[] dmu = dmu0.clone();
            float[] dlv = dlv0.clone();
            be.gaussianKlBackward(mu, logVar, dkl, dmu, dlv, n);
            for (int i = 0; i < n; i++) {
                double sig = 1 / (1 + Math.exp(-x[i]));
                close(be, "bceWithLogitsBackward", i, dx[i], dx0[i] + scale * (sig - t[i]),
                        Math.abs(dx0[i]) + Math.abs(scale) * (sig + t[i]));
                double var = Math.exp(logVar[i]);
                close(be, "gaussianKl", i, kl[i], 0.5 * ((double) mu[i] * mu[i] + var - 1 - logVar[i]),
                        0.5 * ((double) mu[i] * mu[i] + var + 1 + Math.abs(logVar[i])));
                close(be, "gaussianKlBackward dmu", i, dmu[i], dmu0[i] + (double) dkl[i] * mu[i],
                        Math.abs(dmu0[i]) + Math.abs((double) dkl[i] * mu[i]));
                close(be, "gaussianKlBackward dlogVar", i, dlv[i], dlv0[i] + dkl[i] * 0.5 * (var - 1),
                        Math.abs(dlv0[i]) + Math.abs(dkl[i]) * 0.5 * (var + 1));
            }
        }
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 30)
    void adamAndSgdStepsFollowTheirFormulas(@ForAll("lengths") int n, @ForAll boolean decoupled,
                                           @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] p0 = gaussian(rng, n, 1f);
        float[] g = gaussian(rng, n, 1f);
        float[] m0 = gaussian(rng, n, 0.1f);
        float[] v0 = new float[n];
        for (int i = 0; i < n; i++) v0[i] = rng.uniform(0f, 0.05f);
        float[] buf0 = gaussian(rng, n, 0.5f);
        float lr = 0.01f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, wd = 0.05f, bc1 = 0.271f, bc2 = 0.003f;
        float momentum = 0.9f;
        for (Backend be : BACKENDS) {
            float[] p = p0.clone(), m = m0.clone(), v = v0.clone();
            be.adamStep(p, g, m, v, n, lr, beta1, beta2, eps, wd, decoupled, bc1, bc2);
            float[] ps = p0.clone(), buf = buf0.clone();
            be.sgdStep(ps, g, buf, n, lr, momentum, wd);
            String adam = decoupled ? "adamW" : "adam";
            for (int i = 0; i < n; i++) {
                // Adam as documented: g' = g (+ wd·p), m, v moving averages, p −= lr·(m̂/(√v̂ + ε) (+ wd·p)).
                double grad = decoupled ? g[i] : g[i] + (double) wd * p0[i];
                double mNew = beta1 * (double) m0[i] + (1 - (double) beta1) * grad;
                double vNew = beta2 * (double) v0[i] + (1 - (double) beta2) * grad * grad;
                double update = (mNew / bc1) / (Math.sqrt(vNew / bc2) + eps) + (decoupled ? wd * (double) p0[i] : 0);
                close(be, adam + " m", i, m[i], mNew, beta1 * Math.abs(m0[i]) + (1 - beta1) * Math.abs(grad));
                close(be, adam + " v", i, v[i], vNew, vNew);
                // The step lr·update against the float step; p itself rounds at 2⁻²⁴·|p|.
                closeStep(be, adam + " p", i, p[i], p0[i], -lr * update);
                // SGD as documented: g' = g + wd·p, buf = μ·buf + g', p −= lr·buf.
                double sgdGrad = g[i] + (double) wd * p0[i];
                double bufNew = momentum * (double) buf0[i] + sgdGrad;
                close(be, "sgd buf", i, buf[i], bufNew, momentum * Math.abs(buf0[i]) + Math.abs(g[i])
                        + Math.abs(wd * p0[i]));
                closeStep(be, "sgd p", i, ps[i], p0[i], -lr * bufNew);
            }
        }
    }

    /** Index of x[b, c, s] in a [rows, classes, inner] array. */
    private static int at(int b, int c, int s, int classes, int inner) {
        return (b * classes + c) * inner + s;
    }

    /** log softmax along the class axis, in double, rounded to float once. */
    private static float[] logSoftmaxOf(float[] x, int rows, int classes, int inner) {
        float[] out = new float[x.length];
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                double z = 0;
                for (int c = 0; c < classes; c++) z += Math.exp(x[at(b, c, s, classes, inner)]);
                for (int c = 0; c < classes; c++) {
                    int i = at(b, c, s, classes, inner);
                    out[i] = (float) Math.min(0, x[i] - Math.log(z));     // log p ≤ 0 also after rounding
                }
            }
        }
        return out;
    }

    /** |actual − exact| ≤ F32_REL·scale (and exact equality where scale is 0). */
    private static void close(Backend be, String kernel, int index, double actual, double exact, double scale) {
        assertTrue(Double.isFinite(exact), kernel + ": the formula itself is not finite at " + index);
        double allowed = Tolerances.F32_REL * scale;
        if (!(Math.abs(actual - exact) <= allowed)) {
            fail(be.name() + threads(be) + " " + kernel + " [" + index + "] = " + actual + ", formula " + exact
                    + " (allowed ±" + allowed + ")");
        }
    }

    /** p_new − p_old against the formula's step, allowing the float rounding of p on top. */
    private static void closeStep(Backend be, String kernel, int index, float pNew, float pOld, double step) {
        double allowed = Tolerances.F32_REL * Math.abs(step) + 0x1p-23 * Math.abs(pOld);
        double actual = (double) pNew - pOld;
        if (!(Math.abs(actual - step) <= allowed)) {
            fail(be.name() + threads(be) + " " + kernel + " [" + index + "] moved by " + actual + ", formula " + step
                    + " (allowed ±" + allowed + ")");
        }
    }

    private static String threads(Backend be) {
        return be instanceof FastCpuBackend f ? " (" + f.threads() + " threads)" : "";
    }

    private static void collectInner(int inner) {
        Statistics.label("inner").collect(inner == 1 ? "1" : inner == 900 ? "900" : "2..20");
        Statistics.label("inner").coverage(c -> c.check("1").count(k -> k > 0));
    }
}
