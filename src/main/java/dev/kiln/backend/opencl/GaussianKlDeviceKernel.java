package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * The Gaussian KL against N(0, 1) on the device, the twin of {@link dev.kiln.kernels.GaussianKlKernel}:
 * one work item per latent element, in double with expm1 as in the reference. The float product
 * dkl·μ is rounded on a statement of its own before it is added (OpenCL C may contract a·b + c in
 * one expression into an fma; PoCL did in 23% of dmu; see {@link OptimizerKernel}).
 * <pre>
 *   FORWARD  kl[i]       = ½(μ² + expm1(lv) − lv)
 *   BACK     dmu[i]     += dkl[i]·μ;   dlogVar[i] += dkl[i]·½·expm1(lv)
 * </pre>
 */
final class GaussianKlDeviceKernel extends Kernel {
    static final int FORWARD = 0, BACK = 1;

    float[] mu;          // [n]
    float[] logVar;      // [n]
    float[] kl;          // [n] FORWARD output
    float[] dkl;         // [n] upstream gradient
    float[] dmu;         // [n], added into
    float[] dlogVar;     // [n], added into
    int n, op;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < n) {
            if (op == FORWARD) {
                double m = mu[i];
                double lv = logVar[i];
                kl[i] = (float) (0.5 * (m * m + expm1(lv) - lv));
            } else {
                float dm = dkl[i] * mu[i];                    // its own statement: no fma(dkl, μ, dmu)
                dmu[i] = dmu[i] + dm;
                dlogVar[i] = dlogVar[i] + (float) (dkl[i] * 0.5 * expm1((double) logVar[i]));
            }
        }
    }
}
