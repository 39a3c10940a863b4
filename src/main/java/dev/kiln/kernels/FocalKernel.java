package dev.kiln.kernels;

/**
 * Focal loss (Lin et al. 2017) from log-probabilities along the class axis of a
 * [rows, classes, inner] array, same layout as {@link CrossEntropyKernel}. For a cell with target t,
 * ℓ = log softmax(x), p = exp(ℓ) and q = 1 − p_t:
 * <pre>
 *   loss(b, s)      = −α[t]·q^γ·ℓ_t
 *   ∂loss/∂x[b,c,s] =  α[t]·G·(p_c − [c = t]),   G = q^γ − γ·p_t·q^(γ−1)·ℓ_t = q^γ·(1 − γ·p_t·ℓ_t/q)
 * </pre>
 * Derivation: docs/derivations.md §3 "Focal loss" (the one copy).
 * At γ = 0, G = 1 and this is cross-entropy exactly.
 *
 * <p>Numerics: q = −expm1(ℓ_t) keeps 1 − p_t accurate when p_t is close to 1. The factor
 * ℓ_t/q tends to −1 as p_t → 1 (log p ≈ −(1 − p)); it is taken as −1 when q is exactly 0, so G is
 * finite for every γ ≥ 0, including 0 &lt; γ &lt; 1 where q^(γ−1) alone would blow up.
 */
public final class FocalKernel {
    private FocalKernel() {}

    /** Σ over cells of −α[t]·(1 − p_t)^γ·log p_t, in double; alpha null = all ones. */
    public static double forward(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes,
                                 int inner) {
        double acc = 0;
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s];
                double at = alpha == null ? 1.0 : alpha[t];
                double lt = logp[(b * classes + t) * inner + s];
                double q = -Math.expm1(lt);                     // 1 − p_t
                acc += -at * Math.pow(q, gamma) * lt;
            }
        }
        return acc;
    }

    /** dx[b, c, s] += scale·α[t]·G·(p_c − [c = t]), G as in the class comment. */
    public static void backward(float[] logp, int[] targets, float[] alpha, float gamma, int rows, int classes,
                                int inner, float scale, float[] dx) {
        for (int b = 0; b < rows; b++) {
            for (int s = 0; s < inner; s++) {
                int t = targets[b * inner + s];
                int base = b * classes * inner + s;
                double at = alpha == null ? 1.0 : alpha[t];
                double coef = at * modulation(logp[base + t * inner], gamma);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    double hot = c == t ? 1.0 : 0.0;
                    dx[i] += (float) (scale * coef * (Math.exp(logp[i]) - hot));
                }
            }
        }
    }

    /** G = q^γ·(1 − γ·p_t·ℓ_t/q), with q = 1 − p_t and ℓ_t/q := −1 at q = 0; exactly 1 at γ = 0. */
    public static double modulation(double logPt, float gamma) {
        if (gamma == 0f) return 1.0;
        double pt = Math.exp(logPt);
        double q = -Math.expm1(logPt);
        double ratio = q == 0.0 ? -1.0 : logPt / q;             // log p_t / (1 − p_t) → −1 as p_t → 1
        return Math.pow(q, gamma) * (1.0 - gamma * pt * ratio);
    }
}
