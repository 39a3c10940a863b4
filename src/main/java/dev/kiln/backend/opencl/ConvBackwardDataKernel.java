package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * Convolution backward-data on the device, the twin of {@link dev.kiln.kernels.Conv#backwardData}.
 * The reference scatters: each dy[b,o,i,j] adds dy·w[o,c,p,q] into x's position
 * (r, col) = (i·s − pad + p, j·s − pad + q). Scattering from parallel work items would race, so
 * here each work item owns one dx[b, c, r, col] and gathers the same terms: for a kernel offset
 * (p, q) the output position that read (r, col) through it is
 * <pre>
 *   i = (r + pad − p) / s,  j = (col + pad − q) / s,   when both divisions are exact and in range
 *   dx[b,c,r,col] += Σ_{o,p,q} dy[b,o,i,j] · w[o,c,p,q]
 * </pre>
 * The set of terms is the reference's, summed in another order, in float.
 */
final class ConvBackwardDataKernel extends Kernel {
    float[] dy;      // [batch, outC, outH, outW]
    float[] w;       // [outC, inC, kH, kW]
    float[] dx;      // [batch, inC, inH, inW], added into
    int batch, inC, inH, inW, outC, kH, kW, stride, pad, outH, outW;

    @Override
    public void run() {
        int idx = getGlobalId();
        if (idx < batch * inC * inH * inW) {
            int col = idx % inW;                      // idx = ((b·inC + c)·inH + r)·inW + col
            int r = (idx / inW) % inH;
            int c = (idx / (inW * inH)) % inC;
            int b = idx / (inW * inH * inC);
            float acc = 0f;
            for (int o = 0; o < outC; o++) {
                int yPlane = (b * outC + o) * outH;           // row 0 of dy[b, o]
                int wPlane = (o * inC + c) * kH;              // row 0 of w[o, c]
                for (int p = 0; p < kH; p++) {
                    int ti = r + pad - p;                     // = i·s when some output row i read row r via p
                    if (ti >= 0 && ti % stride == 0 && ti / stride < outH) {
                        int i = ti / stride;
                        for (int q = 0; q < kW; q++) {
                            int tj = col + pad - q;
                            if (tj >= 0 && tj % stride == 0 && tj / stride < outW) {
                                int j = tj / stride;
                                acc += dy[(yPlane + i) * outW + j] * w[(wPlane + p) * kW + q];
                            }
                        }
                    }
                }
            }
            dx[idx] = dx[idx] + acc;
        }
    }
}
