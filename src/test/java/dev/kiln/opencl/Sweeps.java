package dev.kiln.opencl;

import static dev.kiln.testing.TestArrays.abs;
import static dev.kiln.testing.TestArrays.gaussian;
import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.ConvShape;
import dev.kiln.backend.ReferenceBackend;
import dev.kiln.rand.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape sweeps that hold each OpenCL kernel against its reference twin: size-1 and odd sizes,
 * sizes that are not a multiple of the work-group or tile size, strides, padding, output padding,
 * offsets, and extreme values. Each sweep returns an {@link Agreement}; the tests assert it, the
 * benchmark prints its max relative error. Inputs are seeded; "before" arrays for the kernels that
 * add into their output are random, so a kernel that overwrote instead of adding would show.
 */
public final class Sweeps {
    private static final Backend REF = ReferenceBackend.INSTANCE;

    private Sweeps() {}

    /** Every sweep, in the order of the report. */
    public static List<Agreement> all(Backend device) {
        List<Agreement> out = new ArrayList<>();
        out.add(gemm(device));
        out.add(convForward(device));
        out.add(convBackwardData(device));
        out.add(convBackwardWeights(device));
        out.add(activations(device));
        out.add(axpyAndScale(device));
        out.add(classAxis(device));
        out.add(crossEntropy(device));
        out.add(focal(device));
        out.add(bce(device));
        out.add(gaussianKl(device));
        out.add(freeBits(device));
        out.add(adam(device));
        out.add(sgd(device));
        return out;
    }

    // ---------------------------------------------------------------- GEMM

    /**
     * The tiled GEMM, bit for bit: it sums each dot product in double in the order p = 0 … K−1,
     * as the reference does (a float product is exact in double, so an fma changes nothing), and
     * rounds once. {16, 256, 4096} is the ARC model's dense layer (flattened 64·8·8 → 256), whose
     * float sum used to drift a weighted-CE training run by 1e-3 in two epochs.
     */
    public static Agreement gemm(Backend device) {
        Agreement a = new Agreement("gemm (tiled, local memory)");
        Rng rng = new Rng(12_001);
        int[][] mnk = {{1, 1, 1}, {1, 7, 3}, {17, 1, 5}, {16, 16, 16}, {33, 17, 65}, {5, 40, 1}, {32, 32, 576},
                       {16, 256, 4096}};
        for (int[] s : mnk) {
            for (int mode = 0; mode < 8; mode++) {
                boolean ta = (mode & 1) != 0, tb = (mode & 2) != 0, acc = (mode & 4) != 0;
                int m = s[0], n = s[1], k = s[2];
                int aOff = mode % 3, bOff = (mode + 1) % 3, cOff = mode % 2;
                float[] x = gaussian(rng, aOff + m * k + 2, 1f);
                float[] y = gaussian(rng, bOff + k * n + 1, 1f);
                float[] c0 = gaussian(rng, cOff + m * n + 3, 1f);
                float[] dev = c0.clone(), ref = c0.clone();
                device.gemm(ta, tb, m, n, k, x, aOff, y, bOff, dev, cOff, acc);
                REF.gemm(ta, tb, m, n, k, x, aOff, y, bOff, ref, cOff, acc);
                a.compare(String.format("m=%d n=%d k=%d transA=%b transB=%b accumulate=%b", m, n, k, ta, tb, acc),
                        dev, ref, new double[ref.length]);
            }
        }
        return a;
    }

    // ---------------------------------------------------------------- convolution

    /** Convolution geometries: size 1, odd sizes, strides 1–3, padding 0–2, non-square kernels, output padding. */
    public static List<ConvShape> convShapes() {
        List<ConvShape> s = new ArrayList<>();
        s.add(ConvShape.conv(1, 1, 1, 1, 1, 1, 1, 0));
        s.add(ConvShape.conv(2, 3, 5, 7, 4, 3, 1, 1));
        s.add(ConvShape.conv(1, 2, 9, 9, 3, 3, 2, 1));
        s.add(ConvShape.conv(3, 1, 6, 5, 2, 2, 2, 0));
        s.add(ConvShape.conv(2, 4, 7, 7, 5, 3, 3, 2));
        s.add(ConvShape.conv(1, 3, 4, 4, 2, 5, 1, 2));                        // kernel larger than the input
        s.add(new ConvShape(2, 2, 6, 5, 3, 3, 1, 1, 1, 4, 5));                  // 3×1 kernel
        s.add(ConvShape.transposed(2, 4, 5, 5, 3, 3, 2, 1, 1));                // output padding 1
        s.add(ConvShape.transposed(1, 3, 4, 3, 2, 4, 3, 1, 2));                // stride 3, output padding 2
        s.add(ConvShape.conv(2, 10, 30, 30, 8, 3, 2, 1));                      // ARC encoder, 30×30 → 15×15
        s.add(ConvShape.transposed(2, 8, 15, 15, 10, 3, 2, 1, 1));             // ARC decoder, 15×15 → 30×30
        return s;
    }

