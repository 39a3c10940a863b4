package dev.kiln.nn;

import dev.kiln.backend.Activation;

/**
 * y = σ(x) = 1/(1 + e^−x) elementwise, any shape. dx = y·(1 − y)·dy.
 *
 * <p>Derivation: σ'(x) = e^−x/(1 + e^−x)² = [1/(1 + e^−x)]·[e^−x/(1 + e^−x)] = σ(x)·(1 − σ(x)), so
 * the backward pass needs only the saved output y. At saturation y rounds to exactly 1 (x ≳ 17.4 in
 * float) or to a tiny positive number (σ(−100) ≈ 3.8e−44, a subnormal), and y(1 − y) to 0 or a
 * tiny number: the gradient vanishes but never becomes NaN. (For reconstructions, prefer a loss
 * that takes logits; it never forms σ.)
 */
public final class Sigmoid extends ActivationLayer {
    public Sigmoid() {
        super(Activation.SIGMOID, 0f);
    }

    @Override
    public String describe() {
        return "Sigmoid";
    }
}
