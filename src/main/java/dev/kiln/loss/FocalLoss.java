package dev.kiln.loss;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * Focal loss (Lin, Goyal, Girshick, He &amp; Dollár 2017, "Focal Loss for Dense Object Detection"):
 * cross-entropy down-weighted on cells that are already well classified, so that the rare classes
 * (the 7% non-black pixels of an ARC grid) are not drowned by the easy majority. Same layout as
 * {@link CrossEntropy}: logits [B, C, S] (or [B, C], [B, C, H, W]), targets {@code int[B·S]}.
 * <pre>
 *   ℓ = log softmax(x),  p = softmax(x),  for a cell with target t:  q = 1 − p_t
 *   loss(b, s) = −α[t]·q^γ·ℓ_t
 *   ∂loss/∂x_c = α[t]·G·(p_c − [c = t]),   G = q^γ − γ·p_t·q^(γ−1)·ℓ_t
 *   L = Σ_(b,s) loss(b, s) / divisor,   ∂L/∂x = ∂loss/∂x / divisor
 * </pre>
 * The derivation (chain rule through the two factors q^γ and ℓ_t) is written once, in
 * docs/derivations.md §3 "Focal loss".
 * G ≥ q^γ ≥ 0 since ℓ_t ≤ 0, so the gradient points the same way as cross-entropy's, scaled. At
 * γ = 0 and α = 1, G = 1 and the loss and gradient are cross-entropy's, bit for bit. The kernel
 * writes G = q^γ·(1 − γ·p_t·ℓ_t/q), finite for all γ ≥ 0 (see {@link dev.kiln.kernels.FocalKernel}).
 *
 * <p>Unit: nats, weighted by α[t]·q^γ ("focal nats"); per batch, per cell or per sample according
 * to the {@link Reduction}. MEAN divides by the cell count B·S, as {@link CrossEntropy} does.
 */
public final class FocalLoss implements ClassLoss {
    /** The name in logs and in {@link dev.kiln.tensor.NonFiniteException} messages. */
    public static final String NAME = "focal";

    private final Reduction reduction;
    private final float gamma;           // focusing parameter γ ≥ 0
    private final float[] alpha;         // [C], or null for all ones
    private ClassShape shape;            // B, C, S of the last forward
    private Tensor logp;                 // [B, C, S…], log softmax of the last logits
    private int[] targets;               // [B·S]
    private double divisor;

    /**
     * @param gamma the focusing parameter, finite and ≥ 0 (0 is cross-entropy; Lin et al. use 2)
     * @param alpha α[C], finite and ≥ 0, or null for all ones; copied
     */
    public FocalLoss(Reduction reduction, float gamma, float[] alpha) {
        this.reduction = Objects.requireNonNull(reduction, NAME + ": reduction");
        if (!(gamma >= 0f) || !Float.isFinite(gamma)) {
            throw new IllegalArgumentException(NAME + ": gamma = " + gamma + " must be finite and ≥ 0");
        }
        this.gamma = gamma;
        this.alpha = ClassShape.checkNonNegative(NAME, "alpha", alpha);
    }

    /** L for these logits and targets, reduced as configured; caches what {@link #backward} needs. */
    @Override
    public double forward(Tensor logits, int[] targets) {
        ClassShape s = ClassShape.of(NAME, logits);
        s.requireTargets(NAME, targets);
        s.requireClassVector(NAME, "alpha", alpha);
        Backend be = Backends.current();
        Tensor lp = logits.zerosLike();
        be.logSoftmax(logits.data, s.rows(), s.classes(), s.inner(), lp.data);
        double sum = be.focal(lp.data, targets, alpha, gamma, s.rows(), s.classes(), s.inner());
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
        Backends.current().focalBackward(logp.data, targets, alpha, gamma, shape.rows(), shape.classes(),
                shape.inner(), (float) (1.0 / divisor), dx.data);
        return dx;
    }

    public float gamma() {
        return gamma;
    }

    public Reduction reduction() {
        return reduction;
    }
}