    public static Agreement convForward(Backend device) {
        Agreement a = new Agreement("conv2d forward");
        Rng rng = new Rng(12_002);
        for (ConvShape s : convShapes()) {
            for (boolean withBias : new boolean[] {true, false}) {
                float[] x = gaussian(rng, s.xSize(), 1f), w = gaussian(rng, s.wSize(), 1f);
                float[] bias = withBias ? gaussian(rng, s.outC(), 1f) : null;
                float[] dev = gaussian(rng, s.ySize(), 9f), ref = new float[s.ySize()];
                device.conv2dForward(s, x, w, bias, dev);
                REF.conv2dForward(s, x, w, bias, ref);
                a.compare(s + " bias=" + withBias, dev, ref, new double[ref.length]);   // double sum: bit for bit
            }
        }
        return a;
    }

    public static Agreement convBackwardData(Backend device) {
        Agreement a = new Agreement("conv2d backward data");
        Rng rng = new Rng(12_003);
        for (ConvShape s : convShapes()) {
            float[] dy = gaussian(rng, s.ySize(), 1f), w = gaussian(rng, s.wSize(), 1f);
            float[] before = gaussian(rng, s.xSize(), 1f);
            float[] dev = before.clone(), ref = before.clone(), abs = abs(before);
            device.conv2dBackwardData(s, dy, w, dev);
            REF.conv2dBackwardData(s, dy, w, ref);
            REF.conv2dBackwardData(s, abs(dy), abs(w), abs);
            a.compare(s.toString(), dev, ref, Agreement.rounding(abs, s.outC() * s.kH() * s.kW() + 1));
        }
        return a;
    }

    public static Agreement convBackwardWeights(Backend device) {
        Agreement a = new Agreement("conv2d backward weights and bias");
        Rng rng = new Rng(12_004);
        for (ConvShape s : convShapes()) {
            for (boolean withBias : new boolean[] {true, false}) {
                float[] x = gaussian(rng, s.xSize(), 1f), dy = gaussian(rng, s.ySize(), 1f);
                float[] w0 = gaussian(rng, s.wSize(), 1f), b0 = gaussian(rng, s.outC(), 1f);
                float[] dw = w0.clone(), rw = w0.clone();
                float[] db = withBias ? b0.clone() : null, rb = withBias ? b0.clone() : null;
                device.conv2dBackwardWeights(s, x, dy, dw, db);
                REF.conv2dBackwardWeights(s, x, dy, rw, rb);
                a.compare(s + " dw", dw, rw, new double[rw.length]);                    // double sums: bit for bit
                if (withBias) a.compare(s + " dbias", db, rb, new double[rb.length]);
            }
        }
        return a;
    }

    // ---------------------------------------------------------------- elementwise

    /** Sizes around the work-group size and extreme inputs (±100, ±1e30, 0, subnormal). */
    private static final int[] SIZES = {1, 7, 63, 64, 65, 1000};

    private static float[] withExtremes(Rng rng, int n, float scale) {
        float[] x = gaussian(rng, n, scale);
        float[] extremes = {100f, -100f, 1e30f, -1e30f, 0f, -0f, Float.MIN_VALUE, 1e-3f, -1e-3f, 88f, -88f};
        for (int i = 0; i < Math.min(n, extremes.length); i++) x[(i * 7) % n] = extremes[i];
        return x;
    }

