package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * The elementwise kernels on the device, twins of {@link dev.kiln.kernels.Pointwise}: one work
 * item per element i &lt; n, the operation chosen by {@code op} (one compiled program for all).
 * Each branch is the reference's loop body, line for line, with every float product that is then
 * added to or subtracted from on a statement of its own: OpenCL C may contract a·b + c within
 * one expression into fma(a, b, c), rounded once where Java rounds twice (see
 * {@link OptimizerKernel}; PoCL did so in 9% of SIGMOID_BACK, 28% of TANH_BACK and 29% of AXPY
 * results), and may not contract across statements. So every op is bit-identical to the reference.
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
            if (op == SIGMOID_BACK) {                              // y = σ(x) saved by the forward
                float g = y[i] * (1f - y[i]);
                g = g * dy[i];                                    // (y·(1 − y))·dy
                dx[i] = dx[i] + g;
            }
            if (op == TANH_BACK) {                                 // y = tanh(x) saved by the forward
                float square = y[i] * y[i];
                float g = (1f - square) * dy[i];
                dx[i] = dx[i] + g;
            }
            if (op == AXPY) {
                float ax = alpha * x[i];
                y[i] = y[i] + ax;
            }
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
