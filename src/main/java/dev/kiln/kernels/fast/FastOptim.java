package dev.kiln.kernels.fast;

import dev.kiln.kernels.AdamKernel;
import dev.kiln.kernels.SgdKernel;

/**
 * The optimizer steps (Adam/AdamW, SGD with momentum) in fixed chunks of
 * {@link FastPointwise#CHUNK} parameters, in parallel when the tensor is large, each chunk on the
 * Vector API ({@link VectorOptim}) or, as the scalar twin, on the reference kernel's own [lo, hi)
 * form ({@link AdamKernel}, {@link SgdKernel}). Every parameter is updated by the reference's float
 * expression, operation by operation in the reference's order: IEEE division
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
            else AdamKernel.step(p, g, m, v, lo, hi, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
        });
    }

    /** One SGD step with momentum over p[0, n), buf. Reference: {@link SgdKernel#step}. */
    public static void sgd(Workers workers, float[] p, float[] g, float[] buf, int n, float lr, float momentum,
                           float weightDecay) {
        boolean vector = workers.vector();
        FastPointwise.chunked(workers, n, SGD_COST, (lo, hi) -> {
            if (vector) VectorOptim.sgd(p, g, buf, lo, hi, lr, momentum, weightDecay);
            else SgdKernel.step(p, g, buf, lo, hi, lr, momentum, weightDecay);
        });
    }
}
