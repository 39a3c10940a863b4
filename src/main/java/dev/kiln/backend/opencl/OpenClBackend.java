package dev.kiln.backend.opencl;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import dev.kiln.backend.Activation;
import dev.kiln.backend.ConvShape;
import dev.kiln.backend.ReferenceBackend;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.kiln.backend.opencl.Transfers.arrays;

/**
 * The OpenCL backend ({@code --backend opencl}): each hot loop of {@link ReferenceBackend} runs as
 * an Aparapi {@link com.aparapi.Kernel} whose {@code run()} is that loop's body in Java, translated
 * to OpenCL C when it first runs. Kernel ↔ reference twin:
 * <ul>
 *   <li>{@link GemmKernel} ↔ {@link dev.kiln.kernels.Gemm} (16 × 16 tiles in local memory);</li>
 *   <li>{@link ConvForwardKernel}, {@link ConvBackwardDataKernel}, {@link ConvBackwardWeightsKernel} ↔
 *       {@link dev.kiln.kernels.Conv} (backward-data gathers what the reference scatters);</li>
 *   <li>{@link PointwiseKernel} ↔ {@link dev.kiln.kernels.Pointwise} (activations, axpy, scale);</li>
 *   <li>{@link ClassAxisKernel} ↔ {@link dev.kiln.kernels.ClassAxis} (logsumexp, softmax,
 *       log-softmax and both backwards);</li>
 *   <li>{@link LossKernel} ↔ {@link dev.kiln.kernels.CrossEntropyKernel}, {@link dev.kiln.kernels.FocalKernel};
 *       {@link BceKernel} ↔ {@link dev.kiln.kernels.BceWithLogitsKernel};</li>
 *   <li>{@link GaussianKlDeviceKernel} ↔ {@link dev.kiln.kernels.GaussianKlKernel};</li>
 *   <li>{@link FreeBitsKernel} ↔ {@link dev.kiln.backend.Backend#freeBitsUnits},
 *       {@link dev.kiln.backend.Backend#freeBitsMask} (the reference bodies are the seam's defaults);</li>
 *   <li>{@link OptimizerKernel} ↔ {@link dev.kiln.kernels.AdamKernel}, {@link dev.kiln.kernels.SgdKernel}.</li>
 * </ul>
 * The two whole-array sums ({@link #sum}, {@link #sumSquares}) are inherited from the reference:
 * their input is on the host when they are called (see {@link Transfers}) and one pass over it
 * costs what copying it would. The losses' forward passes write one double per cell on the
 * device and add them on the host in the reference's order.
 *
 * <p>Data movement is {@link Transfers}' job: inputs go up, outputs come back, at every call,
 * because the Backend seam hands over host arrays that the callers read and write between calls.
 * The exception is the optimizer state of {@link #adamStepKeepingState} and
 * {@link #sgdStepKeepingState}, which goes up only when stale ({@link KeptOptimizerState}).
 * One backend per device and JVM ({@link #on}), so each kernel is compiled once per JVM. Calls
 * are serialised on the backend (one command queue, shared kernel objects).
 */
public final class OpenClBackend extends ReferenceBackend {
    private static final Map<OpenCLDevice, OpenClBackend> BY_DEVICE = new ConcurrentHashMap<>();

    /** Work-group size of the one-dimensional kernels (capped by the device's limit). */
    private static final int GROUP = 64;

    private final OpenClDevices.DeviceInfo info;
    private final OpenCLDevice device;
    private final int group;
    private final Transfers transfers = new Transfers();
    private final float[] none = new float[1];             // stands in for a null array argument

    private final GemmKernel gemm = new GemmKernel();
    private final ConvForwardKernel convForward = new ConvForwardKernel();
    private final ConvBackwardDataKernel convBackwardData = new ConvBackwardDataKernel();
    private final ConvBackwardWeightsKernel convBackwardWeights = new ConvBackwardWeightsKernel();
    private final PointwiseKernel pointwise = new PointwiseKernel();
    private final ClassAxisKernel classAxis = new ClassAxisKernel();
    private final LossKernel loss = new LossKernel();
    private final BceKernel bce = new BceKernel();
    private final GaussianKlDeviceKernel kl = new GaussianKlDeviceKernel();
    private final OptimizerKernel optimizer = new OptimizerKernel();
    private final FreeBitsKernel freeBits = new FreeBitsKernel();
    private final KeptOptimizerState kept;

