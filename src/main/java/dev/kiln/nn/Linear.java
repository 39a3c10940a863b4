package dev.kiln.nn;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.ReusedBuffer;
import dev.kiln.tensor.Tensor;

import java.util.List;

/**
 * Fully connected layer, weight stored as PyTorch does, [out, in].
 * <pre>
 *   forward:   y[b, o] = Σ_i x[b, i]·W[o, i] + bias[o]          y = x·Wᵀ + b
 *   backward:  dW[o, i] += Σ_b dy[b, o]·x[b, i]                 dW += dyᵀ·x
 *              db[o]    += Σ_b dy[b, o]
 *              dx[b, i]  = Σ_o dy[b, o]·W[o, i]                 dx  = dy·W
 * </pre>
 * Derivation: y[b,o] depends on W[o,i] through the single term x[b,i]·W[o,i], so ∂y[b,o]/∂W[o,i] =
 * x[b,i], and summing over the batch gives dW. Likewise ∂y[b,o]/∂x[b,i] = W[o,i] for every o.
 */
public final class Linear implements Layer {
    private final int in;
    private final int out;
    private final Param weight;   // [out, in]
    private final Param bias;     // [out]
    private Tensor x;             // [B, in], saved for dW
    private final ReusedBuffer yBuffer;    // y, written again by every forward
    private final ReusedBuffer dxBuffer;   // dx, written again by every backward

    public Linear(int in, int out, Rng rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear sizes must be positive, got " + in + "→" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = new Param("weight", Tensor.zeros(out, in));
        this.bias = new Param("bias", Tensor.zeros(out));
        Init.kaimingUniform(weight.value.data, in, rng);
        Init.fanInUniformBias(bias.value.data, in, rng);
        this.yBuffer = new ReusedBuffer(describe() + " output");
        this.dxBuffer = new ReusedBuffer(describe() + " input gradient");
    }

    @Override
    public Tensor forward(Tensor x) {
        x.requireShape(describe(), -1, in);
        this.x = x;
        int batch = x.dim(0);
        Tensor y = yBuffer.overwrite(batch, out);                     // every row: the bias, then += x·Wᵀ
        x.requireLive();                                              // x was not this layer's own last output
        for (int b = 0; b < batch; b++) {
            System.arraycopy(bias.value.data, 0, y.data, b * out, out);
        }
        Backends.current().gemm(false, true, batch, out, in, x.data, 0, weight.value.data, 0, y.data, 0, true);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        backwardParams(dy);
        Tensor dx = dxBuffer.overwrite(x.dim(0), in);                 // gemm without accumulate overwrites dx
        Backends.current().gemm(false, false, x.dim(0), in, out, dy.data, 0, weight.value.data, 0, dx.data, 0,
                false);                                                                       // dx = dy·W
        return dx;
    }

    /** dW += dyᵀ·x and db += Σ_b dy, without dx. */
    @Override
    public void backwardParams(Tensor dy) {
        if (x == null) throw new IllegalStateException(describe() + ": backward() before forward()");
        int batch = x.dim(0);
        dy.requireShape(describe() + " backward", batch, out);
        Backend be = Backends.current();
        be.gemm(true, false, out, in, batch, dy.data, 0, x.data, 0, weight.grad, 0, true);   // dW += dyᵀ·x
        be.biasGradient(dy.data, batch, out, 1, bias.grad);                                   // db += Σ_b dy
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    @Override
    public String describe() {
        return "Linear(" + in + "→" + out + ")";
    }
}
