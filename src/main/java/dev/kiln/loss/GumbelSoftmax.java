package dev.kiln.loss;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.nn.Layer;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * Gumbel-softmax (Jang, Gu &amp; Poole 2017; Maddison, Mnih &amp; Teh 2017): a differentiable relaxation
 * of drawing one class from softmax(x), over the class axis of [B, C, S] (or [B, C], [B, C, H, W]).
 * <pre>
 *   g[b, c, s] ~ Gumbel(0, 1) from the Rng, one per logit, row-major
 *   h = (x + g)/τ               (h = −∞ for a class the mask forbids)
 *   y = softmax(h) along C
 *   forward returns y (soft), or onehot(argmax_c h) (straight-through)
 *   backward, both modes:  dx = (1/τ)·y ⊙ (dy − Σ_k y_k·dy_k)
 * </pre>
 * Derivation: ∂h/∂x = 1/τ elementwise, then the softmax backward (see {@link Softmax}). The
 * straight-through estimator (Bengio et al. 2013) passes dy, taken with respect to the hard
 * one-hot output, through the soft path as if the forward had returned y. Since argmax of h is an
 * exact draw from softmax(x) (the Gumbel-max trick), the hard forward is an unbiased sample.
 *
 * <p>Mask: {@code allowed[c] = false} sets h = −∞ for class c, so y_c = exp(−∞) = 0 exactly, the
 * class is never the argmax, and its gradient is y_c·(…) = 0 exactly. At least one class must be
 * allowed. Noise is drawn for every logit, masked or not, so the Rng stream (and hence the noise
 * the allowed classes see) does not depend on the mask. This is the "closed pots" mechanism of
 * a mixture curriculum: a pot's channel cannot be routed to until it is unlocked.
 *
 * <p>Temperature: τ &gt; 0 and finite; small τ makes y nearly one-hot with high-variance
 * gradients, large τ makes it nearly uniform. {@link #setTemperature} lets a schedule anneal it.
 */
public final class GumbelSoftmax implements Layer {
    private final boolean straightThrough;
    private final Rng rng;
    private float temperature;           // τ > 0
    private ClassShape shape;            // B, C, S of the last forward
    private Tensor soft;                  // [B, C, S…], y = softmax(h) of the last forward
    private float usedTemperature;        // τ of the last forward (a schedule may change τ before backward)

    /**
     * @param temperature     τ, finite and &gt; 0
     * @param straightThrough if true, the forward returns the one-hot argmax and the backward the
     *                        soft gradient
     * @param rng             the source of the Gumbel noise; each forward draws B·C·S values
     */
    public GumbelSoftmax(float temperature, boolean straightThrough, Rng rng) {
        setTemperature(temperature);
        this.straightThrough = straightThrough;
        this.rng = Objects.requireNonNull(rng, "gumbel_softmax: rng");
    }

    /** Changes τ for the following forward passes (annealing); τ must be finite and &gt; 0. */
    public void setTemperature(float temperature) {
        if (!(temperature > 0f) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("gumbel_softmax: temperature = " + temperature
                    + " must be finite and > 0");
        }
        this.temperature = temperature;
    }

    public float temperature() {
        return temperature;
    }

    public boolean straightThrough() {
        return straightThrough;
    }

    /** A sample with every class allowed. */
    @Override
    public Tensor forward(Tensor logits) {
        return forward(logits, null);
    }

    /** A sample restricted to the allowed classes ({@code allowed} is [C], or null for all). */
    public Tensor forward(Tensor logits, boolean[] allowed) {
        requireMask(ClassShape.of(describe(), logits), allowed);   // refuse before consuming randomness
        Tensor noise = logits.zerosLike();
        for (int i = 0; i < noise.size(); i++) noise.data[i] = (float) rng.nextGumbel();
        return forward(logits, allowed, noise);
    }

    /** As {@link #forward(Tensor, boolean[])} with the given Gumbel noise g (same shape as the logits). */
    public Tensor forward(Tensor logits, boolean[] allowed, Tensor gumbelNoise) {
        ClassShape s = ClassShape.of(describe(), logits);
        Tensor.requireSameShape(describe() + "(logits, noise)", logits, gumbelNoise);
        requireMask(s, allowed);
        int rows = s.rows(), classes = s.classes(), inner = s.inner();
        double invTau = 1.0 / temperature;

        // 1. h = (x + g)/τ, −∞ where masked
        Tensor h = logits.zerosLike();
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < classes; c++) {
                int row = (b * classes + c) * inner;
                boolean open = allowed == null || allowed[c];
                for (int cell = 0; cell < inner; cell++) {
                    int i = row + cell;
                    h.data[i] = open ? (float) ((logits.data[i] + (double) gumbelNoise.data[i]) * invTau)
                                     : Float.NEGATIVE_INFINITY;
                }
            }
        }
        // 2. y = softmax(h)
        Backend be = Backends.current();
        Tensor y = logits.zerosLike();
        be.softmax(h.data, rows, classes, inner, y.data);
        this.shape = s;
        this.soft = y;
        this.usedTemperature = temperature;
        if (!straightThrough) return y.copy();

        // 3. straight-through: the one-hot of argmax_c h per cell (first index on ties)
        Tensor hard = logits.zerosLike();
        for (int b = 0; b < rows; b++) {
            for (int cell = 0; cell < inner; cell++) {
                int base = b * classes * inner + cell;
                int best = -1;
                for (int c = 0; c < classes; c++) {
                    if (allowed != null && !allowed[c]) continue;
                    if (best < 0 || h.data[base + c * inner] > h.data[base + best * inner]) best = c;
                }
                hard.data[base + best * inner] = 1f;
            }
        }
        return hard;
    }

    /** dx = (1/τ)·y ⊙ (dy − Σ_k y_k·dy_k), the soft-path gradient in both modes. */
    @Override
    public Tensor backward(Tensor dy) {
        if (soft == null) throw new IllegalStateException(describe() + ": backward() before forward()");
        Tensor.requireSameShape(describe() + " backward", dy, soft);
        Backend be = Backends.current();
        Tensor dh = soft.zerosLike();
        be.axpy(1f / usedTemperature, dy.data, dh.data, dh.size());     // dy/τ: softmax backward is linear in dy
        Tensor dx = soft.zerosLike();
        be.softmaxBackward(soft.data, dh.data, shape.rows(), shape.classes(), shape.inner(), dx.data);
        return dx;
    }

    /** The soft sample y of the last forward (a copy), also in straight-through mode. */
    public Tensor lastSoft() {
        if (soft == null) throw new IllegalStateException(describe() + ": lastSoft() before forward()");
        return soft.copy();
    }

    @Override
    public String describe() {
        return "GumbelSoftmax(τ=" + temperature + (straightThrough ? ", straight-through)" : ")");
    }

    private void requireMask(ClassShape s, boolean[] allowed) {
        if (allowed == null) return;
        if (allowed.length != s.classes()) {
            throw new ShapeMismatchException(describe() + ": mask has length " + allowed.length
                    + ", expected C = " + s.classes());
        }
        for (boolean open : allowed) {
            if (open) return;
        }
        throw new IllegalArgumentException(describe() + ": the mask allows no class; at least one must be open");
    }
}
