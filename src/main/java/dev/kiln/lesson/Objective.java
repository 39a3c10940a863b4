package dev.kiln.lesson;

import java.util.Locale;

/**
 * What one of the lesson's models is trained to minimise, per image, in nats:
 * <pre>
 *   autoencoder:  L = BCE(x, decoder(μ))                                z = μ, no KL term
 *   VAE(β):       L = BCE(x, decoder(z)) + β·KL(N(μ, σ²) ‖ N(0, I)),   z = μ + σ·ε, ε ~ N(0, I)
 * </pre>
 * BCE is the Bernoulli negative log-likelihood summed over the 784 pixels; KL is summed over the
 * latent dimensions. The autoencoder is the same network as the VAE (same encoder, heads and
 * decoder, {@link dev.kiln.model.Vae}) run with z = μ: its log σ² head gets no gradient and is
 * never read. β = 1 is the VAE of Kingma &amp; Welling; β = 0 samples z but has no KL term, the
 * lesson's "noise alone" negative example.
 *
 * @param sampleZ true to draw z = μ + σ·ε in training (a VAE), false for z = μ (the autoencoder)
 * @param beta    the weight of the KL term, ≥ 0 and finite; 0 for the autoencoder
 */
public record Objective(boolean sampleZ, double beta) {
    public Objective {
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        }
        if (!sampleZ && beta != 0) {
            throw new IllegalArgumentException("beta must be 0 for the autoencoder (sampleZ = false), got " + beta);
        }
    }

    /** The deterministic autoencoder: z = μ, reconstruction only. */
    public static Objective autoencoder() {
        return new Objective(false, 0);
    }

    /** A VAE with KL weight β (β = 1: the standard negative ELBO). */
    public static Objective vae(double beta) {
        return new Objective(true, beta);
    }

    /** True for the autoencoder: no KL is computed, and there is no σ to show. */
    public boolean isAutoencoder() {
        return !sampleZ;
    }

    /** "autoencoder" or "VAE β=0.5". */
    public String describe() {
        return isAutoencoder() ? "autoencoder" : "VAE β=" + showBeta(beta);
    }

    /** β as the lesson writes it: 0, 0.1, 0.5, 1, 2, 5. */
    public static String showBeta(double beta) {
        return beta == Math.rint(beta) ? Long.toString((long) beta) : String.format(Locale.ROOT, "%s", beta);
    }
}
