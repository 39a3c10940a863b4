package dev.kiln.anneal;

/**
 * What a {@link BetaController} is driven by: the metrics measured over the last step or
 * evaluation. A field that was not measured is NaN; a controller that needs it refuses NaN.
 *
 * @param klPerDim       KL(q(z|x) ‖ p(z)) in nats per latent dimension, averaged over the batch
 *                       (the monitors' "KL/dim"; the PI controller's input)
 * @param reconstruction the reconstruction loss, in whatever unit the GECO target was given in
 *                       (the GECO controller's input)
 */
public record Metrics(double klPerDim, double reconstruction) {

    /** Only the KL was measured. */
    public static Metrics kl(double klPerDim) {
        return new Metrics(klPerDim, Double.NaN);
    }

    /** Only the reconstruction loss was measured. */
    public static Metrics reconstruction(double reconstruction) {
        return new Metrics(Double.NaN, reconstruction);
    }
}
