package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * The elementwise kernels on the device, twins of {@link dev.kiln.kernels.Pointwise}: one work
 * item per element i &lt; n, the operation chosen by {@code op} (one compiled program for all).
 * Each branch is the reference's loop body, line for line.
 */
final class PointwiseKernel extends Kernel {
    static final int RELU = 0, LEAKY_RELU = 1, SIGMOID = 2, TANH = 3;                  // y = f(x)
    static final int RELU_BACK = 4, LEAKY_RELU_BACK = 5, SIGMOID_BACK = 6, TANH_BACK = 7; // dx += f'·dy
    static final int AXPY = 8, SCALE = 9;                                               // y += αx; x *= α

    float[] x;       // [n] input (SCALE: scaled in place)
    float[] y;       // [n] forward output; the saved output for SIGMOID/TANH_BACK; AXPY's target
    float[] dy;      // [n] upstream gradient
    float[] dx;      // [n] added into by the backward ops
    float alpha;     // leaky slope, or the axpy/scale factor
    int n, op;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < n) {
            // One plain if per op, no ternaries: Aparapi's bytecode decompiler rejects a long
            // else-if chain of conditional expressions ("child list broken").
            if (op == RELU) {
                float v = 0f;
                if (x[i] > 0f) v = x[i];
                y[i] = v;
            }
            if (op == LEAKY_RELU) {
                float v = alpha * x[i];
                if (x[i] > 0f) v = x[i];
                y[i] = v;
            }
            if (op == SIGMOID) y[i] = sigmoid(x[i]);
            if (op == TANH) y[i] = (float) tanh((double) x[i]);
            if (op == RELU_BACK) {
                if (x[i] > 0f) dx[i] = dx[i] + dy[i];             // subgradient 0 at 0
            }
            if (op == LEAKY_RELU_BACK) {
                float g = alpha * dy[i];
                if (x[i] > 0f) g = dy[i];
                dx[i] = dx[i] + g;
            }
            if (op == SIGMOID_BACK) dx[i] = dx[i] + y[i] * (1f - y[i]) * dy[i];   // y = σ(x) saved by the forward
            if (op == TANH_BACK) dx[i] = dx[i] + (1f - y[i] * y[i]) * dy[i];      // y = tanh(x) saved by the forward
            if (op == AXPY) y[i] = y[i] + alpha * x[i];
            if (op == SCALE) x[i] = x[i] * alpha;
        }
    }

    /**
     * σ(x) in double on the branch that never exponentiates a large positive number: with
     * e = exp(−|x|), σ = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x &lt; 0 (the reference's two
     * branches, written without a variable declared inside one: Aparapi loses its scope).
     */
    private float sigmoid(float v) {
        double e = exp(-abs((double) v));
        double s = 1.0 / (1.0 + e);
        if (v < 0f) s = e / (1.0 + e);
        return (float) s;
    }
}
