package dev.kiln.testing;

import dev.kiln.rand.Rng;

/** Seeded input arrays shared by the kernel tests (fast vs reference, OpenCL vs reference). */
public final class TestArrays {
    private TestArrays() {}

    /** n standard-normal floats, scaled. */
    public static float[] gaussian(Rng rng, int n, float scale) {
        float[] out = new float[n];
        rng.fillGaussian(out, n);
        for (int i = 0; i < n; i++) out[i] *= scale;
        return out;
    }

    /** |x| elementwise, a fresh array. */
    public static float[] abs(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
        return out;
    }
}
