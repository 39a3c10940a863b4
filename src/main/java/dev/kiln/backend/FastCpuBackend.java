package dev.kiln.backend;

import dev.kiln.kernels.fast.FastClassAxis;
import dev.kiln.kernels.fast.FastConv;
import dev.kiln.kernels.fast.FastGemm;
import dev.kiln.kernels.fast.FastLoss;
import dev.kiln.kernels.fast.FastOptim;
import dev.kiln.kernels.fast.FastPointwise;
import dev.kiln.kernels.fast.FastReduce;
import dev.kiln.kernels.fast.Workers;

/**
 * The fast CPU backend ({@code --backend fast}): blocked, vectorizable, multi-threaded kernels in
 * {@code dev.kiln.kernels.fast}, each tested against its scalar twin in {@code dev.kiln.kernels}.
 * <ul>
 *   <li>GEMM: {@link FastGemm} (packed B, tiles of C in parallel, blocked float sums), with the
 *       register-blocked Vector API micro-kernel where the JVM has jdk.incubator.vector.</li>
 *   <li>Convolution: {@link FastConv} (im2col / col2im + FastGemm, parallel over the batch).</li>
 *   <li>Activations, axpy, scale: {@link FastPointwise}; the optimizer steps: {@link FastOptim}
 *       (Vector API, parallel over fixed chunks, bit-identical to the reference).</li>
 *   <li>sum, sumSquares: {@link FastReduce} (double sums in fixed blocks and eight accumulators:
 *       the reference's double sum in another order).</li>
 *   <li>Softmax family and the losses (cross-entropy, fused log-softmax + cross-entropy, focal,
 *       BCE on logits): {@link FastClassAxis} and {@link FastLoss}, float exp/log of
 *       {@code FastMath}, vectorized and parallel, within a derived bound of the reference.</li>
 *   <li>Everything else (the softmax backward passes, the Gaussian KL: O(latent) work) is
 *       inherited from {@link ReferenceBackend}.</li>
 * </ul>
 * Deterministic: every result is the same bit for bit from run to run and for any thread count
 * (see {@link Workers}). It differs from the reference by float rounding in GEMM and convolution
 * (float sums here, double sums there), in the order of the double sums, and in the class-axis and
 * loss kernels (float exp/log within 2 ulp here, double there).
 */
public final class FastCpuBackend extends ReferenceBackend {
    /** One thread per available processor, parallel above {@link Workers#DEFAULT_MIN_PARALLEL_WORK}. */
    public static final FastCpuBackend INSTANCE = new FastCpuBackend(Runtime.getRuntime().availableProcessors());

    private final Workers workers;

    /** A fast backend on {@code threads} threads (the caller included). */
    public FastCpuBackend(int threads) {
        this(threads, Workers.DEFAULT_MIN_PARALLEL_WORK);
    }

    /**
     * A fast backend on {@code threads} threads that goes parallel from {@code minParallelWork}
     * multiply-adds (0: whenever a call has two tasks; tests use it to drive the parallel paths).
     */
    public FastCpuBackend(int threads, long minParallelWork) {
        this(threads, minParallelWork, true);
    }

    /**
     * As {@link #FastCpuBackend(int, long)}; {@code vector} false runs the scalar twins of the
     * Vector API kernels even where the JVM has the module (tests compare both paths).
     */
    public FastCpuBackend(int threads, long minParallelWork, boolean vector) {
        this.workers = new Workers(threads, minParallelWork, vector);
    }

    @Override public String name() { return "fast"; }

    public int threads() { return workers.threads(); }