    public static Agreement activations(Backend device) {
        Agreement a = new Agreement("activations forward and backward");
        Rng rng = new Rng(12_005);
        for (Activation f : Activation.values()) {
            for (int n : SIZES) {
                float[] x = withExtremes(rng, n + 2, 3f);
                float[] dev = gaussian(rng, n + 2, 1f), ref = dev.clone();   // the tail past n must survive
                device.activationForward(f, 0.01f, x, dev, n);
                REF.activationForward(f, 0.01f, x, ref, n);
                a.compare(f + " forward n=" + n, dev, ref, Agreement.sameOrder(ref));
                float[] dy = gaussian(rng, n + 2, 1f), before = gaussian(rng, n + 2, 1f);
                float[] ddx = before.clone(), rdx = before.clone();
                device.activationBackward(f, 0.01f, x, ref, dy, ddx, n);
                REF.activationBackward(f, 0.01f, x, ref, dy, rdx, n);
                // every float product sits on a statement of its own in the kernel: bit for bit
                a.compare(f + " backward n=" + n, ddx, rdx, new double[rdx.length]);
            }
        }
        return a;
    }

    public static Agreement axpyAndScale(Backend device) {
        Agreement a = new Agreement("axpy and scale");
        Rng rng = new Rng(12_006);
        for (int n : SIZES) {
            float[] x = gaussian(rng, n + 1, 1f), before = gaussian(rng, n + 1, 1f);
            float[] dev = before.clone(), ref = before.clone();
            device.axpy(-0.37f, x, dev, n);
            REF.axpy(-0.37f, x, ref, n);
            a.compare("axpy n=" + n, dev, ref, new double[ref.length]);            // bit for bit
            float[] dScaled = before.clone(), rScaled = before.clone();
            device.scale(1.7f, dScaled, n);
            REF.scale(1.7f, rScaled, n);
            a.compare("scale n=" + n, dScaled, rScaled, Agreement.sameOrder(rScaled));
        }
        return a;
    }

    // ---------------------------------------------------------------- class axis

    /** [rows, classes, inner] shapes: MLP logits (inner 1), image cells, size-1 axes. */
    private static final int[][] CLASS_SHAPES = {{1, 1, 1}, {3, 10, 1}, {2, 10, 9}, {1, 2, 65}, {4, 3, 7}, {2, 10, 900}};

    /** Logits with one fibre at ±1e30 scale, one fully masked (−∞), one with a masked class. */
    private static float[] logits(Rng rng, int rows, int classes, int inner, boolean masks) {
        float[] x = gaussian(rng, rows * classes * inner, 4f);
        if (inner > 1) {
            for (int c = 0; c < classes; c++) x[c * inner + 1] = (c % 2 == 0 ? 1e30f : -1e30f) * (c + 1) / classes;
            if (masks) {
                for (int c = 0; c < classes; c++) x[c * inner] = Float.NEGATIVE_INFINITY;
                x[inner + 2] = Float.NEGATIVE_INFINITY;
            }
        }
        return x;
    }

    public static Agreement classAxis(Backend device) {
        Agreement a = new Agreement("logsumexp, softmax, log-softmax and backwards");
        Rng rng = new Rng(12_007);
        for (int[] s : CLASS_SHAPES) {
            int rows = s[0], classes = s[1], inner = s[2], size = rows * classes * inner;
            String where = "rows=" + rows + " classes=" + classes + " inner=" + inner;
            float[] x = logits(rng, rows, classes, inner, true);
            float[] dl = new float[rows * inner], rl = new float[rows * inner];
            device.logSumExp(x, rows, classes, inner, dl);
            REF.logSumExp(x, rows, classes, inner, rl);
            a.compare("logsumexp " + where, dl, rl, Agreement.sameOrder(rl));
            float[] ds = new float[size], rs = new float[size];
            device.softmax(x, rows, classes, inner, ds);
            REF.softmax(x, rows, classes, inner, rs);
            a.compare("softmax " + where, ds, rs, Agreement.sameOrder(rs));
            float[] dls = new float[size], rls = new float[size];
            device.logSoftmax(x, rows, classes, inner, dls);
            REF.logSoftmax(x, rows, classes, inner, rls);
            a.compare("log-softmax " + where, dls, rls, Agreement.sameOrder(rls));

            float[] finite = logits(rng, rows, classes, inner, false);      // backwards: finite saved outputs
            float[] y = new float[size], logY = new float[size];
            REF.softmax(finite, rows, classes, inner, y);
            REF.logSoftmax(finite, rows, classes, inner, logY);
            float[] dy = gaussian(rng, size, 1f), before = gaussian(rng, size, 1f);
            float[] d1 = before.clone(), r1 = before.clone();
            device.softmaxBackward(y, dy, rows, classes, inner, d1);
            REF.softmaxBackward(y, dy, rows, classes, inner, r1);
            a.compare("softmax backward " + where, d1, r1, Agreement.sameOrder(r1, before));
            float[] d2 = before.clone(), r2 = before.clone();
            device.logSoftmaxBackward(logY, dy, rows, classes, inner, d2);
            REF.logSoftmaxBackward(logY, dy, rows, classes, inner, r2);
            a.compare("log-softmax backward " + where, d2, r2, Agreement.sameOrder(r2, before));
        }
        return a;
    }

