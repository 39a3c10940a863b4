package dev.kiln.mixture;

import dev.kiln.tensor.Tensor;

/**
 * One batch for the mixture VAE.
 *
 * @param inputs the encoder's input, [B, F_in] (images flattened, or ARC one-hot flattened)
 * @param pixels Bernoulli targets in [0, 1], [B, F], or null for categorical data
 * @param cells  categorical targets, [B·S], or null for Bernoulli data
 * @param labels class labels, [B], or null for unlabelled data
 */
public record MixtureBatch(Tensor inputs, Tensor pixels, int[] cells, int[] labels) {
    public int size() {
        return inputs.dim(0);
    }
}
