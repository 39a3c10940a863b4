package dev.kiln.backend;

/**
 * The seam between the math and the machine: every hot loop in kiln is one of these kernels.
 * Layers, losses and optimizers call them through {@link Backends#current()} and never loop over
 * big arrays themselves, so a faster CPU path or an OpenCL path can replace the lot at once.
 *
 * <p>Conventions: arrays are flat and row-major; sizes are passed in; a kernel whose doc says
 * "adds into" accumulates ({@code +=}), as llm.c's backward passes do, and the caller zeroes. The
 * scalar reference is {@link ReferenceBackend}; every other implementation is tested against it.
 */
public interface Backend {

    /** A short name for logs, e.g. {@code "reference"}. */
    String name();

    // ---------------------------------------------------------------- GEMM

    /**
     * C = op(A)·op(B) (+ C if {@code accumulate}), with op(A) : [M, K], op(B) : [K, N], C : [M, N].
     * A is stored [M, K] (or [K, M] if {@code transA}), B is stored [K, N] (or [N, K] if
     * {@code transB}); each array is read from its offset.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    // ---------------------------------------------------------------- convolution (NCHW)

    /** y = conv(x, w) + bias (bias [outC], may be null). Overwrites y. */
    void conv2dForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y);

    /** Adds into dx the gradient of the convolution with respect to its input: dx += convᵀ(dy, w). */
    void conv2dBackwardData(ConvShape s, float[] dy, float[] w, float[] dx);

    /** Adds into dw (and dbias, unless null) the gradients with respect to the weights and bias. */
    void conv2dBackwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias);

    // ---------------------------------------------------------------- elementwise

    /** y[i] = f(x[i]) for i in [0, n); {@code alpha} is the leaky slope (ignored by the others). */
    void activationForward(Activation f, float alpha, float[] x, float[] y, int n);

    /** dx[i] += f'(x[i])·dy[i], using whichever of x (input) and y (output) is cheaper. */
    void activationBackward(Activation f, float alpha, float[] x, float[] y, float[] dy, float[] dx, int n);

    /** y[i] += alpha·x[i]. */
    void axpy(float alpha, float[] x, float[] y, int n);

    /** x[i] *= alpha. */
    void scale(float alpha, float[] x, int n);

    // ---------------------------------------------------------------- reductions

    /** Σ x[off..off+n) in double. */
    double sum(float[] x, int off, int n);

    /** Σ x[i]² over [0, n) in double. */
    double sumSquares(float[] x, int n);

    /**
     * The bias gradient of a layer whose bias [C] is broadcast over the batch and a plane of P
     * positions (a transposed convolution: P = Ho·Wo; a dense layer: P = 1), adding into dbias:
     * <pre>
     *   dbias[c] += (float) Σ_b sum(dy, (b·C + c)·P, P)       dy [B, C, P], dbias [C]
     * </pre>
     * in this order: each (b, c) plane summed by this backend's {@link #sum}, the plane sums added
     * in double with b ascending from +0, the total rounded to float once and added. A plane of
     * one position is read directly: the double sum of one float is that float (exactly, as any
     * {@link #sum} of one term), so the result is the same and it costs no call per element; its
     * loop runs along the rows of dy [B, C] (b outer, one double per c), the same order per c.
     * One call per layer instead of one {@link #sum} per (b, c) plane; the body is the reference.
     */
    default void biasGradient(float[] dy, int batch, int channels, int plane, float[] dbias) {
        if (plane == 1) {
            double[] acc = new double[channels];                       // [C], Σ over the rows so far
            for (int b = 0; b < batch; b++) {
                int row = b * channels;
                for (int c = 0; c < channels; c++) acc[c] += dy[row + c];
            }
            for (int c = 0; c < channels; c++) dbias[c] += (float) acc[c];
            return;
        }
        for (int c = 0; c < channels; c++) {
            double acc = 0;
            for (int b = 0; b < batch; b++) acc += sum(dy, (b * channels + c) * plane, plane);   // plane (b, c)
            dbias[c] += (float) acc;
        }
    }

    // ---------------------------------------------------------------- class-axis ops, layout [B, C, S]

    /**
     * out[b, s] = log Σ_c exp(x[b, c, s]), computed as max + log Σ exp(x − max) so that it stays
     * exact for |x| up to the float range. x is [rows, classes, inner]; out is [rows, inner].
     */
    void logSumExp(float[] x, int rows, int classes, int inner, float[] out);

    /** y[b, c, s] = exp(x[b, c, s] − logsumexp_c x[b, :, s]); each (b, s) fibre sums to 1. */
    void softmax(float[] x, int rows, int classes, int inner, float[] y);

    /** y[b, c, s] = x[b, c, s] − logsumexp_c x[b, :, s]. */
    void logSoftmax(float[] x, int rows, int classes, int inner, float[] y);

    /**
     * Backward of {@link #softmax}, adding into dx: dx[b, c, s] += y·(dy − Σ_k y[b, k, s]·dy[b, k, s]),
     * with y the softmax output.
     */
    void softmaxBackward(float[] y, float[] dy, int rows, int classes, int inner, float[] dx);

    /**
     * Backward of {@link #logSoftmax}, adding into dx: dx[b, c, s] += dy − exp(logY)·Σ_k dy[b, k, s],
     * with logY the log-softmax output.
     */
    void logSoftmaxBackward(float[] logY, float[] dy, int rows, int classes, int inner, float[] dx);

    // ---------------------------------------------------------------- losses, layout [B, C, S]

    /**
     * Σ over cells (b, s) of −w[t]·logp[b, t, s], t = targets[b·inner + s], in double. logp is the
     * log-softmax [rows, classes, inner]; weights [classes] or null for all ones.
     */
    double crossEntropy(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner);

    /**
     * The fused forward of cross-entropy on logits: writes logp = log softmax(logits) along the
     * classes ({@link #logSoftmax}) and returns Σ over cells of −w[t]·logp[b, t, s] in double
     * ({@link #crossEntropy}). By default exactly those two calls; a backend may do both in one
     * pass over the logits (the fast backend does).
     */
    default double logSoftmaxCrossEntropy(float[] logits, int[] targets, float[] weights, int rows, int classes,
                                          int inner, float[] logp) {
        logSoftmax(logits, rows, classes, inner, logp);
        return crossEntropy(logp, targets, weights, rows, classes, inner);
    }

    /** dx[b, c, s] += scale·w[t]·(exp(logp[b, c, s]) − [c = t]). */
    void crossEntropyBackward(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner,
                              float scale, float[] dx);

    /** Σ over cells of −α[t]·(1 − p_t)^γ·logp_t, in double; alpha [classes] or null for all ones. */
    double focal(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes, int inner);

    /**
     * dx[b, c, s] += scale·α[t]·G·(p_c − [c = t]) with G = (1 − p_t)^γ − γ·p_t·(1 − p_t)^(γ−1)·log p_t
     * (derivation: docs/derivations.md §3).
     */
    void focalBackward(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes, int inner,
                       float scale, float[] dx);

    /** Σ_i max(x_i, 0) − x_i·t_i + log(1 + e^(−|x_i|)), the Bernoulli NLL on logits, in double. */
    double bceWithLogits(float[] x, float[] t, int n);

    /** dx[i] += scale·(σ(x_i) − t_i). */
    void bceWithLogitsBackward(float[] x, float[] t, int n, float scale, float[] dx);

    // ---------------------------------------------------------------- Gaussian KL against N(0, I)

    /** kl[i] = ½(μᵢ² + exp(lvᵢ) − 1 − lvᵢ), the closed-form KL(N(μ, e^lv) ‖ N(0, 1)) per element. */
    void gaussianKl(float[] mu, float[] logVar, float[] kl, int n);

    /** dmu[i] += dkl[i]·μᵢ;  dlogVar[i] += dkl[i]·½(exp(lvᵢ) − 1). */
    void gaussianKlBackward(float[] mu, float[] logVar, float[] dkl, float[] dmu, float[] dlogVar, int n);

    // ---------------------------------------------------------------- free bits over kl [B, D]

    /**
     * The units of free bits ({@code dev.kiln.freebits.FreeBits}), each the mean of kl [B, D] over one
     * axis, summed in double with b and j ascending, then divided by the count:
     * <pre>
     *   perDim:   units[j] = (1/B) Σ_b kl[b, j]      units [D]
     *   else:     units[b] = (1/D) Σ_j kl[b, j]      units [B]
     * </pre>
     * Overwrites the first D (or B) elements of units. The body is the reference.
     */
    default void freeBitsUnits(float[] kl, int batch, int dims, boolean perDim, double[] units) {
        int count = perDim ? dims : batch;
        java.util.Arrays.fill(units, 0, count, 0.0);
        for (int b = 0; b < batch; b++) {
            int row = b * dims;
            for (int j = 0; j < dims; j++) {
                if (perDim) units[j] += kl[row + j];
                else units[b] += kl[row + j];
            }
        }
        int per = perDim ? batch : dims;                               // elements averaged into each unit
        for (int u = 0; u < count; u++) units[u] /= per;
    }

    /**
     * The hinge's backward mask: grad[b, j] = g where the unit (b, j) belongs to is ≥ λ, else 0; the
     * unit is units[j] (perDim) or units[b]. Overwrites grad [B, D]. The body is the reference.
     */
    default void freeBitsMask(double[] units, int batch, int dims, boolean perDim, double lambda, float g,
                              float[] grad) {
        for (int b = 0; b < batch; b++) {
            int row = b * dims;
            for (int j = 0; j < dims; j++) {
                double unit = perDim ? units[j] : units[b];
                grad[row + j] = unit >= lambda ? g : 0f;
            }
        }
    }

    // ---------------------------------------------------------------- optimizer

    /**
     * One Adam/AdamW update over n parameters, in place on p, m, v.
     * <pre>
     *   g' = g + wd·p                       (coupled L2, only if !decoupled)
     *   m  = β1·m + (1−β1)·g'
     *   v  = β2·v + (1−β2)·g'²
     *   p -= lr·( (m/bc1) / (sqrt(v/bc2) + eps) + (decoupled ? wd·p : 0) )
     * </pre>
     * with bias corrections bc1 = 1 − β1^t, bc2 = 1 − β2^t computed by the caller.
     */
    void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                  float eps, float weightDecay, boolean decoupled, float bc1, float bc2);

    /**
     * One SGD step with momentum (PyTorch's convention), in place on p and buf:
     * <pre>
     *   g'  = g + wd·p
     *   buf = μ·buf + g'
     *   p  -= lr·buf
     * </pre>
     */
    void sgdStep(float[] p, float[] g, float[] buf, int n, float lr, float momentum, float weightDecay);

    // ---------------------------------------------------------------- optimizer state kept by the backend

    /**
     * {@link #adamStep}, for a caller that leaves m and v to the backend between calls: it reads or
     * writes them on the host only after {@link #handBack}. A backend with a device may then keep
     * its own copies of m and v from one step to the next instead of uploading them every step
     * (opencl does). The host backends have no copies to keep: this is {@link #adamStep}.
     */
    default void adamStepKeepingState(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1,
                                      float beta2, float eps, float weightDecay, boolean decoupled, float bc1,
                                      float bc2) {
        adamStep(p, g, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
    }

    /** {@link #sgdStep} under the contract of {@link #adamStepKeepingState}, for buf. */
    default void sgdStepKeepingState(float[] p, float[] g, float[] buf, int n, float lr, float momentum,
                                     float weightDecay) {
        sgdStep(p, g, buf, n, lr, momentum, weightDecay);
    }

    /**
     * The host takes these arrays back: on return their host values are current, and the backend
     * has dropped any copy it kept (through {@link #adamStepKeepingState} or
     * {@link #sgdStepKeepingState}), so the next call that uses them uploads them again. Whoever
     * reads or writes such an array outside the backend's kernels (a checkpoint, a restore, a
     * switch to another backend) calls this first; {@link dev.kiln.optim.Adam#stateArrays} does.
     * The host backends keep nothing: a no-op.
     */
    default void handBack(java.util.List<float[]> arrays) {}
}