    // ---------------------------------------------------------------- losses

    private static int[] targets(Rng rng, int cells, int classes) {
        int[] t = new int[cells];
        for (int i = 0; i < cells; i++) t[i] = rng.nextInt(classes);
        return t;
    }

    /** Log-probabilities with one cell whose target has p_t = 1 exactly (ℓ_t = 0) and one far below. */
    private static float[] logProbabilities(Rng rng, int rows, int classes, int inner, int[] t) {
        float[] x = gaussian(rng, rows * classes * inner, 3f);
        x[t[0] * inner] = 200f;                                  // cell 0: p_t rounds to 1
        if (rows * inner > 1) x[(t[1] * inner + 1) % x.length] = -200f;
        float[] logp = new float[x.length];
        REF.logSoftmax(x, rows, classes, inner, logp);
        return logp;
    }

    public static Agreement crossEntropy(Backend device) {
        Agreement a = new Agreement("cross-entropy forward and backward");
        lossSweep(device, a, 12_008, -1f);
        return a;
    }

    public static Agreement focal(Backend device) {
        Agreement a = new Agreement("focal forward and backward");
        for (float gamma : new float[] {0f, 0.5f, 2f, 5f}) lossSweep(device, a, 12_009, gamma);
        return a;
    }

    /** gamma &lt; 0: cross-entropy; else focal with that γ. */
    private static void lossSweep(Backend device, Agreement a, long seed, float gamma) {
        Rng rng = new Rng(seed);
        for (int[] s : CLASS_SHAPES) {
            int rows = s[0], classes = s[1], inner = s[2], size = rows * classes * inner;
            for (boolean weighted : new boolean[] {false, true}) {
                int[] t = targets(rng, rows * inner, classes);
                float[] logp = logProbabilities(rng, rows, classes, inner, t);
                float[] w = null;
                if (weighted) {
                    w = new float[classes];
                    for (int c = 0; c < classes; c++) w[c] = 0.1f + rng.nextFloat() * 3f;
                }
                String where = "rows=" + rows + " classes=" + classes + " inner=" + inner + " weighted=" + weighted
                        + (gamma >= 0 ? " gamma=" + gamma : "");
                double dSum, rSum, absSum;
                float[] before = gaussian(rng, size, 1f), dDx = before.clone(), rDx = before.clone();
                if (gamma < 0) {
                    dSum = device.crossEntropy(logp, t, w, rows, classes, inner);
                    rSum = REF.crossEntropy(logp, t, w, rows, classes, inner);
                    device.crossEntropyBackward(logp, t, w, rows, classes, inner, 0.3f, dDx);
                    REF.crossEntropyBackward(logp, t, w, rows, classes, inner, 0.3f, rDx);
                } else {
                    dSum = device.focal(logp, t, w, gamma, rows, classes, inner);
                    rSum = REF.focal(logp, t, w, gamma, rows, classes, inner);
                    device.focalBackward(logp, t, w, gamma, rows, classes, inner, 0.3f, dDx);
                    REF.focalBackward(logp, t, w, gamma, rows, classes, inner, 0.3f, rDx);
                }
                absSum = Math.abs(rSum);                         // every term is ≥ 0: Σ|terms| = |Σ|
                a.compare("sum " + where, dSum, rSum, 1e-12 * absSum * rows * inner);
                a.compare("backward " + where, dDx, rDx, Agreement.sameOrder(rDx, before));
            }
        }
    }

