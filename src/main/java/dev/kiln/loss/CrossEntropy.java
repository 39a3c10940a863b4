package dev.kiln.loss;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * Categorical cross-entropy from logits, optionally class-weighted: the negative log-likelihood of
 * the targets under a categorical distribution per cell. Logits are [B, C, S] (or [B, C],
 * [B, C, H, W]); targets are {@code int[B·S]}, the target of cell (b, s) at {@code b·S + s}.
 * <pre>
 *   ℓ = log softmax(x) along C
 *   loss(b, s) = −w[t]·ℓ[b, t, s]                                  (t = targets[b·S + s])
 *   L = Σ_(b,s) loss(b, s) / divisor
 *   ∂L/∂x[b, c, s] = w[t]·(softmax(x)[b, c, s] − [c = t]) / divisor
 * </pre>
 * Derivation: ∂ℓ_t/∂x_c = [c = t] − softmax_c (see {@link LogSoftmax}); multiply by −w[t].
 *
 * <p>Unit: nats. {@link Reduction#SUM} gives nats per batch, {@link Reduction#MEAN} nats per cell
 * (per pixel), {@link Reduction#BATCH_MEAN} nats per sample.
 *
 * <p>Weights and MEAN: kiln divides by the number of cells B·S, always, with or without weights.
 * (PyTorch's {@code reduction='mean'} divides by Σ w[t] instead.) Dividing by the cell count keeps
 * MEAN = SUM / (B·S) for every weighting, so changing the weights changes the loss scale the way
 * the weights say and never renormalizes it behind the caller's back, and the three reductions
 * differ only by a constant factor.
 */
public final class CrossEntropy implements ClassLoss {
    /** The name in logs and in {@link dev.kiln.tensor.NonFiniteException} messages. */
    public static final String NAME = "cross_entropy";

    private final Reduction reduction;
    private final float[] weights;       // [C], or null for all ones
    private ClassShape shape;            // B, C, S of the last forward
    private Tensor logp;                 // [B, C, S…], log softmax of the last logits
    private int[] targets;               // [B·S]
    private double divisor;

    /** Unweighted cross-entropy. */
    public CrossEntropy(Reduction reduction) {
        this(reduction, null);
    }

    /** @param classWeights w[C], finite and ≥ 0, or null for all ones; copied */
    public CrossEntropy(Reduction reduction, float[] classWeights) {
        this.reduction = Objects.requireNonNull(reduction, NAME + ": reduction");
        this.weights = ClassShape.checkNonNegative(NAME, "classWeights", classWeights);
    }

    /** L for these logits and targets, reduced as configured; caches what {@link #backward} needs. */
    @Override
    public double forward(Tensor logits, int[] targets) {
        ClassShape s = ClassShape.of(NAME, logits);
        s.requireTargets(NAME, targets);
        s.requireClassVector(NAME, "classWeights", weights);
        Backend be = Backends.current();
        Tensor lp = logits.zerosLike();
        double sum = be.logSoftmaxCrossEntropy(logits.data, targets, weights, s.rows(), s.classes(), s.inner(),
                lp.data);                                      // writes lp = log softmax(logits)
        double div = reduction.divisor(s.rows(), s.cells());
        double loss = Finite.require(NAME, sum / div, "logits", logits.data);
        this.shape = s;
        this.logp = lp;
        this.targets = targets.clone();
        this.divisor = div;
        return loss;
    }

    /** ∂L/∂logits for dL = 1, the shape of the last logits. */
    @Override
    public Tensor backward() {
        if (logp == null) throw new IllegalStateException(NAME + ": backward() before forward()");
        Tensor dx = logp.zerosLike();
        Backends.current().crossEntropyBackward(logp.data, targets, weights, shape.rows(), shape.classes(),
                shape.inner(), (float) (1.0 / divisor), dx.data);
        return dx;
    }

    public Reduction reduction() {
        return reduction;
    }
}
