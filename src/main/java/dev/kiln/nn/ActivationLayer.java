package dev.kiln.nn;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.ReusedBuffer;
import dev.kiln.tensor.Tensor;

/**
 * The shared body of the pointwise activation layers ({@link ReLU}, {@link LeakyReLU},
 * {@link Sigmoid}, {@link Tanh}): y = f(x) elementwise, any shape, and
 * <pre>
 *   dx[i] = f'(x[i]) · dy[i]
 * </pre>
 * because y[i] depends on x[i] alone (∂y[j]/∂x[i] = 0 for j ≠ i, so the Jacobian is diagonal).
 * Forward keeps both x and y: the kernel reads whichever gives f' more cheaply (x for the ReLUs,
 * y for sigmoid and tanh, whose derivatives are polynomials in y).
 */
abstract class ActivationLayer implements Layer {
    private final Activation f;
    private final float alpha;    // leaky slope; ignored by the other functions
    private Tensor x;             // [...], the last input
    private Tensor y;             // [...], f(x)
    private final ReusedBuffer yBuffer;    // y, written again by every forward
    private final ReusedBuffer dxBuffer;   // the input gradient, written again by every backward

    ActivationLayer(Activation f, float alpha) {
        this.f = f;
        this.alpha = alpha;
        this.yBuffer = new ReusedBuffer(f + " output");
        this.dxBuffer = new ReusedBuffer(f + " input gradient");
    }

    @Override
    public final Tensor forward(Tensor x) {
        Tensor y = yBuffer.overwrite(x.shape());                      // the kernel writes every y[i]
        this.x = x;
        this.y = y;
        Backends.current().activationForward(f, alpha, x.data, y.data, x.size());
        return y;
    }

    @Override
    public final Tensor backward(Tensor dy) {
        if (x == null) throw new IllegalStateException(describe() + ": backward called before forward");
        Tensor.requireSameShape(describe() + " backward", dy, y);
        Tensor dx = dxBuffer.zeroed(x.shape());                       // the kernel adds into dx
        Backends.current().activationBackward(f, alpha, x.data, y.data, dy.data, dx.data, x.size());
        return dx;
    }
}
