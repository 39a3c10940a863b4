package dev.kiln.loss;

import dev.kiln.backend.Backends;
import dev.kiln.nn.Layer;
import dev.kiln.tensor.Tensor;

/**
 * Log-softmax over the class axis of [B, C, S] (rank 2 and rank 4 accepted, see {@link ClassShape}).
 * <pre>
 *   forward:   ℓ[b, c, s] = x[b, c, s] − lse(b, s),  lse(b, s) = m + log Σ_k exp(x[b, k, s] − m), m = max_k x
 *   backward:  dx[b, c, s] = dy[b, c, s] − softmax(x)[b, c, s]·Σ_k dy[b, k, s]
 * </pre>
 * Derivation: ∂ℓ_k/∂x_c = [k = c] − ∂lse/∂x_c = [k = c] − softmax_c, so
 * dx_c = Σ_k dy_k·([k = c] − softmax_c) = dy_c − softmax_c·Σ_k dy_k, with softmax_c = exp(ℓ_c)
 * recovered from the saved output. Computing x − lse directly (rather than log of a softmax) keeps
 * ℓ finite and exact where the probability underflows.
 */
public final class LogSoftmax implements Layer {
    private ClassShape shape;   // B, C, S of the last input
    private Tensor logY;        // [B, C, S…], the output, saved for backward

    @Override
    public Tensor forward(Tensor x) {
        shape = ClassShape.of(describe(), x);
        logY = x.zerosLike();
        Backends.current().logSoftmax(x.data, shape.rows(), shape.classes(), shape.inner(), logY.data);
        return logY;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor.requireSameShape(describe() + " backward", dy, logY);
        Tensor dx = logY.zerosLike();
        Backends.current().logSoftmaxBackward(logY.data, dy.data, shape.rows(), shape.classes(), shape.inner(),
                dx.data);
        return dx;
    }

    @Override
    public String describe() {
        return "LogSoftmax(class axis)";
    }
}
