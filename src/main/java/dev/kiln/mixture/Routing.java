package dev.kiln.mixture;

import dev.kiln.backend.Backends;
import dev.kiln.loss.GumbelSoftmax;
import dev.kiln.loss.Softmax;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * How the decoder weights the channels' reconstructions: the routing weights w [B, K] over the
 * open pots, computed from the (kick-biased) logits ỹ at temperature τ. Three modes:
 * <pre>
 *   softmax           w = softmax_A(ỹ/τ)                                 deterministic
 *   gumbel            w = softmax_A((ỹ + g)/τ),  g ~ Gumbel(0, 1)         a relaxed sample
 *   straight_through  w = onehot(argmax_A (ỹ + g)) forward,               an exact sample
 *                     the gumbel gradient backward
 * </pre>
 * softmax_A sets the closed pots' inputs to −∞ before the softmax, so a closed pot has weight
 * exactly 0 and gradient exactly 0 in every mode (the argmax skips it too).
 *
 * <p>Backward of softmax mode: h = ỹ/τ on open pots, so dỹ = (1/τ)·softmaxBackward(w, dw)
 * = (1/τ)·w ⊙ (dw − Σ_k w_k·dw_k) (see {@link Softmax}); the Gumbel modes are
 * {@link GumbelSoftmax}'s (the same formula with the noisy w). Routing is a separate choice from
 * the responsibilities softmax_A(ỹ) that weight the KL and the diagnostics.
 */
public final class Routing {
    private final Softmax softmax = new Softmax();
    private final GumbelSoftmax soft;      // gumbel mode
    private final GumbelSoftmax hard;      // straight-through mode; both draw from the same Rng
    private RoutingMode lastMode;          // the mode of the last forward, for backward
    private float lastTemperature;         // τ of the last forward

    /** @param noise the source of the Gumbel noise (B·K draws per Gumbel forward, none for softmax) */
    public Routing(Rng noise) {
        Objects.requireNonNull(noise, "routing: noise");
        this.soft = new GumbelSoftmax(1f, false, noise);
        this.hard = new GumbelSoftmax(1f, true, noise);
    }

    /**
     * The routing weights, [B, K]: rows sum to 1 over the open pots, closed pots exactly 0.
     *
     * @param logits      ỹ [B, K], the raw logits plus any kick bias
     * @param active      [K], at least one open
     * @param mode        softmax, gumbel or straight_through
     * @param temperature τ, finite and &gt; 0
     */
    public Tensor forward(Tensor logits, boolean[] active, RoutingMode mode, float temperature) {
        logits.requireShape("routing", -1, active.length);
        Pots.requireOpen("routing", active);
        if (!(temperature > 0f) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("routing: temperature = " + temperature + " must be finite and > 0");
        }
        this.lastMode = mode;
        this.lastTemperature = temperature;
        return switch (mode) {
            case SOFTMAX -> softmax.forward(scaledAndMasked(logits, active, temperature));
            case GUMBEL -> {
                soft.setTemperature(temperature);
                yield soft.forward(logits, active);
            }
            case STRAIGHT_THROUGH -> {
                hard.setTemperature(temperature);
                yield hard.forward(logits, active);
            }
        };
    }

    /** ∂L/∂ỹ [B, K] from ∂L/∂w; exactly 0 on closed pots. */
    public Tensor backward(Tensor dWeights) {
        if (lastMode == null) throw new IllegalStateException("routing: backward() before forward()");
        return switch (lastMode) {
            case SOFTMAX -> {
                Tensor dh = softmax.backward(dWeights);
                Backends.current().scale(1f / lastTemperature, dh.data, dh.size());
                yield dh;
            }
            case GUMBEL -> soft.backward(dWeights);
            case STRAIGHT_THROUGH -> hard.backward(dWeights);
        };
    }

    /** h = ỹ/τ on open pots, −∞ on closed ones. */
    private static Tensor scaledAndMasked(Tensor logits, boolean[] active, float temperature) {
        int batch = logits.dim(0), pots = logits.dim(1);
        double invTau = 1.0 / temperature;
        Tensor h = logits.zerosLike();
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pots; k++) {
                int i = b * pots + k;
                h.data[i] = active[k] ? (float) (logits.data[i] * invTau) : Float.NEGATIVE_INFINITY;
            }
        }
        return h;
    }
}
