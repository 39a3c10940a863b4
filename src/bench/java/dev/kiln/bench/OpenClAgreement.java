package dev.kiln.bench;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.ConvShape;
import dev.kiln.backend.ReferenceBackend;
import dev.kiln.backend.opencl.OpenClBackend;
import dev.kiln.backend.opencl.OpenClDevices;
import dev.kiln.opencl.Agreement;
import dev.kiln.opencl.Sweeps;
import dev.kiln.testing.Tolerances;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.kiln.testing.TestArrays.abs;

/**
 * Kernel-by-kernel agreement of the opencl backend with the reference, on the real shapes and
 * data of the four benchmark models ({@link OpenClBench}: MLP 784-400-20 b128, MLP 784-512-256-32
 * b128, ARC conv 32/64/256/D32 b32 and b128), then on the extreme-input sweeps of {@link Sweeps}.
 *
 * <p>For the models, each runs {@code steps} training steps (default 1) under a {@link Comparing}
 * backend: every seam call runs the reference on copies of its outputs, then the device on the real
 * arrays (so the step goes on with the device's results), and the two outputs are compared. Each
 * call of a kernel is one case. Printed as a markdown table:
 * <ul>
 *   <li>max abs: max |device − reference| over the finite elements;</li>
 *   <li>max rel: elementwise |device − reference| / max(|reference|, 2⁻²⁰·max|reference| of that
 *       output array), the floor keeping an output that the reference rounds to ~0 from dividing by 0
 *       (as {@link Agreement});</li>
 *   <li>worst / bound: the largest difference as a fraction of the bound the tests use (≤ 1 passes),
 *       named in the last column.</li>
 * </ul>
 * A plain main, not a test:
 * <pre>
 *   mvn -B -q -o -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *       -Dmdep.outputFile=target/bench.classpath
 *   java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/bench.classpath) \
 *       dev.kiln.bench.OpenClAgreement [steps]
 * </pre>
 */
public final class OpenClAgreement {
    private static final Backend REF = ReferenceBackend.INSTANCE;
    private static final String HIGHAM = "(n + 2)·2⁻²³·Σ|terms|";
    private static final String SAME_ORDER = Tolerances.OPENCL_SAME_ORDER_REL + "·(|ref| + |added into| + |operands|)";
    private static final String EXACT = "0 (bit-identical)";

    private OpenClAgreement() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        List<OpenClDevices.DeviceInfo> devices = OpenClDevices.list();
        if (devices.isEmpty()) {
            System.out.println("# no OpenCL device: " + OpenClDevices.INSTALL_HINT);
            System.exit(2);
        }
        OpenClBackend device = OpenClBackend.onPreferredDevice();
        OpenClDevices.DeviceInfo d = device.device();
        System.out.printf("# OpenClAgreement: device %d:%d %s (%s, %s), %d training step(s) per model%n",
                d.platformIndex(), d.deviceIndex(), d.name(), d.kind(), d.platformVersion(), steps);
        System.out.printf("# system load average at start: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        List<OpenClBench.Model> models = List.of(OpenClBench.mlp(784, new int[] {400}, 20, 128),
                OpenClBench.mlp(784, new int[] {512, 256}, 32, 128), OpenClBench.arc(32), OpenClBench.arc(128));
        for (OpenClBench.Model m : models) {
            Comparing cmp = new Comparing(device);
            try (Backends.Scope s = Backends.use(cmp)) {
                Runnable step = m.build();
                for (int i = 0; i < steps; i++) step.run();
            }
            System.out.printf("%n### %s%n%n", m.name());
            header();
            cmp.byKernel.forEach((kernel, row) -> row(kernel, row.cases, row.agreement, row.bound));
        }

