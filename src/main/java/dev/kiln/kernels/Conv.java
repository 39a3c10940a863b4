package dev.kiln.kernels;

/**
 * Scalar reference kernels for a 2-D convolution, NCHW, direct loops (no im2col). The index
 * arithmetic is written out once, here; every faster convolution is tested against these.
 * <pre>
 *   x : [B, Ci, H, W]   w : [Co, Ci, kh, kw]   y : [B, Co, Ho, Wo]
 *   y[b,o,i,j] = bias[o] + Σ_{c,p,q} w[o,c,p,q] · x[b, c, i·s − pad + p, j·s − pad + q]
 * </pre>
 * Out-of-range input positions read as zero (zero padding). The two backward kernels are the
 * same sum read the other way round: each term w·x sends dy·w to x's position and dy·x to w's.
 */
public final class Conv {
    private Conv() {}

    /** y = conv(x, w) + bias; bias may be null. Overwrites y. */
    public static void forward(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int stride,
                               int pad, int outH, int outW, float[] x, float[] w, float[] bias, float[] y) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outC; o++) {
                float bo = bias == null ? 0f : bias[o];
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        double acc = bo;
                        for (int c = 0; c < inC; c++) {
                            int xPlane = (b * inC + c) * inH;          // row 0 of x[b, c]
                            int wPlane = (o * inC + c) * kH;           // row 0 of w[o, c]
                            for (int p = 0; p < kH; p++) {
                                int r = i * stride - pad + p;
                                if (r < 0 || r >= inH) continue;
                                for (int q = 0; q < kW; q++) {
                                    int col = j * stride - pad + q;
                                    if (col < 0 || col >= inW) continue;
                                    acc += (double) w[(wPlane + p) * kW + q] * x[(xPlane + r) * inW + col];
                                }
                            }
                        }
                        y[((b * outC + o) * outH + i) * outW + j] = (float) acc;
                    }
                }
            }
        }
    }

    /** dx[b,c,r,col] += Σ dy[b,o,i,j]·w[o,c,p,q] over the (o,i,j,p,q) that read x[b,c,r,col]. */
    public static void backwardData(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int stride,
                                    int pad, int outH, int outW, float[] dy, float[] w, float[] dx) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outC; o++) {
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        float g = dy[((b * outC + o) * outH + i) * outW + j];
                        if (g == 0f) continue;
                        for (int c = 0; c < inC; c++) {
                            int xPlane = (b * inC + c) * inH;
                            int wPlane = (o * inC + c) * kH;
                            for (int p = 0; p < kH; p++) {
                                int r = i * stride - pad + p;
                                if (r < 0 || r >= inH) continue;
                                for (int q = 0; q < kW; q++) {
                                    int col = j * stride - pad + q;
                                    if (col < 0 || col >= inW) continue;
                                    dx[(xPlane + r) * inW + col] += g * w[(wPlane + p) * kW + q];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** dw[o,c,p,q] += Σ_{b,i,j} dy[b,o,i,j]·x[b,c,i·s−pad+p,j·s−pad+q];  dbias[o] += Σ dy[b,o,·,·]. */
    public static void backwardWeights(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int stride,
                                       int pad, int outH, int outW, float[] x, float[] dy, float[] dw,
                                       float[] dbias) {
        for (int o = 0; o < outC; o++) {
            for (int c = 0; c < inC; c++) {
                for (int p = 0; p < kH; p++) {
                    for (int q = 0; q < kW; q++) {
                        double acc = 0;
                        for (int b = 0; b < batch; b++) {
                            int xPlane = (b * inC + c) * inH;
                            int yPlane = (b * outC + o) * outH;
                            for (int i = 0; i < outH; i++) {
                                int r = i * stride - pad + p;
                                if (r < 0 || r >= inH) continue;
                                for (int j = 0; j < outW; j++) {
                                    int col = j * stride - pad + q;
                                    if (col < 0 || col >= inW) continue;
                                    acc += (double) dy[(yPlane + i) * outW + j] * x[(xPlane + r) * inW + col];
                                }
                            }
                        }
                        dw[((o * inC + c) * kH + p) * kW + q] += (float) acc;
                    }
                }
            }
            if (dbias != null) {
                double acc = 0;
                for (int b = 0; b < batch; b++) {
                    int yPlane = (b * outC + o) * outH * outW;
                    for (int t = 0; t < outH * outW; t++) acc += dy[yPlane + t];
                }
                dbias[o] += (float) acc;
            }
        }
    }
}
