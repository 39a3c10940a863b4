package dev.kiln.backend;

import dev.kiln.kernels.AdamKernel;
import dev.kiln.kernels.BceWithLogitsKernel;
import dev.kiln.kernels.ClassAxis;
import dev.kiln.kernels.Conv;
import dev.kiln.kernels.CrossEntropyKernel;
import dev.kiln.kernels.FocalKernel;
import dev.kiln.kernels.GaussianKlKernel;
import dev.kiln.kernels.Gemm;
import dev.kiln.kernels.Pointwise;
import dev.kiln.kernels.Reduce;
import dev.kiln.kernels.SgdKernel;

/**
 * The plain-Java scalar backend: each method forwards to one static kernel in
 * {@code dev.kiln.kernels}, where the loops are. Single-threaded, deterministic, the reference
 * every other backend is tested against. A faster backend extends this class and overrides the
 * kernels it accelerates, so whatever it does not override is the reference.
 */
public class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    /** Subclasses replace the kernels they accelerate and inherit the rest. */
    protected ReferenceBackend() {}

    @Override public String name() { return "reference"; }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b,
                     int bOff, float[] c, int cOff, boolean accumulate) {
        Gemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }

    @Override
    public void conv2dForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        Conv.forward(s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), s.stride(), s.pad(),
                s.outH(), s.outW(), x, w, bias, y);
    }

    @Override
    public void conv2dBackwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        Conv.backwardData(s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), s.stride(), s.pad(),
                s.outH(), s.outW(), dy, w, dx);
    }

    @Override
    public void conv2dBackwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias) {
        Conv.backwardWeights(s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), s.stride(),
                s.pad(), s.outH(), s.outW(), x, dy, dw, dbias);
    }

    @Override
    public void activationForward(Activation f, float alpha, float[] x, float[] y, int n) {
        switch (f) {
            case RELU -> Pointwise.reluForward(x, y, n);
            case LEAKY_RELU -> Pointwise.leakyReluForward(alpha, x, y, n);
            case SIGMOID -> Pointwise.sigmoidForward(x, y, n);
            case TANH -> Pointwise.tanhForward(x, y, n);
        }
    }

    @Override
    public void activationBackward(Activation f, float alpha, float[] x, float[] y, float[] dy, float[] dx, int n) {
        switch (f) {
            case RELU -> Pointwise.reluBackward(x, dy, dx, n);
            case LEAKY_RELU -> Pointwise.leakyReluBackward(alpha, x, dy, dx, n);
            case SIGMOID -> Pointwise.sigmoidBackward(y, dy, dx, n);
            case TANH -> Pointwise.tanhBackward(y, dy, dx, n);
        }
    }

    @Override public void axpy(float alpha, float[] x, float[] y, int n) { Pointwise.axpy(alpha, x, y, n); }

    @Override public void scale(float alpha, float[] x, int n) { Pointwise.scale(alpha, x, n); }

    @Override public double sum(float[] x, int off, int n) { return Reduce.sum(x, off, n); }

    @Override public double sumSquares(float[] x, int n) { return Reduce.sumSquares(x, n); }

    @Override
    public void logSumExp(float[] x, int rows, int classes, int inner, float[] out) {
        ClassAxis.logSumExp(x, rows, classes, inner, out);
    }

    @Override
    public void softmax(float[] x, int rows, int classes, int inner, float[] y) {
        ClassAxis.softmax(x, rows, classes, inner, y);
    }

    @Override
    public void logSoftmax(float[] x, int rows, int classes, int inner, float[] y) {
        ClassAxis.logSoftmax(x, rows, classes, inner, y);
    }

    @Override
    public void softmaxBackward(float[] y, float[] dy, int rows, int classes, int inner, float[] dx) {
        ClassAxis.softmaxBackward(y, dy, rows, classes, inner, dx);
    }

    @Override
    public void logSoftmaxBackward(float[] logY, float[] dy, int rows, int classes, int inner, float[] dx) {
        ClassAxis.logSoftmaxBackward(logY, dy, rows, classes, inner, dx);
    }

    @Override
    public double crossEntropy(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner) {
        return CrossEntropyKernel.forward(logp, targets, weights, rows, classes, inner);
    }

    @Override
    public void crossEntropyBackward(float[] logp, int[] targets, float[] weights, int rows, int classes, int inner,
                                     float scale, float[] dx) {
        CrossEntropyKernel.backward(logp, targets, weights, rows, classes, inner, scale, dx);
    }

    @Override
    public double focal(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes, int inner) {
        return FocalKernel.forward(logp, targets, alpha, gamma, rows, classes, inner);
    }

    @Override
    public void focalBackward(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes,
                              int inner, float scale, float[] dx) {
        FocalKernel.backward(logp, targets, alpha, gamma, rows, classes, inner, scale, dx);
    }

    @Override
    public double bceWithLogits(float[] x, float[] t, int n) {
        return BceWithLogitsKernel.forward(x, t, n);
    }

    @Override
    public void bceWithLogitsBackward(float[] x, float[] t, int n, float scale, float[] dx) {
        BceWithLogitsKernel.backward(x, t, n, scale, dx);
    }

    @Override
    public void gaussianKl(float[] mu, float[] logVar, float[] kl, int n) {
        GaussianKlKernel.forward(mu, logVar, kl, n);
    }

    @Override
    public void gaussianKlBackward(float[] mu, float[] logVar, float[] dkl, float[] dmu, float[] dlogVar, int n) {
        GaussianKlKernel.backward(mu, logVar, dkl, dmu, dlogVar, n);
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                         float eps, float weightDecay, boolean decoupled, float bc1, float bc2) {
        AdamKernel.step(p, g, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
    }

    @Override
    public void sgdStep(float[] p, float[] g, float[] buf, int n, float lr, float momentum, float weightDecay) {
        SgdKernel.step(p, g, buf, n, lr, momentum, weightDecay);
    }
}
