package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * The classification losses on the device, twins of {@link dev.kiln.kernels.CrossEntropyKernel}
 * and {@link dev.kiln.kernels.FocalKernel}: one work item per cell (b, s) of a
 * [rows, classes, inner] log-probability array, target t = targets[b·inner + s].
 * <pre>
 *   CE_FORWARD     cellLoss[cell] = −w[t]·ℓ_t
 *   CE_BACK        dx_c += scale·w[t]·(exp(ℓ_c) − [c = t])
 *   FOCAL_FORWARD  cellLoss[cell] = −α[t]·q^γ·ℓ_t,              q = 1 − p_t = −expm1(ℓ_t)
 *   FOCAL_BACK     dx_c += scale·α[t]·G·(exp(ℓ_c) − [c = t]),   G = q^γ·(1 − γ·p_t·ℓ_t/q), ℓ_t/q := −1 at q = 0
 * </pre>
 * The forward ops write one double per cell; the backend adds them up on the host in the
 * reference's order (b, then s), so the total matches the reference's double sum.
 * {@code w} holds the class weights (CE) or α (focal), all ones when the caller passed null.
 */
final class LossKernel extends Kernel {
    static final int CE_FORWARD = 0, CE_BACK = 1, FOCAL_FORWARD = 2, FOCAL_BACK = 3;

    float[] logp;        // [rows, classes, inner] log-softmax ℓ
    int[] targets;       // [rows, inner]
    float[] w;           // [classes]
    double[] cellLoss;   // [rows, inner]
    float[] dx;          // [rows, classes, inner], added into
    float gamma, scale;
    int rows, classes, inner, op;

    @Override
    public void run() {
        int cell = getGlobalId();
        if (cell < rows * inner) {
            int b = cell / inner;
            int s = cell % inner;
            int t = targets[cell];
            int base = b * classes * inner + s;
            double wt = w[t];
            double lt = logp[base + t * inner];
            if (op == CE_FORWARD) {
                cellLoss[cell] = -wt * lt;
            } else if (op == FOCAL_FORWARD) {
                double q = -expm1(lt);                    // 1 − p_t
                cellLoss[cell] = -wt * pow(q, (double) gamma) * lt;
            } else {
                double coef = wt;
                if (op == FOCAL_BACK) coef = wt * modulation(lt);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    double hot = c == t ? 1.0 : 0.0;
                    dx[i] = dx[i] + (float) (scale * coef * (exp((double) logp[i]) - hot));
                }
            }
        }
    }

    /** G = q^γ·(1 − γ·p_t·ℓ_t/q), q = 1 − p_t, ℓ_t/q := −1 at q = 0; exactly 1 at γ = 0. */
    private double modulation(double logPt) {
        double g = 1.0;
        if (gamma != 0f) {
            double pt = exp(logPt);
            double q = -expm1(logPt);
            double ratio = -1.0;                          // log p_t / (1 − p_t) → −1 as p_t → 1
            if (q != 0.0) ratio = logPt / q;
            g = pow(q, (double) gamma) * (1.0 - gamma * pt * ratio);
        }
        return g;
    }
}