        System.out.printf("%n### extreme-value sweeps (Sweeps: size 1, odd sizes, ±1e30, −∞ masks, ...)%n%n");
        header();
        for (Agreement a : Sweeps.all(device)) {
            String bound = a.kernel().startsWith("gemm") || a.kernel().startsWith("conv") ? HIGHAM
                    : a.kernel().startsWith("free bits") ? EXACT : SAME_ORDER;
            row(a.kernel(), -1, a, bound);
        }
        System.out.printf("%n# system load average at end: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void header() {
        System.out.println("| kernel | cases | elements | max abs error | max rel error | worst / bound | bound |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
    }

    private static void row(String kernel, int cases, Agreement a, String bound) {
        System.out.printf("| %s | %s | %d | %.2e | %.2e | %.3f | %s |%n", kernel, cases < 0 ? "sweep" : cases,
                a.elements(), a.maxAbsolute(), a.maxRelative(), a.worstRatio(), bound);
    }

    /** One kernel's calls so far. */
    static final class Row {
        final Agreement agreement;
        final String bound;
        int cases;

        Row(String kernel, String bound) {
            this.agreement = new Agreement(kernel);
            this.bound = bound;
        }
    }

    /**
     * A backend that runs every call on the reference (into copies of the outputs) and on the
     * device (into the real outputs) and records their agreement per kernel. {@code sum} and
     * {@code sumSquares} are the reference's on the opencl backend too, so they are not compared.
     */
    static final class Comparing extends ReferenceBackend {
        private final Backend device;
        final Map<String, Row> byKernel = new LinkedHashMap<>();

        Comparing(Backend device) {
            this.device = device;
        }

        @Override public String name() { return "compare(reference, " + device.name() + ")"; }

        private Agreement record(String kernel, String bound) {
            Row r = byKernel.computeIfAbsent(kernel, k -> new Row(k, bound));
            r.cases++;
            return r.agreement;
        }

        private static float[] copy(float[] a) { return a == null ? null : a.clone(); }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b,
                         int bOff, float[] c, int cOff, boolean accumulate) {
            float[] ref = c.clone(), mag = abs(c);
            REF.gemm(transA, transB, m, n, k, a, aOff, b, bOff, ref, cOff, accumulate);
            REF.gemm(transA, transB, m, n, k, abs(a), aOff, abs(b), bOff, mag, cOff, accumulate);
            device.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
            record("gemm (tiled, local memory)", HIGHAM).compare("gemm", c, ref, Agreement.rounding(mag, k));
        }

        @Override
        public void conv2dForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
            float[] ref = y.clone(), mag = new float[y.length];
            REF.conv2dForward(s, x, w, bias, ref);
            REF.conv2dForward(s, abs(x), abs(w), bias == null ? null : abs(bias), mag);
            device.conv2dForward(s, x, w, bias, y);
            record("conv2d forward", HIGHAM).compare(s.toString(), y, ref,
                    Agreement.rounding(mag, s.inC() * s.kH() * s.kW() + 1));
        }

