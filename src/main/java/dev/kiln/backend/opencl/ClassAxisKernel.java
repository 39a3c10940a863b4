package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * The class-axis kernels on the device, twins of {@link dev.kiln.kernels.ClassAxis}: one work item
 * per fibre (b, s) of a [rows, classes, inner] array, whose classes sit at
 * {@code base + c·inner} with base = b·classes·inner + s. Math in double, as in the reference:
 * <pre>
 *   lse            = m + log Σ_c exp(x_c − m),  m = max_c x_c   (−∞ when the fibre is all −∞)
 *   LOG_SUM_EXP    out[b·inner + s] = lse
 *   SOFTMAX        y_c = exp(x_c − lse)
 *   LOG_SOFTMAX    y_c = x_c − lse
 *   SOFTMAX_BACK   dx_c += y_c·(dy_c − Σ_k y_k·dy_k)
 *   LOG_SOFTMAX_BACK dx_c += dy_c − exp(ℓ_c)·Σ_k dy_k           (x holds ℓ, the log-softmax)
 * </pre>
 */
final class ClassAxisKernel extends Kernel {
    static final int LOG_SUM_EXP = 0, SOFTMAX = 1, LOG_SOFTMAX = 2, SOFTMAX_BACK = 3, LOG_SOFTMAX_BACK = 4;

    float[] x;       // [rows, classes, inner]: logits; softmax output y for SOFTMAX_BACK; ℓ for LOG_SOFTMAX_BACK
    float[] y;       // [rows, classes, inner] forward output, or [rows, inner] for LOG_SUM_EXP
    float[] dy;      // [rows, classes, inner] upstream gradient
    float[] dx;      // [rows, classes, inner], added into
    int rows, classes, inner, op;

    @Override
    public void run() {
        int cell = getGlobalId();                 // cell = b·inner + s
        if (cell < rows * inner) {
            int b = cell / inner;
            int s = cell % inner;
            int base = b * classes * inner + s;
            if (op == SOFTMAX_BACK) {
                double dot = 0;                           // Σ_k y·dy over the fibre
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    dot += (double) x[i] * dy[i];
                }
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    dx[i] = dx[i] + (float) (x[i] * (dy[i] - dot));
                }
            } else if (op == LOG_SOFTMAX_BACK) {
                double total = 0;                         // Σ_k dy over the fibre
                for (int c = 0; c < classes; c++) total += dy[base + c * inner];
                for (int c = 0; c < classes; c++) {
                    int i = base + c * inner;
                    dx[i] = dx[i] + (float) (dy[i] - exp((double) x[i]) * total);
                }
            } else {
                double lse = fibreLogSumExp(base);
                if (op == LOG_SUM_EXP) {
                    y[cell] = (float) lse;
                } else {
                    for (int c = 0; c < classes; c++) {
                        int i = base + c * inner;
                        if (op == SOFTMAX) y[i] = (float) exp(x[i] - lse);
                        else y[i] = (float) (x[i] - lse);
                    }
                }
            }
        }
    }

    /** log Σ_c exp(x[base + c·inner]) by the max trick; m itself (−∞) when every class is −∞. */
    private double fibreLogSumExp(int base) {
        double m = x[base];
        for (int c = 1; c < classes; c++) m = max(m, (double) x[base + c * inner]);
        double lse = m;
        if (m >= -Float.MAX_VALUE) {                      // not all masked
            double acc = 0;
            for (int c = 0; c < classes; c++) acc += exp(x[base + c * inner] - m);
            lse = m + log(acc);
        }
        return lse;
    }
}
