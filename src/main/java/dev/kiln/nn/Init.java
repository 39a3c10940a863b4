package dev.kiln.nn;

import dev.kiln.rand.Rng;

/**
 * Weight initializers. fanIn = inputs per output unit (in for Linear, inC·k·k for Conv2d);
 * fanOut = outputs per input unit.
 */
public final class Init {
    private Init() {}

    /**
     * Kaiming/He uniform for ReLU-family layers (He et al. 2015): U(−b, b) with b = gain·√(3/fanIn),
     * gain = √2, so Var[w] = 2/fanIn and the activations' second moment is kept layer to layer.
     */
    public static void kaimingUniform(float[] w, int fanIn, Rng rng) {
        float bound = (float) (Math.sqrt(2.0) * Math.sqrt(3.0 / fanIn));
        for (int i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
    }



    /** Bias init as PyTorch's default: U(−1/√fanIn, 1/√fanIn). */
    public static void fanInUniformBias(float[] b, int fanIn, Rng rng) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        for (int i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
    }
}
