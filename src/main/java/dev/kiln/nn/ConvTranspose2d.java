package dev.kiln.nn;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.ConvShape;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.ReusedBuffer;
import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * 2-D transposed convolution ("deconvolution"), NCHW, square kernel, the upsampling layer of a
 * convolutional decoder. Weight stored as PyTorch does, [inC, outC, k, k].
 * <pre>
 *   u : [B, inC, H, W]        W : [inC, outC, k, k]        bias : [outC]
 *   v : [B, outC, Ho, Wo],    Ho = (H − 1)·stride − 2·pad + k + outputPadding   (likewise Wo)
 * </pre>
 *
 * <p><b>The companion convolution.</b> Let C be the ordinary convolution (cross-correlation) with
 * weight W read as [convOutC = inC, convInC = outC, k, k], the same stride and pad, taking an image
 * [B, outC, Ho, Wo] to [B, inC, H, W] (that is {@link ConvShape#transposed}: its x is our output
 * v, the big side; its y is our input u, the small side; outputPadding &lt; stride picks the one Ho
 * among the stride-many sizes that C maps to H). C is linear in its input:
 * <pre>
 *   (C g)[b,o,i,j] = Σ_{c,p,q} W[o,c,p,q] · g[b, c, i·stride − pad + p, j·stride − pad + q]
 * </pre>
 * with o over our inC and c over our outC. The transposed convolution is its adjoint plus a bias:
 * <pre>
 *   forward:   v = Cᵀu + bias,  v[b,c,r,s] = bias[c] + Σ_{o,i,j,p,q : i·stride − pad + p = r,
 *                                                          j·stride − pad + q = s} u[b,o,i,j] · W[o,c,p,q]
 * </pre>
 * i.e. each input value u[b,o,i,j] stamps the kernel slice W[o, :, :, :], scaled by itself, onto
 * the output at offset (i·stride − pad, j·stride − pad); stamps that fall outside the output are
 * cut off. That sum is exactly what {@link Backend#conv2dBackwardData} computes for C (with its dy
 * := u, dx := v), so forward = "fill v with the bias, then add Cᵀu".
 *
 * <p><b>Backward.</b> Given dv = ∂L/∂v : [B, outC, Ho, Wo]:
 * <pre>
 *   du[b,o,i,j]  = Σ_{c,p,q} W[o,c,p,q] · dv[b, c, i·stride − pad + p, j·stride − pad + q]   du = C dv
 *   dW[o,c,p,q] += Σ_{b,i,j} u[b,o,i,j] · dv[b, c, i·stride − pad + p, j·stride − pad + q]
 *   dbias[c]    += Σ_{b,r,s} dv[b,c,r,s]
 * </pre>
 * Derivation. v is linear in u with matrix Cᵀ, so du = (Cᵀ)ᵀ dv = C dv: the plain convolution of dv
 * ({@link Backend#conv2dForward} without bias, x := dv, y := du). For the weight, each forward term
 * u[b,o,i,j]·W[o,c,p,q] lands on v[b,c,r,s] with r = i·stride − pad + p, s = j·stride − pad + q, so its
 * derivative with respect to W[o,c,p,q] is u[b,o,i,j], weighted by dv at the position it landed on;
 * summing over b, i, j gives dW. That is the weight gradient of C with C's input := dv and C's output
 * gradient := u: {@link Backend#conv2dBackwardWeights}(x := dv, dy := u). (Sanity check of the roles:
 * for C, dW[o,c,p,q] = Σ dy_C[b,o,i,j]·x_C[b,c,r,s], where o indexes dy_C's channels, which are our
 * inC, and c indexes x_C's channels, our outC; W's first axis is our inC, so dy_C must be u.) Each
 * bias[c] is added once to every v[b,c,·,·], so dbias[c] is the sum of dv over b and the plane.
 *
 * <p><b>Initialization.</b> Kaiming uniform with fanIn = inC·k²/stride² (at least 1): an output
 * value receives on average (k/stride)² taps from each of the inC input channels, which is the
 * count that the He variance argument needs. (PyTorch computes its fan from the stored weight's
 * second axis, outC·k², which is the fan-out of the transposed layer; kiln uses the layer's real
 * fan-in.) The bias is U(±1/√fanIn) with the same fanIn.
 */
public final class ConvTranspose2d implements Layer {
    private final int inC;
    private final int outC;
    private final int k;
    private final int stride;
    private final int pad;
    private final int outputPadding;
    private final Param weight;   // [inC, outC, k, k]
    private final Param bias;     // [outC]
    private Tensor u;             // [B, inC, H, W], saved for dW
    private ConvShape shape;      // the companion convolution C of the last forward call
    private final ReusedBuffer vBuffer;    // v, written again by every forward
    private final ReusedBuffer duBuffer;   // du, written again by every backward

    /**
     * @param inC           input channels
     * @param outC          output channels
     * @param k             kernel height and width
     * @param stride        upsampling factor, at least 1
     * @param pad           rows/columns cropped from each side of the full output, at least 0
     * @param outputPadding extra rows/columns at the bottom/right of the output, in [0, stride)
     * @param rng           source of the initial weights
     */
    public ConvTranspose2d(int inC, int outC, int k, int stride, int pad, int outputPadding, Rng rng) {
        if (inC <= 0 || outC <= 0 || k <= 0) {
            throw new IllegalArgumentException("ConvTranspose2d: channels and kernel must be positive, got inC="
                    + inC + ", outC=" + outC + ", k=" + k);
        }
        if (stride <= 0) {
            throw new IllegalArgumentException("ConvTranspose2d: stride must be at least 1, got " + stride);
        }
        if (pad < 0) throw new IllegalArgumentException("ConvTranspose2d: pad must be at least 0, got " + pad);
        if (outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("ConvTranspose2d: outputPadding must be in [0, stride) = [0, "
                    + stride + "), got " + outputPadding);
        }
        this.inC = inC;
        this.outC = outC;
        this.k = k;
        this.stride = stride;
        this.pad = pad;
        this.outputPadding = outputPadding;
        this.weight = new Param("weight", Tensor.zeros(inC, outC, k, k));
        this.bias = new Param("bias", Tensor.zeros(outC));
        int fanIn = Math.max(1, (int) Math.round((double) inC * k * k / ((double) stride * stride)));
        Init.kaimingUniform(weight.value.data, fanIn, rng);
        Init.fanInUniformBias(bias.value.data, fanIn, rng);
        this.vBuffer = new ReusedBuffer(describe() + " output");
        this.duBuffer = new ReusedBuffer(describe() + " input gradient");
    }

    /** Ho for an input of height (or width) {@code in}: (in − 1)·stride − 2·pad + k + outputPadding. */
    public int outputSize(int in) {
        return (in - 1) * stride - 2 * pad + k + outputPadding;
    }

    @Override
    public Tensor forward(Tensor u) {
        u.requireShape(describe(), -1, inC, -1, -1);
        int h = u.dim(2);
        int w = u.dim(3);
        if (outputSize(h) <= 0 || outputSize(w) <= 0) {
            throw new ShapeMismatchException(describe() + ": input " + u.shapeString() + " too small: output would be "
                    + outputSize(h) + "x" + outputSize(w) + " (pad " + pad + " crops more than the layer produces)");
        }
        this.u = u;
        this.shape = ConvShape.transposed(u.dim(0), inC, h, w, outC, k, stride, pad, outputPadding);
        int batch = shape.batch();
        int plane = shape.inH() * shape.inW();                   // Ho·Wo, one output channel
        Tensor v = vBuffer.overwrite(batch, outC, shape.inH(), shape.inW());   // every element: bias, then += Cᵀu
        u.requireLive();                                         // u was not this layer's own last output
        for (int b = 0; b < batch; b++) {                        // v = bias, broadcast over b, Ho, Wo
            for (int c = 0; c < outC; c++) {
                int vPlane = (b * outC + c) * plane;
                Arrays.fill(v.data, vPlane, vPlane + plane, bias.value.data[c]);
            }
        }
        Backends.current().conv2dBackwardData(shape, u.data, weight.value.data, v.data);   // v += Cᵀu
        return v;
    }

    @Override
    public Tensor backward(Tensor dv) {
        if (u == null) throw new IllegalStateException(describe() + ": backward called before forward");
        int batch = shape.batch();
        dv.requireShape(describe() + " backward", batch, outC, shape.inH(), shape.inW());
        Backend be = Backends.current();
        be.conv2dBackwardWeights(shape, dv.data, u.data, weight.grad, null);      // dW += (x := dv, dy := u)
        int plane = shape.inH() * shape.inW();
        be.biasGradient(dv.data, batch, outC, plane, bias.grad);                 // dbias[c] += Σ_{b,r,s} dv
        Tensor du = duBuffer.overwrite(u.shape());                                 // conv2dForward overwrites du
        be.conv2dForward(shape, dv.data, weight.value.data, null, du.data);        // du = C dv
        return du;
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
        return "ConvTranspose2d(" + inC + "→" + outC + ", k" + k + ", s" + stride + ", p" + pad
                + ", op" + outputPadding + ")";
    }
}
