package dev.kiln.backend;

/**
 * The geometry of one 2-D convolution, NCHW, as the forward convolution sees it:
 * <pre>
 *   x : [batch, inC,  inH,  inW ]
 *   w : [outC,  inC,  kH,   kW  ]
 *   y : [batch, outC, outH, outW],  outH = (inH + 2·pad − kH) / stride + 1 (likewise outW)
 * </pre>
 * A transposed convolution is the adjoint of a convolution, so it is described by the geometry of
 * the convolution it transposes: its input is that convolution's {@code y}, its output that
 * convolution's {@code x} (see {@link #transposed}).
 */
public record ConvShape(int batch, int inC, int inH, int inW, int outC, int kH, int kW,
                        int stride, int pad, int outH, int outW) {

    public ConvShape {
        if (batch < 0 || inC <= 0 || inH <= 0 || inW <= 0 || outC <= 0 || kH <= 0 || kW <= 0
                || stride <= 0 || pad < 0 || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("invalid convolution geometry: " + this);
        }
    }

    /** The geometry of a convolution with a square kernel, output size derived. */
    public static ConvShape conv(int batch, int inC, int inH, int inW, int outC, int k, int stride, int pad) {
        int outH = (inH + 2 * pad - k) / stride + 1;
        int outW = (inW + 2 * pad - k) / stride + 1;
        if (inH + 2 * pad < k || inW + 2 * pad < k) {
            throw new IllegalArgumentException("kernel " + k + " larger than padded input " + inH + "x" + inW
                    + " (pad " + pad + ")");
        }
        return new ConvShape(batch, inC, inH, inW, outC, k, k, stride, pad, outH, outW);
    }

    /**
     * The geometry of the convolution whose adjoint is a transposed convolution taking
     * {@code [batch, tInC, tInH, tInW]} to {@code [batch, tOutC, tOutH, tOutW]} with
     * {@code tOutH = (tInH − 1)·stride − 2·pad + k + outputPadding}.
     */
    public static ConvShape transposed(int batch, int tInC, int tInH, int tInW, int tOutC, int k, int stride,
                                       int pad, int outputPadding) {
        if (outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("outputPadding must be in [0, stride), got " + outputPadding);
        }
        int tOutH = (tInH - 1) * stride - 2 * pad + k + outputPadding;
        int tOutW = (tInW - 1) * stride - 2 * pad + k + outputPadding;
        return new ConvShape(batch, tOutC, tOutH, tOutW, tInC, k, k, stride, pad, tInH, tInW);
    }

    public int xSize() { return batch * inC * inH * inW; }

    public int ySize() { return batch * outC * outH * outW; }

    public int wSize() { return outC * inC * kH * kW; }
}
