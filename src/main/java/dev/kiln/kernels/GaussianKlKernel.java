package dev.kiln.kernels;

/**
 * The closed-form KL divergence of a diagonal Gaussian from the standard normal, per element
 * (Kingma &amp; Welling 2014, Appendix B), with lv = log σ²:
 * <pre>
 *   KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − 1 − log σ²) = ½(μ² + e^lv − 1 − lv)
 *   ∂KL/∂μ  = μ
 *   ∂KL/∂lv = ½(e^lv − 1)
 * </pre>
 * Each term is ≥ 0: μ² ≥ 0 and e^lv ≥ 1 + lv (convexity of exp), with equality only at μ = 0,
 * lv = 0. The sum is evaluated in double so that the cancellation e^lv − 1 − lv near lv = 0 does
 * not lose the sign.
 */
public final class GaussianKlKernel {
    private GaussianKlKernel() {}

    public static void forward(float[] mu, float[] logVar, float[] kl, int n) {
        for (int i = 0; i < n; i++) kl[i] = (float) klTerm(mu[i], logVar[i]);
    }

    public static void backward(float[] mu, float[] logVar, float[] dkl, float[] dmu, float[] dlogVar, int n) {
        for (int i = 0; i < n; i++) {
            dmu[i] += dkl[i] * mu[i];
            dlogVar[i] += (float) (dkl[i] * 0.5 * Math.expm1(logVar[i]));
        }
    }

    /** ½(μ² + e^lv − 1 − lv) in double; expm1 keeps e^lv − 1 exact near lv = 0. */
    public static double klTerm(double mu, double logVar) {
        return 0.5 * (mu * mu + Math.expm1(logVar) - logVar);
    }
}
