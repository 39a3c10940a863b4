package dev.kiln.backend.opencl;

import com.aparapi.Kernel;

/**
 * Tiled GEMM on the device, the twin of {@link dev.kiln.kernels.Gemm}: C[M, N] = op(A)·op(B) (+ C).
 * <pre>
 *   work item (j, i) = one element C[i, j];  work group = one TILE × TILE block of C
 *   for each k-tile t:  the group loads A[i-block, t-tile] and B[t-tile, j-block] into local
 *                       memory (one element per item), waits, and each item adds its row × column
 *                       of the two tiles; waits again before the next tile overwrites them
 * </pre>
 * Each element of A and B is read from global memory once per tile instead of once per product:
 * TILE times less traffic than the naive loop. Items outside [M, N] (the grid is rounded up to
 * whole tiles) load zeros and store nothing; a k-tile past K loads zeros, which add nothing.
 * Sums each dot product in double, in the order p = 0 … K−1, and rounds once to float: exactly the
 * reference's arithmetic, so the result is bit-identical to it. A float product is exact in double
 * (24 + 24 ≤ 53 bits), so a compiler's contraction of acc + a·b into an fma rounds the same way.
 * A float accumulator (the first version) was within Higham's bound, but its rounding in the ARC
 * model's dense layer (K = 4096) drifted a 2-epoch weighted-CE run by 1e-3 in KL from the
 * reference (docs/opencl-measured.md); the double sum's cost on PoCL is measured there.
 */
final class GemmKernel extends Kernel {
    static final int TILE = 16;

    @Local final float[] tileA = new float[TILE * TILE];   // [TILE rows of op(A), TILE k]
    @Local final float[] tileB = new float[TILE * TILE];   // [TILE k, TILE columns of op(B)]

    float[] a;      // [M, K], or [K, M] if transA, from aOff
    float[] b;      // [K, N], or [N, K] if transB, from bOff
    float[] c;      // [M, N] from cOff
    int m, n, k, aOff, bOff, cOff;
    int transA, transB, accumulate;   // 0 or 1

    @Override
    public void run() {
        int j = getGlobalId(0);            // column of C
        int i = getGlobalId(1);            // row of C
        int lj = getLocalId(0);
        int li = getLocalId(1);
        double acc = 0;                    // Σ_p in double, as the reference
        for (int t = 0; t < k; t += TILE) {
            int pa = t + lj;                          // k index this item loads for A
            float av = 0f;
            if (i < m && pa < k) {
                if (transA == 1) av = a[aOff + pa * m + i];
                else av = a[aOff + i * k + pa];
            }
            tileA[li * TILE + lj] = av;
            int pb = t + li;                          // k index this item loads for B
            float bv = 0f;
            if (j < n && pb < k) {
                if (transB == 1) bv = b[bOff + j * k + pb];
                else bv = b[bOff + pb * n + j];
            }
            tileB[li * TILE + lj] = bv;
            localBarrier();
            for (int p = 0; p < TILE; p++) acc += (double) tileA[li * TILE + p] * tileB[p * TILE + lj];
            localBarrier();
        }
        if (i < m && j < n) {
            int ci = cOff + i * n + j;
            if (accumulate == 1) c[ci] = (float) (c[ci] + acc);
            else c[ci] = (float) acc;
        }
    }
}
