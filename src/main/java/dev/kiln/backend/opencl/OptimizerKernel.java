package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * The optimizer steps on the device, twins of {@link dev.kiln.kernels.AdamKernel} and
 * {@link dev.kiln.kernels.SgdKernel}: one work item per parameter, in float as the reference.
 * <pre>
 *   ADAM  g' = g (+ wd·p unless decoupled);  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²
 *         p -= lr·( (m/bc1) / (sqrt(v/bc2) + eps) (+ wd·p if decoupled) )
 *   SGD   g' = g + wd·p;  buf = μ·buf + g';  p -= lr·buf          (buf travels in m)
 * </pre>
 */
final class OptimizerKernel extends Kernel {
    static final int ADAM = 0, SGD = 1;

    float[] p;           // [n] parameters, updated in place
    float[] g;           // [n] gradients
    float[] m;           // [n] first moment (Adam) or momentum buffer (SGD), updated in place
    float[] v;           // [n] second moment (Adam); a 1-element dummy for SGD
    float lr, beta1, beta2, eps, weightDecay, bc1, bc2, momentum;
    int n, decoupled, op;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < n) {
            if (op == ADAM) {
                float grad = g[i];
                if (decoupled == 0) grad = g[i] + weightDecay * p[i];
                m[i] = beta1 * m[i] + (1f - beta1) * grad;
                v[i] = beta2 * v[i] + (1f - beta2) * grad * grad;
                float mHat = m[i] / bc1;
                float vHat = v[i] / bc2;
                float update = mHat / ((float) sqrt((double) vHat) + eps);
                if (decoupled == 1) update += weightDecay * p[i];
                p[i] = p[i] - lr * update;
            } else {
                float grad = g[i] + weightDecay * p[i];
                m[i] = momentum * m[i] + grad;
                p[i] = p[i] - lr * m[i];
            }
        }
    }
}