    /** Whether this backend runs the Vector API kernels (false without jdk.incubator.vector). */
    public boolean vector() { return workers.vector(); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b,
                     int bOff, float[] c, int cOff, boolean accumulate) {
        FastGemm.gemm(workers, transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }

    @Override
    public void conv2dForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        FastConv.forward(workers, s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), s.stride(),
                s.pad(), s.outH(), s.outW(), x, w, bias, y);
    }

    @Override
    public void conv2dBackwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        FastConv.backwardData(workers, s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(),
                s.stride(), s.pad(), s.outH(), s.outW(), dy, w, dx);
    }

    @Override
    public void conv2dBackwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias) {
        FastConv.backwardWeights(workers, s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(),
                s.stride(), s.pad(), s.outH(), s.outW(), x, dy, dw, dbias);
    }

    @Override
    public void activationForward(Activation f, float alpha, float[] x, float[] y, int n) {
        switch (f) {
            case RELU -> FastPointwise.reluForward(workers, x, y, n);
            case LEAKY_RELU -> FastPointwise.leakyReluForward(workers, alpha, x, y, n);
            case SIGMOID -> FastPointwise.sigmoidForward(workers, x, y, n);
            case TANH -> FastPointwise.tanhForward(workers, x, y, n);
        }
    }

    @Override
    public void activationBackward(Activation f, float alpha, float[] x, float[] y, float[] dy, float[] dx, int n) {
        switch (f) {
            case RELU -> FastPointwise.reluBackward(workers, x, dy, dx, n);
            case LEAKY_RELU -> FastPointwise.leakyReluBackward(workers, alpha, x, dy, dx, n);
            case SIGMOID -> FastPointwise.sigmoidBackward(workers, y, dy, dx, n);
            case TANH -> FastPointwise.tanhBackward(workers, y, dy, dx, n);
        }
    }

    // ---------------------------------------------------------------- elementwise, optimizer, reductions

    @Override
    public void axpy(float alpha, float[] x, float[] y, int n) {
        FastPointwise.axpy(workers, alpha, x, y, n);
    }

    @Override
    public void scale(float alpha, float[] x, int n) {
        FastPointwise.scale(workers, alpha, x, n);
    }

    @Override
    public double sum(float[] x, int off, int n) {
        return FastReduce.sum(workers, x, off, n);
    }

    @Override
    public double sumSquares(float[] x, int n) {
        return FastReduce.sumSquares(workers, x, n);
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                         float eps, float weightDecay, boolean decoupled, float bc1, float bc2) {
        FastOptim.adam(workers, p, g, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
    }

    @Override
    public void sgdStep(float[] p, float[] g, float[] buf, int n, float lr, float momentum, float weightDecay) {
        FastOptim.sgd(workers, p, g, buf, n, lr, momentum, weightDecay);
    }

    // ---------------------------------------------------------------- class axis and losses
    // FastClassAxis and FastLoss: float FastMath exp/log, vectorized along the inner axis, tasks
    // of cells cut by size; within a bound of the reference derived in those classes.

    @Override
    public void logSumExp(float[] x, int rows, int classes, int inner, float[] out) {
        FastClassAxis.logSumExp(workers, x, rows, classes, inner, out);
    }

    @Override
    public void softmax(float[] x, int rows, int classes, int inner, float[] y) {
        FastClassAxis.softmax(workers, x, rows, classes, inner, y);
    }

    @Override
    public void logSoftmax(float[] x, int rows, int classes, int inner, float[] y) {
        FastClassAxis.logSoftmax(workers, x, rows, classes, inner, y);
    }

    @Override
    public double logSoftmaxCrossEntropy(float[] logits, int[] targets, float[] weights, int rows, int classes,
                                         int inner, float[] logp) {
        return FastLoss.logSoftmaxCrossEntropy(workers, logits, targets, weights, rows, classes, inner, logp);
    }

    @Override
    public double crossEntropy(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner) {
        return FastLoss.crossEntropy(workers, logp, targets, weights, rows, classes, inner);
    }

    @Override
    public void crossEntropyBackward(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner,
                                     float scale, float[] dx) {
        FastLoss.crossEntropyBackward(workers, logp, targets, weights, rows, classes, inner, scale, dx);
    }

    @Override
    public double focal(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes, int inner) {
        return FastLoss.focal(workers, logp, targets, alpha, gamma, rows, classes, inner);
    }

    @Override
    public void focalBackward(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes,
                              int inner, float scale, float[] dx) {
        FastLoss.focalBackward(workers, logp, targets, alpha, gamma, rows, classes, inner, scale, dx);
    }

    @Override
    public double bceWithLogits(float[] x, float[] t, int n) {
        return FastLoss.bceWithLogits(workers, x, t, n);
    }

    @Override
    public void bceWithLogitsBackward(float[] x, float[] t, int n, float scale, float[] dx) {
        FastLoss.bceWithLogitsBackward(workers, x, t, n, scale, dx);
    }
    // ---------------------------------------------------------------- end of class axis and losses
}