    public static Agreement bce(Backend device) {
        Agreement a = new Agreement("BCE with logits forward and backward");
        Rng rng = new Rng(12_010);
        for (int n : SIZES) {
            float[] x = withExtremes(rng, n, 4f);
            float[] t = new float[n];
            for (int i = 0; i < n; i++) t[i] = i % 3 == 0 ? rng.nextFloat() : (i % 3 == 1 ? 1f : 0f);
            double dSum = device.bceWithLogits(x, t, n), rSum = REF.bceWithLogits(x, t, n);
            double absSum = 0;
            for (int i = 0; i < n; i++) absSum += Math.abs(x[i]) + Math.log1p(Math.exp(-Math.abs((double) x[i])));
            a.compare("sum n=" + n, dSum, rSum, 1e-12 * absSum * n);
            float[] before = gaussian(rng, n, 1f), dDx = before.clone(), rDx = before.clone();
            device.bceWithLogitsBackward(x, t, n, 0.7f, dDx);
            REF.bceWithLogitsBackward(x, t, n, 0.7f, rDx);
            a.compare("backward n=" + n, dDx, rDx, Agreement.sameOrder(rDx, before));
        }
        return a;
    }

    // ---------------------------------------------------------------- KL and optimizers

    public static Agreement gaussianKl(Backend device) {
        Agreement a = new Agreement("Gaussian KL forward and backward");
        Rng rng = new Rng(12_011);
        for (int n : SIZES) {
            float[] mu = gaussian(rng, n, 2f), lv = gaussian(rng, n, 3f);
            float[] lvExtremes = {30f, -30f, 0f, 1e-6f, -1e-6f, 80f};
            for (int i = 0; i < Math.min(n, lvExtremes.length); i++) lv[(i * 5) % n] = lvExtremes[i];
            float[] dKl = new float[n], rKl = new float[n];
            device.gaussianKl(mu, lv, dKl, n);
            REF.gaussianKl(mu, lv, rKl, n);
            a.compare("forward n=" + n, dKl, rKl, Agreement.sameOrder(rKl));
            float[] up = gaussian(rng, n, 1f), m0 = gaussian(rng, n, 1f), l0 = gaussian(rng, n, 1f);
            float[] dmu = m0.clone(), rmu = m0.clone(), dlv = l0.clone(), rlv = l0.clone();
            device.gaussianKlBackward(mu, lv, up, dmu, dlv, n);
            REF.gaussianKlBackward(mu, lv, up, rmu, rlv, n);
            a.compare("backward dmu n=" + n, dmu, rmu, new double[rmu.length]);
            a.compare("backward dlogVar n=" + n, dlv, rlv, Agreement.sameOrder(rlv, l0));
        }
        return a;
    }

    /**
     * Free bits' units and gradient mask, both modes, over sizes 1 and odd, off the work-group
     * multiple, and the MLP and ARC latent shapes; KL values random, all 0, huge (1e30 and the float
     * maximum) and mixed; λ = 0, a λ exactly equal to one unit (the kink, where kiln passes the
     * gradient), the next double above it (where it blocks), and a λ above every unit. Both are a
     * double sum in the reference's order and a comparison, so the bound is 0: bit-identical.
     */
    public static Agreement freeBits(Backend device) {
        Agreement a = new Agreement("free bits units and mask");
        Rng rng = new Rng(12_014);
        int[][] shapes = {{1, 1}, {1, 7}, {7, 1}, {3, 5}, {17, 33}, {65, 3}, {128, 20}, {32, 32}, {128, 32}};
        for (int[] s : shapes) {
            int batch = s[0], dims = s[1], n = batch * dims;
            for (int fill = 0; fill < 4; fill++) {
                float[] kl = abs(gaussian(rng, n, 0.3f));
                if (fill == 1) Arrays.fill(kl, 0f);
                if (fill == 2) Arrays.fill(kl, 1e30f);
                if (fill == 3) for (int i = 0; i < n; i += 3) kl[i] = i % 2 == 0 ? Float.MAX_VALUE : 0f;
                for (boolean perDim : new boolean[] {true, false}) {
                    int count = perDim ? dims : batch;
                    double[] dUnits = new double[count], rUnits = new double[count];
                    Arrays.fill(dUnits, Double.NaN);                 // every unit must be written
                    device.freeBitsUnits(kl, batch, dims, perDim, dUnits);
                    REF.freeBitsUnits(kl, batch, dims, perDim, rUnits);
                    String where = batch + "x" + dims + " fill " + fill + (perDim ? " per_dim" : " mean_over_dims");
                    for (int u = 0; u < count; u++) a.compare("units " + where + " u=" + u, dUnits[u], rUnits[u], 0);
                    double kink = rUnits[count / 2];
                    float g = (float) (1.0 / ((double) batch * dims));
                    for (double lambda : new double[] {0, kink, Math.nextUp(kink), 2e38}) {
                        float[] dGrad = gaussian(rng, n, 1f), rGrad = new float[n];   // stale values must go
                        device.freeBitsMask(rUnits, batch, dims, perDim, lambda, g, dGrad);
                        REF.freeBitsMask(rUnits, batch, dims, perDim, lambda, g, rGrad);
                        a.compare("mask " + where + " lambda=" + lambda, dGrad, rGrad, new double[n]);
                    }
                }
            }
        }
        return a;
    }

