package dev.kiln.nn;

import dev.kiln.backend.Activation;

/**
 * y = tanh x elementwise, any shape. dx = (1 − y²)·dy.
 *
 * <p>Derivation: tanh x = sinh x / cosh x, so tanh'(x) = (cosh² x − sinh² x)/cosh² x = 1 − tanh² x,
 * a polynomial in the saved output y. At saturation y = ±1 exactly and the gradient is 0.
 */
public final class Tanh extends ActivationLayer {
    public Tanh() {
        super(Activation.TANH, 0f);
    }

    @Override
    public String describe() {
        return "Tanh";
    }
}
