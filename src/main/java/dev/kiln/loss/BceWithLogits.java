package dev.kiln.loss;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * Binary cross-entropy on logits: the negative log-likelihood of targets t ∈ [0, 1] under
 * independent Bernoullis with p = σ(x), one per element (a pixel intensity of a binarized or
 * [0, 1]-scaled image). Logits and targets have the same shape, any rank.
 * <pre>
 *   loss_i = −t_i·log σ(x_i) − (1 − t_i)·log(1 − σ(x_i))
 *          = max(x_i, 0) − x_i·t_i + log(1 + e^(−|x_i|))            (stable form, see below)
 *   ∂loss_i/∂x_i = σ(x_i) − t_i
 *   L = Σ_i loss_i / divisor
 * </pre>
 * Derivation: log σ(x) = −log(1 + e^(−x)) and log(1 − σ(x)) = −x − log(1 + e^(−x)), so
 * loss = (1 − t)·x + log(1 + e^(−x)), whose derivative is (1 − t) − e^(−x)/(1 + e^(−x)) = σ(x) − t.
 * For x &lt; 0, log(1 + e^(−x)) = −x + log(1 + e^x), which gives the max/|x| form: the exponent is
 * never positive, so the loss is finite and exact at x = ±100 (σ would round to 0 or 1 and
 * log σ to −∞). For fractional t the minimum is not 0 but the Bernoulli entropy of t.
 *
 * <p>Unit: nats. {@link Reduction#SUM} per batch, {@link Reduction#MEAN} per element (per pixel),
 * {@link Reduction#BATCH_MEAN} per sample (summed over all non-batch axes).
 */
public final class BceWithLogits {
    /** The name in logs and in {@link NonFiniteException} messages. */
    public static final String NAME = "bce_with_logits";

    private final Reduction reduction;
    private Tensor logits;               // same shape as the targets, saved for backward
    private Tensor targets;
    private double divisor;

    public BceWithLogits(Reduction reduction) {
        this.reduction = Objects.requireNonNull(reduction, NAME + ": reduction");
    }

    /** L for these logits and targets (same shape, targets in [0, 1]); caches what backward needs. */
    public double forward(Tensor logits, Tensor targets) {
        Tensor.requireSameShape(NAME + "(logits, targets)", logits, targets);
        if (logits.rank() == 0 || logits.size() == 0) {
            throw new IllegalArgumentException(NAME + ": logits of shape " + logits.shapeString() + " are empty");
        }
        requireProbabilities(targets.data);
        int n = logits.size();
        Backend be = Backends.current();
        double div = reduction.divisor(logits.dim(0), n);
        double loss = Finite.require(NAME, be.bceWithLogits(logits.data, targets.data, n) / div, "logits", logits.data);
        this.logits = logits;
        this.targets = targets;
        this.divisor = div;
        return loss;
    }

    /** ∂L/∂logits = (σ(x) − t)/divisor for dL = 1, the shape of the last logits. */
    public Tensor backward() {
        if (logits == null) throw new IllegalStateException(NAME + ": backward() before forward()");
        Tensor dx = logits.zerosLike();
        Backends.current().bceWithLogitsBackward(logits.data, targets.data, logits.size(), (float) (1.0 / divisor),
                dx.data);
        return dx;
    }

    public Reduction reduction() {
        return reduction;
    }

    /** A NaN/Inf target is a non-finite input (named); a finite one outside [0, 1] is a wrong argument. */
    private static void requireProbabilities(float[] t) {
        for (int i = 0; i < t.length; i++) {
            if (!Float.isFinite(t[i])) {
                throw new NonFiniteException(NAME + ": targets[" + i + "] is " + t[i]);
            }
            if (t[i] < 0f || t[i] > 1f) {
                throw new IllegalArgumentException(NAME + ": targets[" + i + "] = " + t[i]
                        + " is not a probability in [0, 1]");
            }
        }
    }
}
