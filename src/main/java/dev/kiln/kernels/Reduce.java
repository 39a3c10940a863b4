package dev.kiln.kernels;

/** Reductions, accumulated in double. */
public final class Reduce {
    private Reduce() {}

    public static double sum(float[] x, int off, int n) {
        double acc = 0;
        for (int i = off; i < off + n; i++) acc += x[i];
        return acc;
    }

    public static double sumSquares(float[] x, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) acc += (double) x[i] * x[i];
        return acc;
    }
}
