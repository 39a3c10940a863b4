package dev.kiln.nn;

import dev.kiln.backend.Activation;

/**
 * y = x for x &gt; 0, α·x otherwise, elementwise, any shape. dx = dy for x &gt; 0, α·dy otherwise
 * (each branch is linear; at 0 the left slope α is taken).
 */
public final class LeakyReLU extends ActivationLayer {
    private final float alpha;

    /** @param alpha the slope for negative inputs, finite (0.01 and 0.2 are usual) */
    public LeakyReLU(float alpha) {
        super(Activation.LEAKY_RELU, checked(alpha));
        this.alpha = alpha;
    }

    private static float checked(float alpha) {
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("LeakyReLU: alpha must be finite, got " + alpha);
        }
        return alpha;
    }

    public float alpha() {
        return alpha;
    }

    @Override
    public String describe() {
        return "LeakyReLU(" + alpha + ")";
    }
}
