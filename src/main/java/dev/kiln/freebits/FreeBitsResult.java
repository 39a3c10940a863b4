package dev.kiln.freebits;

/**
 * One application of free bits to a [B, D] matrix of per-element KL.
 *
 * @param mode     which free bits
 * @param lambda   λ, nats per latent dimension
 * @param klRaw    mean of kl over batch and dimensions, nats per dimension
 * @param klAfter  the hinge value (what the trainer puts in the loss, times β), nats per dimension
 * @param gradient ∂kl_after/∂kl[b, j], [B, D]: 1/(B·D) where the element's unit is ≥ λ, 0 where it is below
 * @param batch    B
 * @param dims     D
 */
public record FreeBitsResult(FreeBitsMode mode, double lambda, double klRaw, double klAfter, float[] gradient,
                             int batch, int dims) {

    /** kl_raw, kl_after, penalty reduction and verdict. */
    public FreeBitsDiagnostics diagnostics() {
        return FreeBitsDiagnostics.of(klRaw, klAfter);
    }

    /**
     * The value as the paper defines it: PER_DIM reports Kingma et al.'s floor
     * (1/D) Σ_j max(λ, KL_j) = kl_after + λ; MEAN_OVER_DIMS reports the hinge, kl_after. Same
     * gradient either way.
     */
    public double publishedObjective() {
        return mode == FreeBitsMode.PER_DIM ? klAfter + lambda : klAfter;
    }
}