    /**
     * Adam and AdamW, bit for bit: the kernel rounds every float operation as the reference does
     * (see OptimizerKernel), so the allowed difference is 0. Besides p, g ~ N(0, 1) the sweep
     * draws magnitudes spread over many decades: parameters near 0 (where p − lr·update cancels
     * and a one-rounding fma shows up in the last bits of a small result), gradients and moments
     * from 1e-8 to 1e8 (tiny and huge updates), and v down to 1e-16 so eps matters.
     */
    public static Agreement adam(Backend device) {
        Agreement a = new Agreement("Adam and AdamW step");
        Rng rng = new Rng(12_012);
        for (int n : SIZES) {
            for (boolean spread : new boolean[] {false, true}) {
                for (boolean decoupled : new boolean[] {false, true}) {
                    float[] p = gaussian(rng, n + 1, 1f), g = gaussian(rng, n + 1, 1f);
                    float[] m = gaussian(rng, n + 1, 0.1f), v = abs(gaussian(rng, n + 1, 0.1f));
                    if (spread) {
                        for (int i = 0; i <= n; i++) {
                            p[i] *= decades(rng, -8, 0);
                            g[i] *= decades(rng, -8, 8);
                            m[i] *= decades(rng, -8, 8);
                            v[i] *= decades(rng, -16, 16);
                        }
                    }
                    float[] dp = p.clone(), dm = m.clone(), dv = v.clone(), rp = p.clone(), rm = m.clone(), rv = v.clone();
                    for (int step = 1; step <= 3; step++) {
                        float bc1 = (float) (1 - Math.pow(0.9, step)), bc2 = (float) (1 - Math.pow(0.999, step));
                        device.adamStep(dp, g, dm, dv, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, bc1, bc2);
                        REF.adamStep(rp, g, rm, rv, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, bc1, bc2);
                    }
                    String where = "n=" + n + " decoupled=" + decoupled + " spread=" + spread;
                    a.compare("p " + where, dp, rp, new double[n + 1]);
                    a.compare("m " + where, dm, rm, new double[n + 1]);
                    a.compare("v " + where, dv, rv, new double[n + 1]);
                }
            }
        }
        return a;
    }

    /** 10^u with u uniform in [lo, hi): a magnitude spread evenly over the decades. */
    private static float decades(Rng rng, int lo, int hi) {
        return (float) Math.pow(10, lo + (hi - lo) * rng.nextDouble());
    }

    public static Agreement sgd(Backend device) {
        Agreement a = new Agreement("SGD with momentum step");
        Rng rng = new Rng(12_013);
        for (int n : SIZES) {
            float[] p = gaussian(rng, n + 1, 1f), g = gaussian(rng, n + 1, 1f), buf = gaussian(rng, n + 1, 0.1f);
            float[] dp = p.clone(), db = buf.clone(), rp = p.clone(), rb = buf.clone();
            for (int step = 0; step < 3; step++) {
                device.sgdStep(dp, g, db, n, 0.05f, 0.9f, 1e-3f);
                REF.sgdStep(rp, g, rb, n, 0.05f, 0.9f, 1e-3f);
            }
            a.compare("p n=" + n, dp, rp, new double[rp.length]);
            a.compare("buf n=" + n, db, rb, new double[rb.length]);
        }
        return a;
    }

    // ---------------------------------------------------------------- inputs



    static float[] copyOf(float[] x) {
        return Arrays.copyOf(x, x.length);
    }
}
