package dev.kiln.kernels;

/** One fused Adam / AdamW update over a flat parameter array; see {@link dev.kiln.backend.Backend#adamStep}. */
public final class AdamKernel {
    private AdamKernel() {}

    public static void step(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                            float eps, float weightDecay, boolean decoupled, float bc1, float bc2) {
        step(p, g, m, v, 0, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
    }

    /** The same update over the elements [lo, hi) only (the fast backend's chunks and vector tails). */
    public static void step(float[] p, float[] g, float[] m, float[] v, int lo, int hi, float lr, float beta1,
                            float beta2, float eps, float weightDecay, boolean decoupled, float bc1, float bc2) {
        for (int i = lo; i < hi; i++) {
            float grad = decoupled ? g[i] : g[i] + weightDecay * p[i];
            m[i] = beta1 * m[i] + (1f - beta1) * grad;
            v[i] = beta2 * v[i] + (1f - beta2) * grad * grad;
            float mHat = m[i] / bc1;
            float vHat = v[i] / bc2;
            float update = mHat / ((float) Math.sqrt(vHat) + eps);
            if (decoupled) update += weightDecay * p[i];
            p[i] -= lr * update;
        }
    }
}
