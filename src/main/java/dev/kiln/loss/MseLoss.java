package dev.kiln.loss;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * Half squared error, the negative log-likelihood of the targets under a Gaussian with mean x
 * and unit variance, dropping the constant ½·log 2π per element. Predictions and targets have
 * the same shape, any rank.
 * <pre>
 *   d_i = x_i − t_i
 *   loss_i = ½·d_i²
 *   ∂loss_i/∂x_i = d_i
 *   L = Σ_i loss_i / divisor
 * </pre>
 * The ½ is what makes this a log-likelihood (−log N(t; x, 1) = ½(t − x)² + ½·log 2π) and the
 * gradient exactly d. Note: PyTorch's {@code MSELoss} has no ½, so its values are twice these.
 *
 * <p>Unit: nats up to the constant ½·log 2π ≈ 0.919 per element. {@link Reduction#SUM} per batch,
 * {@link Reduction#MEAN} per element, {@link Reduction#BATCH_MEAN} per sample.
 */
public final class MseLoss {
    /** The name in logs and in {@link dev.kiln.tensor.NonFiniteException} messages. */
    public static final String NAME = "mse";

    private final Reduction reduction;
    private Tensor diff;                 // d = x − t, same shape as the predictions
    private double divisor;

    public MseLoss(Reduction reduction) {
        this.reduction = Objects.requireNonNull(reduction, NAME + ": reduction");
    }

    /** L for these predictions and targets (same shape); caches d = x − t for backward. */
    public double forward(Tensor predictions, Tensor targets) {
        Tensor.requireSameShape(NAME + "(predictions, targets)", predictions, targets);
        if (predictions.rank() == 0 || predictions.size() == 0) {
            throw new IllegalArgumentException(NAME + ": predictions of shape " + predictions.shapeString()
                    + " are empty");
        }
        int n = predictions.size();
        Backend be = Backends.current();
        Tensor d = predictions.copy();
        be.axpy(-1f, targets.data, d.data, n);                        // d = x − t
        double div = reduction.divisor(predictions.dim(0), n);
        double loss = Finite.require(NAME, 0.5 * be.sumSquares(d.data, n) / div,
                "predictions", predictions.data, "targets", targets.data);
        this.diff = d;
        this.divisor = div;
        return loss;
    }

    /** ∂L/∂predictions = (x − t)/divisor for dL = 1. */
    public Tensor backward() {
        if (diff == null) throw new IllegalStateException(NAME + ": backward() before forward()");
        Tensor dx = diff.zerosLike();
        Backends.current().axpy((float) (1.0 / divisor), diff.data, dx.data, dx.size());
        return dx;
    }

    public Reduction reduction() {
        return reduction;
    }
}