        @Override
        public void conv2dBackwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
            float[] ref = dx.clone(), mag = abs(dx);
            REF.conv2dBackwardData(s, dy, w, ref);
            REF.conv2dBackwardData(s, abs(dy), abs(w), mag);
            device.conv2dBackwardData(s, dy, w, dx);
            record("conv2d backward data", HIGHAM).compare(s.toString(), dx, ref,
                    Agreement.rounding(mag, s.outC() * s.kH() * s.kW() + 1));
        }

        @Override
        public void conv2dBackwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias) {
            float[] rw = dw.clone(), rb = copy(dbias), aw = abs(dw), ab = dbias == null ? null : abs(dbias);
            REF.conv2dBackwardWeights(s, x, dy, rw, rb);
            REF.conv2dBackwardWeights(s, abs(x), abs(dy), aw, ab);
            device.conv2dBackwardWeights(s, x, dy, dw, dbias);
            Agreement a = record("conv2d backward weights and bias", HIGHAM);
            int terms = s.batch() * s.outH() * s.outW() + 1;
            a.compare(s + " dw", dw, rw, Agreement.rounding(aw, terms));
            if (dbias != null) a.compare(s + " dbias", dbias, rb, Agreement.rounding(ab, terms));
        }

        @Override
        public void activationForward(Activation f, float alpha, float[] x, float[] y, int n) {
            float[] ref = y.clone();
            REF.activationForward(f, alpha, x, ref, n);
            device.activationForward(f, alpha, x, y, n);
            record("activation forward (" + f + ")", SAME_ORDER).compare(f.toString(), y, ref, Agreement.sameOrder(ref));
        }

        @Override
        public void activationBackward(Activation f, float alpha, float[] x, float[] y, float[] dy, float[] dx,
                                       int n) {
            float[] ref = dx.clone(), before = dx.clone();
            REF.activationBackward(f, alpha, x, y, dy, ref, n);
            device.activationBackward(f, alpha, x, y, dy, dx, n);
            record("activation backward (" + f + ")", SAME_ORDER).compare(f.toString(), dx, ref,
                    Agreement.sameOrder(ref, before, dy));
        }

        @Override
        public void axpy(float alpha, float[] x, float[] y, int n) {
            float[] ref = y.clone(), before = y.clone();
            REF.axpy(alpha, x, ref, n);
            device.axpy(alpha, x, y, n);
            float[] ax = abs(x);
            for (int i = 0; i < ax.length; i++) ax[i] *= Math.abs(alpha);
            record("axpy", SAME_ORDER).compare("axpy", y, ref, Agreement.sameOrder(ref, before, ax));
        }

        @Override
        public void scale(float alpha, float[] x, int n) {
            float[] ref = x.clone();
            REF.scale(alpha, ref, n);
            device.scale(alpha, x, n);
            record("scale", SAME_ORDER).compare("scale", x, ref, Agreement.sameOrder(ref));
        }

        private void classAxis(String kernel, float[] out, Function<float[], Void> run, Function<float[], Void> onDevice,
                               boolean addsInto) {
            float[] ref = out.clone(), before = out.clone();
            run.apply(ref);
            onDevice.apply(out);
            record(kernel, SAME_ORDER).compare(kernel, out, ref,
                    addsInto ? Agreement.sameOrder(ref, before) : Agreement.sameOrder(ref));
        }

        @Override
        public void logSumExp(float[] x, int rows, int classes, int inner, float[] out) {
            classAxis("logsumexp", out, r -> { REF.logSumExp(x, rows, classes, inner, r); return null; },
                    o -> { device.logSumExp(x, rows, classes, inner, o); return null; }, false);
        }

        @Override
        public void softmax(float[] x, int rows, int classes, int inner, float[] y) {
            classAxis("softmax", y, r -> { REF.softmax(x, rows, classes, inner, r); return null; },
                    o -> { device.softmax(x, rows, classes, inner, o); return null; }, false);
        }

        @Override
        public void logSoftmax(float[] x, int rows, int classes, int inner, float[] y) {
            classAxis("log-softmax", y, r -> { REF.logSoftmax(x, rows, classes, inner, r); return null; },
                    o -> { device.logSoftmax(x, rows, classes, inner, o); return null; }, false);
        }

        @Override
        public void softmaxBackward(float[] y, float[] dy, int rows, int classes, int inner, float[] dx) {
            classAxis("softmax backward", dx, r -> { REF.softmaxBackward(y, dy, rows, classes, inner, r); return null; },
                    o -> { device.softmaxBackward(y, dy, rows, classes, inner, o); return null; }, true);
        }

        @Override
        public void logSoftmaxBackward(float[] logY, float[] dy, int rows, int classes, int inner, float[] dx) {
            classAxis("log-softmax backward", dx,
                    r -> { REF.logSoftmaxBackward(logY, dy, rows, classes, inner, r); return null; },
                    o -> { device.logSoftmaxBackward(logY, dy, rows, classes, inner, o); return null; }, true);
        }

        /** A loss sum: every term is ≥ 0, so Σ|terms| = |Σ|; the bound is the sweeps' 1e-12·|Σ|·cells. */
        private double lossSum(String kernel, double ref, double dev, int cells) {
            record(kernel, "1e-12·|Σ|·cells").compare(kernel, dev, ref, 1e-12 * Math.abs(ref) * cells);
            return dev;
        }

        @Override
        public double crossEntropy(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner) {
            return lossSum("cross-entropy sum", REF.crossEntropy(logp, targets, weights, rows, classes, inner),
                    device.crossEntropy(logp, targets, weights, rows, classes, inner), rows * inner);
        }

        @Override
        public void crossEntropyBackward(float[] logp, int[] targets, float[] weights, int rows, int classes,
                                         int inner, float scale, float[] dx) {
            classAxis("cross-entropy backward", dx,
                    r -> { REF.crossEntropyBackward(logp, targets, weights, rows, classes, inner, scale, r); return null; },
                    o -> { device.crossEntropyBackward(logp, targets, weights, rows, classes, inner, scale, o); return null; },
                    true);
        }

        @Override
        public double focal(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes,
                            int inner) {
            return lossSum("focal sum", REF.focal(logp, targets, alpha, gamma, rows, classes, inner),
                    device.focal(logp, targets, alpha, gamma, rows, classes, inner), rows * inner);
        }

        @Override
        public void focalBackward(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes,
                                  int inner, float scale, float[] dx) {
            classAxis("focal backward", dx,
                    r -> { REF.focalBackward(logp, targets, alpha, gamma, rows, classes, inner, scale, r); return null; },
                    o -> { device.focalBackward(logp, targets, alpha, gamma, rows, classes, inner, scale, o); return null; },
                    true);
        }

        @Override
        public double bceWithLogits(float[] x, float[] t, int n) {
            double ref = REF.bceWithLogits(x, t, n), dev = device.bceWithLogits(x, t, n);
            double mag = 0;
            for (int i = 0; i < n; i++) mag += Math.abs(x[i]) + Math.log1p(Math.exp(-Math.abs((double) x[i])));
            record("BCE with logits sum", "1e-12·Σ|terms|·n").compare("bce", dev, ref, 1e-12 * mag * n);
            return dev;
        }

        @Override
        public void bceWithLogitsBackward(float[] x, float[] t, int n, float scale, float[] dx) {
            classAxis("BCE with logits backward", dx, r -> { REF.bceWithLogitsBackward(x, t, n, scale, r); return null; },
                    o -> { device.bceWithLogitsBackward(x, t, n, scale, o); return null; }, true);
        }

        @Override
        public void gaussianKl(float[] mu, float[] logVar, float[] kl, int n) {
            classAxis("Gaussian KL forward", kl, r -> { REF.gaussianKl(mu, logVar, r, n); return null; },
                    o -> { device.gaussianKl(mu, logVar, o, n); return null; }, false);
        }

        @Override
        public void gaussianKlBackward(float[] mu, float[] logVar, float[] dkl, float[] dmu, float[] dlogVar, int n) {
            float[] rmu = dmu.clone(), rlv = dlogVar.clone(), m0 = dmu.clone(), l0 = dlogVar.clone();
            REF.gaussianKlBackward(mu, logVar, dkl, rmu, rlv, n);
            device.gaussianKlBackward(mu, logVar, dkl, dmu, dlogVar, n);
            Agreement a = record("Gaussian KL backward", SAME_ORDER);
            a.compare("dmu", dmu, rmu, Agreement.sameOrder(rmu, m0));
            a.compare("dlogVar", dlogVar, rlv, Agreement.sameOrder(rlv, l0));
        }

        @Override
        public void freeBitsUnits(float[] kl, int batch, int dims, boolean perDim, double[] units) {
            double[] ref = units.clone();
            REF.freeBitsUnits(kl, batch, dims, perDim, ref);
            device.freeBitsUnits(kl, batch, dims, perDim, units);
            Agreement a = record("free bits units", EXACT);
            for (int u = 0; u < units.length; u++) a.compare("unit " + u, units[u], ref[u], 0);
        }

        @Override
        public void freeBitsMask(double[] units, int batch, int dims, boolean perDim, double lambda, float g,
                                 float[] grad) {
            float[] ref = grad.clone();
            REF.freeBitsMask(units, batch, dims, perDim, lambda, g, ref);
            device.freeBitsMask(units, batch, dims, perDim, lambda, g, grad);
            record("free bits mask", EXACT).compare("mask", grad, ref, new double[grad.length]);
        }

        @Override
        public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                             float eps, float weightDecay, boolean decoupled, float bc1, float bc2) {
            float[] rp = p.clone(), rm = m.clone(), rv = v.clone(), p0 = p.clone(), m0 = m.clone(), v0 = v.clone();
            REF.adamStep(rp, g, rm, rv, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
            device.adamStep(p, g, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
            Agreement a = record("Adam step", SAME_ORDER);
            a.compare("p", p, rp, Agreement.sameOrder(rp, p0));
            a.compare("m", m, rm, Agreement.sameOrder(rm, m0));
            a.compare("v", v, rv, Agreement.sameOrder(rv, v0));
        }

        @Override
        public void sgdStep(float[] p, float[] g, float[] buf, int n, float lr, float momentum, float weightDecay) {
            float[] rp = p.clone(), rb = buf.clone(), p0 = p.clone(), b0 = buf.clone();
            REF.sgdStep(rp, g, rb, n, lr, momentum, weightDecay);
            device.sgdStep(p, g, buf, n, lr, momentum, weightDecay);
            Agreement a = record("SGD step", SAME_ORDER);
            a.compare("p", p, rp, Agreement.sameOrder(rp, p0));
            a.compare("buf", buf, rb, Agreement.sameOrder(rb, b0));
        }
    }
}
