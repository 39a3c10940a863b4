package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * Convolution backward-weights on the device, the twin of
 * {@link dev.kiln.kernels.Conv#backwardWeights}: one work item per weight dw[o, c, p, q] running
 * the reference's loops over (b, i, j); work items past the weights (gid ≥ wSize) each own one
 * bias gradient dbias[o], o = gid − wSize, when hasBias is set.
 * <pre>
 *   dw[o,c,p,q] += Σ_{b,i,j} dy[b,o,i,j] · x[b, c, i·s − pad + p, j·s − pad + q]
 *   dbias[o]    += Σ_{b,i,j} dy[b,o,i,j]
 * </pre>
 * Sums in double in the reference's order (b, i, j) and rounds once before adding, so dw and
 * dbias are bit-identical to the reference (see {@link GemmKernel} for why).
 */
final class ConvBackwardWeightsKernel extends Kernel {
    float[] x;       // [batch, inC, inH, inW]
    float[] dy;      // [batch, outC, outH, outW]
    float[] dw;      // [outC, inC, kH, kW], added into
    float[] dbias;   // [outC], added into; a 1-element dummy when hasBias = 0
    int batch, inC, inH, inW, outC, kH, kW, stride, pad, outH, outW, hasBias;

    @Override
    public void run() {
        int gid = getGlobalId();
        int wSize = outC * inC * kH * kW;
        if (gid < wSize) {
            int q = gid % kW;                         // gid = ((o·inC + c)·kH + p)·kW + q
            int p = (gid / kW) % kH;
            int c = (gid / (kW * kH)) % inC;
            int o = gid / (kW * kH * inC);
            double acc = 0;                               // in double, as the reference
            for (int b = 0; b < batch; b++) {
                int xPlane = (b * inC + c) * inH;
                int yPlane = (b * outC + o) * outH;
                for (int i = 0; i < outH; i++) {
                    int r = i * stride - pad + p;
                    if (r >= 0 && r < inH) {
                        for (int j = 0; j < outW; j++) {
                            int col = j * stride - pad + q;
                            if (col >= 0 && col < inW) {
                                acc += (double) dy[(yPlane + i) * outW + j] * x[(xPlane + r) * inW + col];
                            }
                        }
                    }
                }
            }
            dw[gid] = dw[gid] + (float) acc;
        } else if (hasBias == 1 && gid < wSize + outC) {
            int o = gid - wSize;
            int plane = outH * outW;
            double acc = 0;                               // in double, as the reference
            for (int b = 0; b < batch; b++) {
                int yPlane = (b * outC + o) * plane;
                for (int t = 0; t < plane; t++) acc += dy[yPlane + t];
            }
            dbias[o] = dbias[o] + (float) acc;
        }
    }
}
