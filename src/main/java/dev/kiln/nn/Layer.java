package dev.kiln.nn;

import dev.kiln.tensor.Tensor;

import java.util.List;

/**
 * One differentiable step. {@link #forward} computes the output and keeps exactly what
 * {@link #backward} needs; {@link #backward} takes ∂L/∂output, adds ∂L/∂θ into each parameter's
 * gradient and returns ∂L/∂input. A backward call refers to the most recent forward call.
 *
 * <p><b>Lifetime of the results.</b> A layer may write its results into arrays that it keeps from
 * call to call ({@link dev.kiln.tensor.ReusedBuffer}) instead of fresh ones:
 * <ul>
 *   <li>forward's output is valid until this layer's next forward;</li>
 *   <li>backward's ∂L/∂input is valid until this layer's next backward;</li>
 *   <li>either may be a view of the argument (a reshape), and then lives as long as the argument.</li>
 * </ul>
 * A caller that needs a result longer {@link Tensor#copy}s it. Using a result after that (its
 * shape, size, a reshape, a copy) throws a {@link dev.kiln.tensor.StaleTensorException} that names
 * the layer. A caller may write into a result it holds (the model adds the two heads' input
 * gradients into one); a layer never writes into its arguments. In one training step every
 * result is used before the layer runs again: forward, loss, backward, optimizer, in that order.
 */
public interface Layer {

    Tensor forward(Tensor x);

    Tensor backward(Tensor dy);

    /**
     * {@link #backward} for a layer whose input needs no gradient (the model's input, a batch of
     * data): adds ∂L/∂θ into the parameters exactly as {@link #backward} does, and skips ∂L/∂input.
     * PyTorch does the same for inputs without {@code requires_grad}. For the first Linear of an
     * MLP or the first convolution of the ARC encoder that saves a whole GEMM per step. The default
     * runs {@link #backward} and drops its result; layers with a costly ∂L/∂input override it.
     */
    default void backwardParams(Tensor dy) {
        backward(dy);
    }

    /** The trainable parameters, in a fixed order (empty for parameter-free layers). */
    default List<Param> params() {
        return List.of();
    }

    /** A short description for summaries and error messages, e.g. {@code "Linear(784→400)"}. */
    String describe();
}
