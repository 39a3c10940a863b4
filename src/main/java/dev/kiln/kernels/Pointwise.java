package dev.kiln.kernels;

/**
 * Elementwise kernels: activations forward and backward, and axpy. One static method per
 * function so that each is a plain loop an accelerator compiler can take over.
 */
public final class Pointwise {
    private Pointwise() {}

    public static void reluForward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = x[i] > 0f ? x[i] : 0f;
    }

    /** dx += [x > 0]·dy (the subgradient at 0 is taken as 0). */
    public static void reluBackward(float[] x, float[] dy, float[] dx, int n) {
        for (int i = 0; i < n; i++) if (x[i] > 0f) dx[i] += dy[i];
    }

    public static void leakyReluForward(float alpha, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = x[i] > 0f ? x[i] : alpha * x[i];
    }

    public static void leakyReluBackward(float alpha, float[] x, float[] dy, float[] dx, int n) {
        for (int i = 0; i < n; i++) dx[i] += x[i] > 0f ? dy[i] : alpha * dy[i];
    }

    /**
     * y = σ(x), evaluated in the branch that never exponentiates a large positive number:
     * σ(x) = 1/(1+e^−x) for x ≥ 0, e^x/(1+e^x) for x < 0. At ±100 it gives 1 and a subnormal ≈ 3.8e−44 (never NaN).
     */
    public static void sigmoidForward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = sigmoid(x[i]);
    }

    /** dx += y(1 − y)·dy, with y = σ(x) saved by the forward pass. */
    public static void sigmoidBackward(float[] y, float[] dy, float[] dx, int n) {
        for (int i = 0; i < n; i++) dx[i] += y[i] * (1f - y[i]) * dy[i];
    }

    public static void tanhForward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]);
    }

    /** dx += (1 − y²)·dy, with y = tanh(x) saved by the forward pass. */
    public static void tanhBackward(float[] y, float[] dy, float[] dx, int n) {
        for (int i = 0; i < n; i++) dx[i] += (1f - y[i] * y[i]) * dy[i];
    }

    /** y += alpha·x. */
    public static void axpy(float alpha, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] += alpha * x[i];
    }

    /** x *= alpha. */
    public static void scale(float alpha, float[] x, int n) {
        for (int i = 0; i < n; i++) x[i] *= alpha;
    }

    /** The numerically safe logistic function (see {@link #sigmoidForward}). */
    public static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }
}
