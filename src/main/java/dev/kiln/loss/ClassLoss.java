package dev.kiln.loss;

import dev.kiln.tensor.Tensor;

/**
 * A loss on per-class logits [B, C, S] against integer targets [B·S]: {@link CrossEntropy} and
 * {@link FocalLoss}. Trainers that let the config choose the reconstruction term hold one of these.
 */
public interface ClassLoss {

    /** The reduced loss; caches what {@link #backward()} needs. */
    double forward(Tensor logits, int[] targets);

    /** ∂L/∂logits for dL = 1, the shape of the last logits. */
    Tensor backward();
}
