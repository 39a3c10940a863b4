package dev.kiln.loss;

/**
 * How a loss turns its per-term values into one number. A "term" is one cell (b, s) for the
 * class-axis losses (cross-entropy, focal) and one element for the elementwise losses (BCE, MSE).
 * Each loss's {@code backward()} is the gradient of the reduced value, so it carries the same
 * 1/divisor.
 */
public enum Reduction {
    /** Σ over every term: nats per batch. */
    SUM,
    /** Σ / (number of terms): nats per cell (per pixel for an image decoder). */
    MEAN,
    /** Σ over the non-batch axes, mean over the batch, Σ / B: nats per sample. */
    BATCH_MEAN;

    /**
     * What the sum is divided by.
     *
     * @param batch the batch size B (≥ 1)
     * @param terms the number of terms summed (≥ 1)
     */
    public double divisor(int batch, int terms) {
        return switch (this) {
            case SUM -> 1.0;
            case MEAN -> terms;
            case BATCH_MEAN -> batch;
        };
    }
}
