package dev.kiln.kernels;

/**
 * Scalar reference GEMM: C[M, N] = op(A)·op(B) (+ C). The algorithmic reference for every faster
 * matrix kernel, kept deliberately plain. Accumulates each dot product in double.
 */
public final class Gemm {
    private Gemm() {}

    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    int ai = aOff + (transA ? p * m + i : i * k + p);   // A stored [K, M] or [M, K]
                    int bi = bOff + (transB ? j * k + p : p * n + j);   // B stored [N, K] or [K, N]
                    acc += (double) a[ai] * b[bi];
                }
                int ci = cOff + i * n + j;
                c[ci] = accumulate ? (float) (c[ci] + acc) : (float) acc;
            }
        }
    }
}
