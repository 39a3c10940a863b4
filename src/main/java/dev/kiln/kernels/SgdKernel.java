package dev.kiln.kernels;

/** SGD with momentum over a flat parameter array; see {@link dev.kiln.backend.Backend#sgdStep}. */
public final class SgdKernel {
    private SgdKernel() {}

    public static void step(float[] p, float[] g, float[] buf, int n, float lr, float momentum, float weightDecay) {
        step(p, g, buf, 0, n, lr, momentum, weightDecay);
    }

    /** The same update over the elements [lo, hi) only (the fast backend's chunks and vector tails). */
    public static void step(float[] p, float[] g, float[] buf, int lo, int hi, float lr, float momentum,
                            float weightDecay) {
        for (int i = lo; i < hi; i++) {
            float grad = g[i] + weightDecay * p[i];
            buf[i] = momentum * buf[i] + grad;
            p[i] -= lr * buf[i];
        }
    }
}