    /** Device memory the kept optimizer kernels may hold: a quarter of the device's. */
    private static final long KEPT_SHARE = 4;

    private OpenClBackend(OpenClDevices.DeviceInfo info) {
        this.info = info;
        this.device = info.device();
        this.group = Math.max(1, Math.min(GROUP, device.getMaxWorkGroupSize()));
        this.kept = new KeptOptimizerState(info.globalMemBytes() / KEPT_SHARE);
    }

    /**
     * The backend on the preferred device ({@link OpenClDevices#requireDevice}).
     *
     * @throws dev.kiln.error.BadInputException when this machine has no OpenCL device
     */
    public static OpenClBackend onPreferredDevice() {
        return on(OpenClDevices.requireDevice());
    }

    /** The backend on that device, created once per JVM. */
    public static OpenClBackend on(OpenClDevices.DeviceInfo info) {
        return BY_DEVICE.computeIfAbsent(info.device(), d -> new OpenClBackend(info));
    }

    @Override public String name() { return "opencl"; }

    /** The device this backend runs on. */
    public OpenClDevices.DeviceInfo device() { return info; }

    /** The bytes and launches this backend has moved and made so far. */
    public Transfers transfers() { return transfers; }

    // ---------------------------------------------------------------- GEMM

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                                  float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) return;
        need("gemm A", a, aOff, (long) m * k);
        need("gemm B", b, bOff, (long) k * n);
        need("gemm C", c, cOff, (long) m * n);
        if (k == 0) {                                      // an empty sum: C = 0, or C unchanged
            if (!accumulate) for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
            return;
        }
        GemmKernel g = gemm;
        g.a = a; g.b = b; g.c = c;
        g.m = m; g.n = n; g.k = k; g.aOff = aOff; g.bOff = bOff; g.cOff = cOff;
        g.transA = transA ? 1 : 0; g.transB = transB ? 1 : 0; g.accumulate = accumulate ? 1 : 0;
        int t = GemmKernel.TILE;
        Range range = Range.create2D(device, roundUp(n, t), roundUp(m, t), t, t);
        boolean whole = !accumulate && cOff == 0 && c.length == m * n;
        transfers.launch(g, range, whole ? Transfers.Args.of(arrays(a, b), arrays(c), arrays())
                : Transfers.Args.of(arrays(a, b), arrays(), arrays(c)));
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public synchronized void conv2dForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        int total = s.ySize();
        if (total == 0) return;
        need("conv x", x, s.xSize()); need("conv w", w, s.wSize()); need("conv y", y, total);
        if (bias != null) need("conv bias", bias, s.outC());
        ConvForwardKernel k = convForward;
        k.x = x; k.w = w; k.y = y;
        k.bias = bias == null ? none : bias;
        k.hasBias = bias == null ? 0 : 1;
        setGeometry(s, k);
        Object[] in = bias == null ? arrays(x, w) : arrays(x, w, bias);
        transfers.launch(k, range(total), written(in, y, total));
    }

    @Override
    public synchronized void conv2dBackwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        int total = s.xSize();
        if (total == 0) return;
        need("conv dy", dy, s.ySize()); need("conv w", w, s.wSize()); need("conv dx", dx, total);
        ConvBackwardDataKernel k = convBackwardData;
        k.dy = dy; k.w = w; k.dx = dx;
        k.batch = s.batch(); k.inC = s.inC(); k.inH = s.inH(); k.inW = s.inW(); k.outC = s.outC();
        k.kH = s.kH(); k.kW = s.kW(); k.stride = s.stride(); k.pad = s.pad(); k.outH = s.outH(); k.outW = s.outW();
        transfers.launch(k, range(total), Transfers.Args.of(arrays(dy, w), arrays(), arrays(dx)));
    }

    @Override
    public synchronized void conv2dBackwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias) {
        if (s.batch() == 0) return;                        // an empty sum adds nothing
        need("conv x", x, s.xSize()); need("conv dy", dy, s.ySize()); need("conv dw", dw, s.wSize());
        if (dbias != null) need("conv dbias", dbias, s.outC());
        ConvBackwardWeightsKernel k = convBackwardWeights;
        k.x = x; k.dy = dy; k.dw = dw;
        k.dbias = dbias == null ? none : dbias;
        k.hasBias = dbias == null ? 0 : 1;
        k.batch = s.batch(); k.inC = s.inC(); k.inH = s.inH(); k.inW = s.inW(); k.outC = s.outC();
        k.kH = s.kH(); k.kW = s.kW(); k.stride = s.stride(); k.pad = s.pad(); k.outH = s.outH(); k.outW = s.outW();
        int items = s.wSize() + (dbias == null ? 0 : s.outC());
        Object[] inOut = dbias == null ? arrays(dw) : arrays(dw, dbias);
        transfers.launch(k, range(items), Transfers.Args.of(arrays(x, dy), arrays(), inOut));
    }

    private static void setGeometry(ConvShape s, ConvForwardKernel k) {
        k.batch = s.batch(); k.inC = s.inC(); k.inH = s.inH(); k.inW = s.inW(); k.outC = s.outC();
        k.kH = s.kH(); k.kW = s.kW(); k.stride = s.stride(); k.pad = s.pad(); k.outH = s.outH(); k.outW = s.outW();
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public synchronized void activationForward(Activation f, float alpha, float[] x, float[] y, int n) {
        if (n == 0) return;
        need("activation x", x, n); need("activation y", y, n);
        PointwiseKernel k = pointwise(alpha, n);
        k.x = x; k.y = y; k.dy = none; k.dx = none;
        k.op = switch (f) {
            case RELU -> PointwiseKernel.RELU;
            case LEAKY_RELU -> PointwiseKernel.LEAKY_RELU;
            case SIGMOID -> PointwiseKernel.SIGMOID;
            case TANH -> PointwiseKernel.TANH;
        };
        transfers.launch(k, range(n), written(arrays(x), y, n));
    }

    @Override
    public synchronized void activationBackward(Activation f, float alpha, float[] x, float[] y, float[] dy,
                                                float[] dx, int n) {
        if (n == 0) return;
        PointwiseKernel k = pointwise(alpha, n);
        k.dy = dy; k.dx = dx;
        boolean fromInput = f == Activation.RELU || f == Activation.LEAKY_RELU;   // which saved tensor f' needs
        need(fromInput ? "activation x" : "activation y", fromInput ? x : y, n);
        need("activation dy", dy, n); need("activation dx", dx, n);
        k.x = fromInput ? x : none;
        k.y = fromInput ? none : y;
        k.op = switch (f) {
            case RELU -> PointwiseKernel.RELU_BACK;
            case LEAKY_RELU -> PointwiseKernel.LEAKY_RELU_BACK;
            case SIGMOID -> PointwiseKernel.SIGMOID_BACK;
            case TANH -> PointwiseKernel.TANH_BACK;
        };
        transfers.launch(k, range(n), Transfers.Args.of(arrays(fromInput ? x : y, dy), arrays(), arrays(dx)));
    }

    @Override
    public synchronized void axpy(float alpha, float[] x, float[] y, int n) {
        if (n == 0) return;
        need("axpy x", x, n); need("axpy y", y, n);
        PointwiseKernel k = pointwise(alpha, n);
        k.x = x; k.y = y; k.dy = none; k.dx = none;
        k.op = PointwiseKernel.AXPY;
        transfers.launch(k, range(n), Transfers.Args.of(arrays(x), arrays(), arrays(y)));
    }

    @Override
    public synchronized void scale(float alpha, float[] x, int n) {
        if (n == 0) return;
        need("scale x", x, n);
        PointwiseKernel k = pointwise(alpha, n);
        k.x = x; k.y = none; k.dy = none; k.dx = none;
        k.op = PointwiseKernel.SCALE;
        transfers.launch(k, range(n), Transfers.Args.of(arrays(), arrays(), arrays(x)));
    }

    private PointwiseKernel pointwise(float alpha, int n) {
        pointwise.alpha = alpha;
        pointwise.n = n;
        return pointwise;
    }

    // ---------------------------------------------------------------- class axis

    @Override
    public synchronized void logSumExp(float[] x, int rows, int classes, int inner, float[] out) {
        classAxisForward(ClassAxisKernel.LOG_SUM_EXP, x, rows, classes, inner, out, rows * inner);
    }

    @Override
    public synchronized void softmax(float[] x, int rows, int classes, int inner, float[] y) {
        classAxisForward(ClassAxisKernel.SOFTMAX, x, rows, classes, inner, y, rows * classes * inner);
    }

    @Override
    public synchronized void logSoftmax(float[] x, int rows, int classes, int inner, float[] y) {
        classAxisForward(ClassAxisKernel.LOG_SOFTMAX, x, rows, classes, inner, y, rows * classes * inner);
    }

    @Override
    public synchronized void softmaxBackward(float[] y, float[] dy, int rows, int classes, int inner, float[] dx) {
        classAxisBackward(ClassAxisKernel.SOFTMAX_BACK, y, dy, rows, classes, inner, dx);
    }

    @Override
    public synchronized void logSoftmaxBackward(float[] logY, float[] dy, int rows, int classes, int inner,
                                                float[] dx) {
        classAxisBackward(ClassAxisKernel.LOG_SOFTMAX_BACK, logY, dy, rows, classes, inner, dx);
    }

    private void classAxisForward(int op, float[] x, int rows, int classes, int inner, float[] y, int written) {
        if (rows * inner == 0) return;
        need("class-axis x", x, (long) rows * classes * inner); need("class-axis output", y, written);
        ClassAxisKernel k = classAxis(op, rows, classes, inner);
        k.x = x; k.y = y; k.dy = none; k.dx = none;
        transfers.launch(k, range(rows * inner), written(arrays(x), y, written));
    }

    private void classAxisBackward(int op, float[] saved, float[] dy, int rows, int classes, int inner, float[] dx) {
        if (rows * inner == 0) return;
        long size = (long) rows * classes * inner;
        need("class-axis saved output", saved, size); need("class-axis dy", dy, size); need("class-axis dx", dx, size);
        ClassAxisKernel k = classAxis(op, rows, classes, inner);
        k.x = saved; k.y = none; k.dy = dy; k.dx = dx;
        transfers.launch(k, range(rows * inner), Transfers.Args.of(arrays(saved, dy), arrays(), arrays(dx)));
    }

    private ClassAxisKernel classAxis(int op, int rows, int classes, int inner) {
        ClassAxisKernel k = classAxis;
        k.op = op; k.rows = rows; k.classes = classes; k.inner = inner;
        return k;
    }

    // ---------------------------------------------------------------- losses

    @Override
    public synchronized double crossEntropy(float[] logp, int[] targets, float[] weights, int rows, int classes,
                                            int inner) {
        return lossForward(LossKernel.CE_FORWARD, logp, targets, weights, 0f, rows, classes, inner);
    }

    @Override
    public synchronized void crossEntropyBackward(float[] logp, int[] targets, float[] weights, int rows,
                                                  int classes, int inner, float scale, float[] dx) {
        lossBackward(LossKernel.CE_BACK, logp, targets, weights, 0f, rows, classes, inner, scale, dx);
    }

    @Override
    public synchronized double focal(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes,
                                     int inner) {
        return lossForward(LossKernel.FOCAL_FORWARD, logp, targets, alpha, gamma, rows, classes, inner);
    }

    @Override
    public synchronized void focalBackward(float[] logp, int[] targets, float[] alpha, float gamma, int rows,
                                           int classes, int inner, float scale, float[] dx) {
        lossBackward(LossKernel.FOCAL_BACK, logp, targets, alpha, gamma, rows, classes, inner, scale, dx);
    }

    private double lossForward(int op, float[] logp, int[] targets, float[] w, float gamma, int rows, int classes,
                               int inner) {
        int cells = rows * inner;
        if (cells == 0) return 0.0;
        checkLossInputs(logp, targets, w, rows, classes, inner);
        LossKernel k = loss(op, targets, w, gamma, rows, classes, inner);
        double[] cellLoss = new double[cells];
        k.logp = logp; k.cellLoss = cellLoss; k.dx = none;
        transfers.launch(k, range(cells), Transfers.Args.of(arrays(logp, targets, k.w), arrays(cellLoss), arrays()));
        double acc = 0;
        for (double v : cellLoss) acc += v;                // b-major, s-minor: the reference's order
        return acc;
    }

    private void lossBackward(int op, float[] logp, int[] targets, float[] w, float gamma, int rows, int classes,
                              int inner, float scale, float[] dx) {
        int cells = rows * inner;
        if (cells == 0) return;
        checkLossInputs(logp, targets, w, rows, classes, inner);
        need("loss dx", dx, (long) rows * classes * inner);
        LossKernel k = loss(op, targets, w, gamma, rows, classes, inner);
        k.logp = logp; k.cellLoss = new double[1]; k.dx = dx; k.scale = scale;
        transfers.launch(k, range(cells), Transfers.Args.of(arrays(logp, targets, k.w), arrays(), arrays(dx)));
    }

    /** Sizes, and every target a class index: the device reads w[t] and ℓ_t unchecked. */
    private static void checkLossInputs(float[] logp, int[] targets, float[] w, int rows, int classes, int inner) {
        need("loss logp", logp, (long) rows * classes * inner);
        if (targets.length < rows * inner) {
            throw new IllegalArgumentException("loss targets: " + targets.length + " elements, need " + rows * inner);
        }
        if (w != null) need("loss class weights", w, classes);
        for (int i = 0; i < rows * inner; i++) {
            if (targets[i] < 0 || targets[i] >= classes) {
                throw new IllegalArgumentException("loss targets[" + i + "] = " + targets[i] + ", not a class in [0, "
                        + classes + ")");
            }
        }
    }

    private LossKernel loss(int op, int[] targets, float[] w, float gamma, int rows, int classes, int inner) {
        LossKernel k = loss;
        k.op = op; k.targets = targets; k.gamma = gamma; k.rows = rows; k.classes = classes; k.inner = inner;
        if (w != null) {
            k.w = w;
        } else {
            float[] ones = new float[classes];
            Arrays.fill(ones, 1f);
            k.w = ones;
        }
        return k;
    }

    @Override
    public synchronized double bceWithLogits(float[] x, float[] t, int n) {
        if (n == 0) return 0.0;
        need("bce x", x, n); need("bce t", t, n);
        BceKernel k = bce;
        double[] term = new double[n];
        k.x = x; k.t = t; k.term = term; k.dx = none; k.n = n; k.op = BceKernel.FORWARD;
        transfers.launch(k, range(n), Transfers.Args.of(arrays(x, t), arrays(term), arrays()));
        double acc = 0;
        for (double v : term) acc += v;
        return acc;
    }

    @Override
    public synchronized void bceWithLogitsBackward(float[] x, float[] t, int n, float scale, float[] dx) {
        if (n == 0) return;
        need("bce x", x, n); need("bce t", t, n); need("bce dx", dx, n);
        BceKernel k = bce;
        k.x = x; k.t = t; k.term = new double[1]; k.dx = dx; k.n = n; k.scale = scale; k.op = BceKernel.BACK;
        transfers.launch(k, range(n), Transfers.Args.of(arrays(x, t), arrays(), arrays(dx)));
    }

    // ---------------------------------------------------------------- Gaussian KL

    @Override
    public synchronized void gaussianKl(float[] mu, float[] logVar, float[] out, int n) {
        if (n == 0) return;
        need("kl mu", mu, n); need("kl logVar", logVar, n); need("kl out", out, n);
        GaussianKlDeviceKernel k = kl;
        k.mu = mu; k.logVar = logVar; k.kl = out; k.dkl = none; k.dmu = none; k.dlogVar = none;
        k.n = n; k.op = GaussianKlDeviceKernel.FORWARD;
        transfers.launch(k, range(n), written(arrays(mu, logVar), out, n));
    }

    @Override
    public synchronized void gaussianKlBackward(float[] mu, float[] logVar, float[] dkl, float[] dmu,
                                                float[] dlogVar, int n) {
        if (n == 0) return;
        need("kl mu", mu, n); need("kl logVar", logVar, n); need("kl dkl", dkl, n);
        need("kl dmu", dmu, n); need("kl dlogVar", dlogVar, n);
        GaussianKlDeviceKernel k = kl;
        k.mu = mu; k.logVar = logVar; k.kl = none; k.dkl = dkl; k.dmu = dmu; k.dlogVar = dlogVar;
        k.n = n; k.op = GaussianKlDeviceKernel.BACK;
        transfers.launch(k, range(n), Transfers.Args.of(arrays(mu, logVar, dkl), arrays(), arrays(dmu, dlogVar)));
    }

    // ---------------------------------------------------------------- free bits

    @Override
    public synchronized void freeBitsUnits(float[] kl, int batch, int dims, boolean perDim, double[] units) {
        int count = perDim ? dims : batch;
        if (count == 0) return;
        need("free bits kl", kl, (long) batch * dims);
        if (units.length < count) {
            throw new IllegalArgumentException("free bits units: " + units.length + " elements, need " + count);
        }
        FreeBitsKernel k = freeBits(batch, dims, perDim, FreeBitsKernel.UNITS);
        k.kl = kl; k.units = units; k.grad = none;
        Transfers.Args args = units.length == count ? Transfers.Args.of(arrays(kl), arrays(units), arrays())
                : Transfers.Args.of(arrays(kl), arrays(), arrays(units));
        transfers.launch(k, range(count), args);
    }

    @Override
    public synchronized void freeBitsMask(double[] units, int batch, int dims, boolean perDim, double lambda,
                                          float g, float[] grad) {
        int total = batch * dims;
        if (total == 0) return;
        int count = perDim ? dims : batch;
        if (units.length < count) {
            throw new IllegalArgumentException("free bits units: " + units.length + " elements, need " + count);
        }
        need("free bits grad", grad, total);
        FreeBitsKernel k = freeBits(batch, dims, perDim, FreeBitsKernel.MASK);
        k.kl = none; k.units = units; k.grad = grad; k.lambda = lambda; k.g = g;
        transfers.launch(k, range(total), written(arrays(units), grad, total));
    }

    private FreeBitsKernel freeBits(int batch, int dims, boolean perDim, int op) {
        FreeBitsKernel k = freeBits;
        k.batch = batch; k.dims = dims; k.perDim = perDim ? 1 : 0; k.op = op;
        return k;
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public synchronized void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1,
                                      float beta2, float eps, float weightDecay, boolean decoupled, float bc1,
                                      float bc2) {
        if (n == 0) return;
        need("adam p", p, n); need("adam g", g, n); need("adam m", m, n); need("adam v", v, n);
        OptimizerKernel k = optimizer;
        k.p = p; k.g = g; k.m = m; k.v = v; k.n = n; k.op = OptimizerKernel.ADAM;
        k.lr = lr; k.beta1 = beta1; k.beta2 = beta2; k.eps = eps; k.weightDecay = weightDecay;
        k.decoupled = decoupled ? 1 : 0; k.bc1 = bc1; k.bc2 = bc2;
        transfers.launch(k, range(n), Transfers.Args.of(arrays(g), arrays(), arrays(p, m, v)));
    }

    @Override
    public synchronized void sgdStep(float[] p, float[] g, float[] buf, int n, float lr, float momentum,
                                     float weightDecay) {
        if (n == 0) return;
        need("sgd p", p, n); need("sgd g", g, n); need("sgd buf", buf, n);
        OptimizerKernel k = optimizer;
        k.p = p; k.g = g; k.m = buf; k.v = none; k.n = n; k.op = OptimizerKernel.SGD;
        k.lr = lr; k.momentum = momentum; k.weightDecay = weightDecay;
        transfers.launch(k, range(n), Transfers.Args.of(arrays(g), arrays(), arrays(p, buf)));
    }

    /**
     * The Adam step with m and v kept on the device between steps ({@link KeptOptimizerState}): the
     * same kernel and arithmetic as {@link #adamStep}, on the tensor's own kernel object; m and v
     * go up only on the tensor's first step and after {@link #handBack}.
     */
    @Override
    public synchronized void adamStepKeepingState(float[] p, float[] g, float[] m, float[] v, int n, float lr,
                                                  float beta1, float beta2, float eps, float weightDecay,
                                                  boolean decoupled, float bc1, float bc2) {
        if (n == 0) return;
        need("adam p", p, n); need("adam g", g, n); need("adam m", m, n); need("adam v", v, n);
        KeptOptimizerState.Entry e = kept.entryFor(p, g, m, v);
        OptimizerKernel k = e.kernel;
        k.p = p; k.g = g; k.m = m; k.v = v; k.n = n; k.op = OptimizerKernel.ADAM;
        k.lr = lr; k.beta1 = beta1; k.beta2 = beta2; k.eps = eps; k.weightDecay = weightDecay;
        k.decoupled = decoupled ? 1 : 0; k.bc1 = bc1; k.bc2 = bc2;
        launchKept(e, range(n), p, g, arrays(m, v));
    }

    /** The SGD step with buf kept on the device, as {@link #adamStepKeepingState}. */
    @Override
    public synchronized void sgdStepKeepingState(float[] p, float[] g, float[] buf, int n, float lr, float momentum,
                                                 float weightDecay) {
        if (n == 0) return;
        need("sgd p", p, n); need("sgd g", g, n); need("sgd buf", buf, n);
        float[] noV = none;
        KeptOptimizerState.Entry e = kept.entryFor(p, g, buf, noV);
        OptimizerKernel k = e.kernel;
        k.p = p; k.g = g; k.m = buf; k.v = noV; k.n = n; k.op = OptimizerKernel.SGD;
        k.lr = lr; k.momentum = momentum; k.weightDecay = weightDecay;
        launchKept(e, range(n), p, g, arrays(buf, noV));
    }

    /**
     * Up: g and p, and the state only when the device's copy is stale. Down: p and the state, so
     * the host copy is current after every step (why: {@link KeptOptimizerState}).
     */
    private void launchKept(KeptOptimizerState.Entry e, Range range, float[] p, float[] g, Object[] state) {
        Object[] in = e.current ? arrays(g) : arrays(g, state[0], state[1]);
        transfers.launch(e.kernel, range, Transfers.Args.of(in, state, arrays(p)));
        e.current = true;
    }

    @Override
    public synchronized void handBack(List<float[]> arrays) {
        kept.handBack(arrays);
    }

    /** The optimizer kernels that keep state on the device (for tests). */
    KeptOptimizerState kept() { return kept; }

    // ---------------------------------------------------------------- launch geometry

    /**
     * The reference fails on a too-short array with an index exception; a device kernel has no
     * bounds checks and would read or write past the pinned Java array (garbage, or a corrupted
     * JVM heap). So every launch checks its extents first.
     */
    private static void need(String what, float[] a, long length) {
        need(what, a, 0, length);
    }

    private static void need(String what, float[] a, int offset, long length) {
        if (offset < 0 || a.length < offset + length) {
            throw new IllegalArgumentException(what + ": " + a.length + " elements, need " + (offset + length)
                    + (offset == 0 ? "" : " (offset " + offset + " + " + length + ")"));
        }
    }

    /** n work items rounded up to whole groups; the kernels skip the items past n. */
    private Range range(int n) {
        return Range.create(device, roundUp(n, group), group);
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /**
     * The roles of a launch whose kernel writes the first {@code written} elements of {@code y}: an
     * output only when that is all of y, else read and written so the rest of y survives the copy back.
     */
    private static Transfers.Args written(Object[] in, float[] y, int written) {
        return y.length == written ? Transfers.Args.of(in, arrays(y), arrays())
                : Transfers.Args.of(in, arrays(), arrays(y));
    }
}
