package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * Convolution forward on the device, the twin of {@link dev.kiln.kernels.Conv#forward}: one work
 * item per output element y[b, o, i, j], running the reference's inner loops over (c, p, q).
 * <pre>
 *   y[b,o,i,j] = bias[o] + Σ_{c,p,q} w[o,c,p,q] · x[b, c, i·s − pad + p, j·s − pad + q]
 * </pre>
 * Out-of-range input positions read as zero. Sums in double from the bias in the reference's order
 * and rounds once, so y is bit-identical to the reference (see {@link GemmKernel} for why).
 */
final class ConvForwardKernel extends Kernel {
    float[] x;       // [batch, inC, inH, inW]
    float[] w;       // [outC, inC, kH, kW]
    float[] bias;    // [outC], or a 1-element dummy when hasBias = 0
    float[] y;       // [batch, outC, outH, outW]
    int batch, inC, inH, inW, outC, kH, kW, stride, pad, outH, outW, hasBias;

    @Override
    public void run() {
        int idx = getGlobalId();
        if (idx < batch * outC * outH * outW) {
            int j = idx % outW;                       // idx = ((b·outC + o)·outH + i)·outW + j
            int i = (idx / outW) % outH;
            int o = (idx / (outW * outH)) % outC;
            int b = idx / (outW * outH * outC);
            double acc = 0;                               // in double from the bias, as the reference
            if (hasBias == 1) acc = bias[o];
            for (int c = 0; c < inC; c++) {
                int xPlane = (b * inC + c) * inH;             // row 0 of x[b, c]
                int wPlane = (o * inC + c) * kH;              // row 0 of w[o, c]
                for (int p = 0; p < kH; p++) {
                    int r = i * stride - pad + p;
                    if (r >= 0 && r < inH) {
                        for (int q = 0; q < kW; q++) {
                            int col = j * stride - pad + q;
                            if (col >= 0 && col < inW) {
                                acc += (double) w[(wPlane + p) * kW + q] * x[(xPlane + r) * inW + col];
                            }
                        }
                    }
                }
            }
            y[idx] = (float) acc;
        }
    }
}
