package dev.kiln.nn;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.ConvShape;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.ReusedBuffer;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;

import java.util.List;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library), NCHW, square kernel,
 * zero padding. Weight stored as PyTorch does, [outC, inC, k, k].
 * <pre>
 *   x : [B, inC, H, W]      W : [outC, inC, k, k]      bias : [outC]
 *   y : [B, outC, Ho, Wo],  Ho = ⌊(H + 2·pad − k) / stride⌋ + 1  (likewise Wo)
 *
 *   forward:   y[b,o,i,j]  = bias[o] + Σ_{c,p,q} W[o,c,p,q] · x[b, c, i·stride − pad + p, j·stride − pad + q]
 *   backward:  dW[o,c,p,q] += Σ_{b,i,j} dy[b,o,i,j] · x[b, c, i·stride − pad + p, j·stride − pad + q]
 *              dbias[o]    += Σ_{b,i,j} dy[b,o,i,j]
 *              dx[b,c,r,s]  = Σ_{o,i,j,p,q : i·stride − pad + p = r, j·stride − pad + q = s}
 *                                 dy[b,o,i,j] · W[o,c,p,q]
 * </pre>
 * (x at a position outside [0, H) × [0, W) reads as zero.)
 *
 * <p>Derivation. Write y = Σ over terms t = W[o,c,p,q]·x[b,c,r,s] with r = i·stride − pad + p,
 * s = j·stride − pad + q. L depends on W and x only through y, so by the chain rule
 * ∂L/∂θ = Σ_{b,o,i,j} dy[b,o,i,j]·∂y[b,o,i,j]/∂θ. Each term t is a product of one weight and one
 * input value, so ∂t/∂W[o,c,p,q] = x[b,c,r,s] and ∂t/∂x[b,c,r,s] = W[o,c,p,q]: every term of the
 * forward sum sends dy·x to its weight and dy·W to its input position, which is exactly the two sums
 * above. ∂y[b,o,i,j]/∂bias[o] = 1 gives dbias. The three sums are the kernels
 * {@link Backend#conv2dBackwardWeights} and {@link Backend#conv2dBackwardData}; dx is the transposed
 * convolution of dy (see {@link ConvTranspose2d}).
 */
public final class Conv2d implements Layer {
    private final int inC;
    private final int outC;
    private final int k;
    private final int stride;
    private final int pad;
    private final Param weight;   // [outC, inC, k, k]
    private final Param bias;     // [outC]
    private Tensor x;             // [B, inC, H, W], saved for dW
    private ConvShape shape;      // geometry of the last forward call
    private final ReusedBuffer yBuffer;    // y, written again by every forward
    private final ReusedBuffer dxBuffer;   // dx, written again by every backward

    /**
     * @param inC    input channels
     * @param outC   output channels
     * @param k      kernel height and width
     * @param stride step between output positions, at least 1
     * @param pad    zero rows/columns added on each side, at least 0
     * @param rng    source of the Kaiming-uniform initial weights (fanIn = inC·k·k)
     */
    public Conv2d(int inC, int outC, int k, int stride, int pad, Rng rng) {
        if (inC <= 0 || outC <= 0 || k <= 0) {
            throw new IllegalArgumentException("Conv2d: channels and kernel must be positive, got inC=" + inC
                    + ", outC=" + outC + ", k=" + k);
        }
        if (stride <= 0) throw new IllegalArgumentException("Conv2d: stride must be at least 1, got " + stride);
        if (pad < 0) throw new IllegalArgumentException("Conv2d: pad must be at least 0, got " + pad);
        this.inC = inC;
        this.outC = outC;
        this.k = k;
        this.stride = stride;
        this.pad = pad;
        this.weight = new Param("weight", Tensor.zeros(outC, inC, k, k));
        this.bias = new Param("bias", Tensor.zeros(outC));
        int fanIn = inC * k * k;                      // inputs that reach one output value
        Init.kaimingUniform(weight.value.data, fanIn, rng);
        Init.fanInUniformBias(bias.value.data, fanIn, rng);
        this.yBuffer = new ReusedBuffer(describe() + " output");
        this.dxBuffer = new ReusedBuffer(describe() + " input gradient");
    }

    @Override
    public Tensor forward(Tensor x) {
        x.requireShape(describe(), -1, inC, -1, -1);
        int h = x.dim(2);
        int w = x.dim(3);
        if (h + 2 * pad < k || w + 2 * pad < k) {
            throw new ShapeMismatchException(describe() + ": input " + x.shapeString() + " too small: kernel " + k
                    + " larger than padded input " + (h + 2 * pad) + "x" + (w + 2 * pad));
        }
        this.x = x;
        this.shape = ConvShape.conv(x.dim(0), inC, h, w, outC, k, stride, pad);
        Tensor y = yBuffer.overwrite(shape.batch(), outC, shape.outH(), shape.outW());   // the kernel overwrites y
        x.requireLive();                                              // x was not this layer's own last output
        Backends.current().conv2dForward(shape, x.data, weight.value.data, bias.value.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        backwardParams(dy);
        Tensor dx = dxBuffer.zeroed(x.shape());                                              // the kernel adds into dx
        Backends.current().conv2dBackwardData(shape, dy.data, weight.value.data, dx.data);   // dx = convᵀ(dy)
        return dx;
    }

    /** dW and dbias +=, without dx. */
    @Override
    public void backwardParams(Tensor dy) {
        if (x == null) throw new IllegalStateException(describe() + ": backward called before forward");
        dy.requireShape(describe() + " backward", shape.batch(), outC, shape.outH(), shape.outW());
        Backends.current().conv2dBackwardWeights(shape, x.data, dy.data, weight.grad, bias.grad);   // dW, dbias +=
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
        return "Conv2d(" + inC + "→" + outC + ", k" + k + ", s" + stride + ", p" + pad + ")";
    }
}
