package dev.kiln.nn;

import dev.kiln.backend.Activation;

/**
 * y = max(0, x) elementwise, any shape. dx = [x &gt; 0]·dy: the slope is 1 where the input is
 * positive and 0 where it is negative; at exactly 0, where max has a kink, the subgradient 0 is
 * taken (as PyTorch does).
 */
public final class ReLU extends ActivationLayer {
    public ReLU() {
        super(Activation.RELU, 0f);
    }

    @Override
    public String describe() {
        return "ReLU";
    }
}
