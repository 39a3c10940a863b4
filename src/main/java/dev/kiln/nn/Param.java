package dev.kiln.nn;

import dev.kiln.tensor.Tensor;

import java.util.Arrays;

/**
 * A trainable tensor and its gradient, the same shape. Backward passes add into {@link #grad};
 * the optimizer reads it and {@link #zeroGrad()} clears it. Names are dotted paths such as
 * {@code "encoder.0.weight"}, so checkpoints and gradient checks can address every parameter.
 */
public final class Param {
    public final String name;
    public final Tensor value;
    public final float[] grad;

    public Param(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = new float[value.size()];
    }

    public int size() {
        return value.size();
    }

    public void zeroGrad() {
        Arrays.fill(grad, 0f);
    }

    /** The same parameter seen under a prefixed name (shares value and grad). */
    public Param prefixed(String prefix) {
        return new Param(prefix + "." + name, value, grad);
    }

    private Param(String name, Tensor value, float[] grad) {
        this.name = name;
        this.value = value;
        this.grad = grad;
    }

    @Override
    public String toString() {
        return name + value.shapeString();
    }
}
