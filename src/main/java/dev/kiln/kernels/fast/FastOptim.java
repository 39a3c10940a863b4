package dev.kiln.kernels.fast;

import dev.kiln.kernels.AdamKernel;
import dev.kiln.kernels.SgdKernel;

/**
 * The optimizer steps (Adam/AdamW, SGD with momentum) in fixed chunks of
 * {@link FastPointwise#CHUNK} parameters, in parallel when the tensor is large, each chunk on the
 * Vector API ({@link VectorOptim}) or on its scalar twin here. Every parameter is updated by the
 * reference's float expression, operation by operation in the reference's order: IEEE division
 * and square root are correctly rounded in a vector lane as in a scalar, and
 * {@code (float) Math.sqrt(v)} of a float v equals the float square root (a double square root
 * rounded to float is the correctly rounded float square root, since 53 ≥ 2·24 + 2). So the
 * results are the reference's bit for bit, for any thread count and on both paths.
 */
public final class FastOptim {
    /** Work units per parameter of an Adam step: two divisions, a square root, ten multiply-adds. */
    private static final int ADAM_COST = 8;
    /** Work units per parameter of an SGD step. */
    private static final int SGD_COST = 2;

    private FastOptim() {}

    /** One Adam/AdamW update over p[0, n), m, v. Reference: {@link AdamKernel#step}. */
    public static void adam(Workers workers, float[] p, float[] g, float[] m, float[] v, int n, float lr,
                            float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                            float bc1, float bc2) {
        boolean vector = workers.vector();
        FastPointwise.chunked(workers, n, ADAM_COST, (lo, hi) -> {
            if (vector) VectorOptim.adam(p, g, m, v, lo, hi, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
            else adamScalar(p, g, m, v, lo, hi, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
        });
    }

    /** One SGD step with momentum over p[0, n), buf. Reference: {@link SgdKernel#step}. */
    public static void sgd(Workers workers, float[] p, float[] g, float[] buf, int n, float lr, float momentum,
                           float weightDecay) {
        boolean vector = workers.vector();
        FastPointwise.chunked(workers, n, SGD_COST, (lo, hi) -> {
            if (vector) VectorOptim.sgd(p, g, buf, lo, hi, lr, momentum, weightDecay);
            else sgdScalar(p, g, buf, lo, hi, lr, momentum, weightDecay);
        });
    }

    /** The scalar twin: {@link AdamKernel#step}'s loop over [lo, hi). */
    static void adamScalar(float[] p, float[] g, float[] m, float[] v, int lo, int hi, float lr, float beta1,
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

    /** The scalar twin: {@link SgdKernel#step}'s loop over [lo, hi). */
    static void sgdScalar(float[] p, float[] g, float[] buf, int lo, int hi, float lr, float momentum,
                          float weightDecay) {
        for (int i = lo; i < hi; i++) {
            float grad = g[i] + weightDecay * p[i];
            buf[i] = momentum * buf[i] + grad;
            p[i] -= lr * buf[i];
        }
    }
}
