package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * The optimizer steps on the device, twins of {@link dev.kiln.kernels.AdamKernel} and
 * {@link dev.kiln.kernels.SgdKernel}: one work item per parameter, in float as the reference,
 * and bit-identical to it.
 * <pre>
 *   ADAM  g' = g (+ wd·p unless decoupled);  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²
 *         p -= lr·( (m/bc1) / (sqrt(v/bc2) + eps) (+ wd·p if decoupled) )
 *   SGD   g' = g + wd·p;  buf = μ·buf + g';  p -= lr·buf          (buf travels in m)
 * </pre>
 * Two rules make each float operation round as Java's does:
 * <ul>
 *   <li><b>One product per statement.</b> OpenCL C lets a compiler contract a·b + c within one
 *   expression into fma(a, b, c), which rounds once instead of twice (FP_CONTRACT is on by
 *   default, and Aparapi cannot emit the pragma that turns it off). PoCL does: with
 *   {@code m = β1·m + (1−β1)·g} in one statement, 28% of m and 25% of v differed from the
 *   reference, all by fma(β1, m, (1−β1)·g). A product stored to a float local is rounded there,
 *   and C forbids contracting across statements.</li>
 *   <li><b>Division and sqrt in double, rounded once to float.</b> OpenCL C's float {@code /} and
 *   {@code sqrt} may be 2.5 and 3 ulp off unless the program is built with
 *   {@code -cl-fp32-correctly-rounded-divide-sqrt}, which Aparapi does not pass. For floats a, b,
 *   (float)((double) a / b) and (float) sqrt((double) a) are the correctly rounded float results
 *   (double rounding is innocuous for ÷ and √ since 53 ≥ 2·24 + 2), which is what Java's float
 *   {@code /} and {@code (float) Math.sqrt} give.</li>
 * </ul>
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
            float decay = weightDecay * p[i];                 // wd·p, rounded to float on its own
            if (op == ADAM) {
                float grad = g[i];
                if (decoupled == 0) grad = g[i] + decay;
                float keptM = beta1 * m[i];
                float newM = (1f - beta1) * grad;
                m[i] = keptM + newM;
                float gradSq = (1f - beta2) * grad;           // the reference's ((1−β2)·g')·g'
                gradSq = gradSq * grad;
                float keptV = beta2 * v[i];
                v[i] = keptV + gradSq;
                float mHat = (float) ((double) m[i] / bc1);
                float vHat = (float) ((double) v[i] / bc2);
                float denominator = (float) sqrt((double) vHat) + eps;
                float update = (float) ((double) mHat / denominator);
                if (decoupled == 1) update += decay;
                float step = lr * update;
                p[i] = p[i] - step;
            } else {
                float grad = g[i] + decay;
                float keptBuf = momentum * m[i];
                m[i] = keptBuf + grad;
                float step = lr * m[i];
                p[i] = p[i] - step;
            }
        }
    }
}
