package dev.kiln.mixture;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

/** Small builders shared by the mixture tests. */
final class MixtureCases {
    private MixtureCases() {}

    /** A mask over K pots from the bits of {@code bits}, with pot {@code bits mod K} forced open. */
    static boolean[] mask(int pots, long bits) {
        boolean[] open = new boolean[pots];
        for (int k = 0; k < pots; k++) open[k] = ((bits >>> k) & 1) == 1;
        open[(int) Math.floorMod(bits, (long) pots)] = true;
        return open;
    }

    /** "one open", "all open" or "some closed", for coverage statistics. */
    static String maskLabel(boolean[] open) {
        int n = Pots.count(open);
        return n == 1 ? "one open" : n == open.length ? "all open" : "some closed";
    }

    /** A [rows, cols] tensor of N(0, scale²) draws. */
    static Tensor gaussian(Rng rng, double scale, int rows, int cols) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) (scale * rng.nextGaussian());
        return t;
    }

    /** A [rows, cols] tensor of uniform draws in [lo, hi). */
    static Tensor uniform(Rng rng, float lo, float hi, int rows, int cols) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < t.size(); i++) t.data[i] = rng.uniform(lo, hi);
        return t;
    }

    static double dot(float[] a, float[] b) {
        double acc = 0;
        for (int i = 0; i < a.length; i++) acc += (double) a[i] * b[i];
        return acc;
    }
}
