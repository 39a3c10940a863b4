package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * Free bits' two O(B·D) passes on the device, the twins of {@link dev.kiln.backend.Backend#freeBitsUnits}
 * and {@link dev.kiln.backend.Backend#freeBitsMask}. kl and grad are [B, D].
 * <pre>
 *   UNITS  one work item per unit u:  units[u] = (Σ kl over the unit's row or column, ascending) / per
 *          perDim: the unit is dimension j, summed over b;  else: sample b, summed over j
 *   MASK   one work item per element i = b·D + j:  grad[i] = (unit of (b, j) ≥ λ) ? g : 0
 * </pre>
 * The sums are sequential double additions in the reference's order and the division is a double
 * division (correctly rounded in OpenCL C), so the device's units equal the reference's bit for bit;
 * the mask is then a comparison and a copy.
 */
final class FreeBitsKernel extends Kernel {
    static final int UNITS = 0, MASK = 1;

    float[] kl;          // [B, D] UNITS input
    double[] units;      // [D] if perDim, else [B]: UNITS output, MASK input
    float[] grad;        // [B, D] MASK output
    int batch, dims, perDim, op;
    double lambda;
    float g;

    @Override
    public void run() {
        int i = getGlobalId();
        double acc = 0;
        double unit = 0;
        if (op == UNITS) {
            if (perDim == 1 && i < dims) {
                for (int b = 0; b < batch; b++) acc += kl[b * dims + i];
                units[i] = acc / batch;
            } else if (perDim == 0 && i < batch) {
                for (int j = 0; j < dims; j++) acc += kl[i * dims + j];
                units[i] = acc / dims;
            }
        } else if (i < batch * dims) {
            if (perDim == 1) unit = units[i % dims];
            else unit = units[i / dims];
            if (unit >= lambda) grad[i] = g;
            else grad[i] = 0f;
        }
    }
}
