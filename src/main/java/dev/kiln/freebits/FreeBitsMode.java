package dev.kiln.freebits;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The two things the literature calls "free bits". Both take λ in <b>nats per latent
 * dimension</b>; they differ in what is averaged before the threshold is applied.
 * <pre>
 *   kl : [B, D], per sample b and latent dimension j, nats
 *
 *   PER_DIM         (Kingma et al. 2016, "Improved variational inference with inverse
 *                    autoregressive flow"): average over the batch first, then floor each
 *                    dimension:   KL_j = (1/B) Σ_b kl[b, j];   objective = (1/D) Σ_j max(λ, KL_j)
 *                    A dimension whose batch-averaged KL is below λ gets no gradient at all.
 *
 *   MEAN_OVER_DIMS  (the hinge of seed 003): average over the latent dimensions first, then hinge
 *                    each sample:  m_b = (1/D) Σ_j kl[b, j];     objective = (1/B) Σ_b max(m_b − λ, 0)
 *                    A sample whose mean KL is below λ gets no gradient at all.
 * </pre>
 * Since max(λ, x) = λ + max(x − λ, 0), the per-dim floor is the per-dim hinge plus the constant λ;
 * kiln reports both modes as the hinge (see {@link FreeBits}).
 */
public enum FreeBitsMode {
    PER_DIM,
    MEAN_OVER_DIMS;

    /** The config spelling: {@code per_dim}, {@code mean_over_dims}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the config spelling; the error names the field and the allowed values. */
    public static FreeBitsMode parse(String field, String text) {
        for (FreeBitsMode m : values()) {
            if (m.configName().equals(text)) return m;
        }
        throw new IllegalArgumentException(field + " must be one of " + allowed() + ", got '" + text + "'");
    }

    public static String allowed() {
        return Arrays.stream(values()).map(FreeBitsMode::configName).collect(Collectors.joining(", "));
    }
}
