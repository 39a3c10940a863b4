package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators and small builders shared by the loss properties. */
final class LossCases {
    private LossCases() {}

    /**
     * Shapes of per-class tensors: [B, C] (S = 1), [B, C, S] and [B, C, H, W], with B in [1, 3],
     * C in [minClasses, maxClasses], S in [1, 5], H and W in [1, 3]. Size-1 dimensions are jqwik
     * edge cases and so come up early.
     */
    static Arbitrary<int[]> classShapes(int minClasses, int maxClasses) {
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> classes = Arbitraries.integers().between(minClasses, maxClasses);
        Arbitrary<int[]> spatial = Arbitraries.oneOf(
                Arbitraries.just(new int[0]),
                Arbitraries.integers().between(1, 5).map(s -> new int[] {s}),
                Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3))
                        .as((h, w) -> new int[] {h, w}));
        return Combinators.combine(batch, classes, spatial).as((b, c, sp) -> {
            int[] shape = new int[2 + sp.length];
            shape[0] = b;
            shape[1] = c;
            System.arraycopy(sp, 0, shape, 2, sp.length);
            return shape;
        });
    }

    /** "S = 1" or "S > 1", for coverage statistics. */
    static String cellsLabel(int[] shape) {
        int inner = 1;
        for (int axis = 2; axis < shape.length; axis++) inner *= shape[axis];
        return inner == 1 ? "S = 1" : "S > 1";
    }

    /** A tensor of N(0, scale²) draws. */
    static Tensor gaussian(Rng rng, double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) (scale * rng.nextGaussian());
        return t;
    }

    /** One uniform class in [0, C) per cell. */
    static int[] targets(Rng rng, ClassShape s) {
        int[] t = new int[s.cells()];
        for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(s.classes());
        return t;
    }

    /** Per-class weights uniform in [0.1, 3) if {@code weighted}, else null (all ones). */
    static float[] weightsOrNull(Rng rng, int classes, boolean weighted) {
        if (!weighted) return null;
        float[] w = new float[classes];
        for (int c = 0; c < classes; c++) w[c] = rng.uniform(0.1f, 3f);
        return w;
    }

    /** log Σ_c exp(x[b, c, s]) in double, the plain way (no max trick): moderate inputs only. */
    static double naiveLogSumExp(float[] x, ClassShape s, int b, int cell) {
        double acc = 0;
        for (int c = 0; c < s.classes(); c++) acc += Math.exp(x[(b * s.classes() + c) * s.inner() + cell]);
        return Math.log(acc);
    }
}
