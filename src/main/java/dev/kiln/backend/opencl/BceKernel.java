package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * Binary cross-entropy on logits on the device, the twin of
 * {@link dev.kiln.kernels.BceWithLogitsKernel}: one work item per element.
 * <pre>
 *   FORWARD  term[i] = max(x_i, 0) − x_i·t_i + log1p(exp(−|x_i|))     (double; the host adds the terms)
 *   BACK     dx[i]  += scale·(σ(x_i) − t_i)
 * </pre>
 */
final class BceKernel extends Kernel {
    static final int FORWARD = 0, BACK = 1;

    float[] x;           // [n] logits
    float[] t;           // [n] targets in [0, 1]
    double[] term;       // [n]
    float[] dx;          // [n], added into
    float scale;
    int n, op;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < n) {
            double xi = x[i];
            if (op == FORWARD) {
                term[i] = max(xi, 0.0) - xi * t[i] + log1p(exp(-abs(xi)));
            } else {
                double e = exp(-abs(xi));                 // σ(x) without exp of a large positive number:
                double sig = 1.0 / (1.0 + e);             // 1/(1 + e^−x) for x ≥ 0,
                if (xi < 0) sig = e / (1.0 + e);          // e^x/(1 + e^x) for x < 0
                dx[i] = dx[i] + (float) (scale * (sig - t[i]));
            }
        }
    }
}
