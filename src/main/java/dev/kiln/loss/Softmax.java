package dev.kiln.loss;

import dev.kiln.backend.Backends;
import dev.kiln.nn.Layer;
import dev.kiln.tensor.Tensor;

/**
 * Softmax over the class axis of [B, C, S] (rank 2 [B, C] and rank 4 [B, C, H, W] are read as
 * S = 1 and S = H·W, see {@link ClassShape}).
 * <pre>
 *   forward:   y[b, c, s] = exp(x[b, c, s] − lse(b, s)),  lse(b, s) = log Σ_k exp(x[b, k, s])
 *   backward:  dx[b, c, s] = y[b, c, s]·(dy[b, c, s] − Σ_k y[b, k, s]·dy[b, k, s])
 * </pre>
 * Derivation: ∂y_k/∂x_c = y_k·([k = c] − y_c) (quotient rule on e^x_k / Σ e^x), so
 * dx_c = Σ_k dy_k·y_k·([k = c] − y_c) = y_c·dy_c − y_c·Σ_k y_k·dy_k. Only y is saved.
 * Each fibre is computed by the max trick and sums to 1 (see {@link dev.kiln.kernels.ClassAxis}).
 */
public final class Softmax implements Layer {
    private ClassShape shape;   // B, C, S of the last input
    private Tensor y;           // [B, C, S…], the output, saved for backward

    @Override
    public Tensor forward(Tensor x) {
        shape = ClassShape.of(describe(), x);
        y = x.zerosLike();
        Backends.current().softmax(x.data, shape.rows(), shape.classes(), shape.inner(), y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor.requireSameShape(describe() + " backward", dy, y);
        Tensor dx = y.zerosLike();
        Backends.current().softmaxBackward(y.data, dy.data, shape.rows(), shape.classes(), shape.inner(), dx.data);
        return dx;
    }

    @Override
    public String describe() {
        return "Softmax(class axis)";
    }
}
