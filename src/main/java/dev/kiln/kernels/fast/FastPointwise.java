package dev.kiln.kernels.fast;

import dev.kiln.kernels.Pointwise;

/**
 * The activation kernels, cut into fixed chunks of {@link #CHUNK} elements that run in parallel
 * when the array is large. Each element is computed by the same float expression as its scalar
 * reference in {@link Pointwise}, so the results are bit-for-bit the reference's, whatever the
 * chunking or the thread count (the tests check exactly that).
 *
 * <p>The memory-bound kernels (axpy, scale, the reductions, the optimizer steps) are not here:
 * {@code FastCpuBackend} sends them to the scalar reference, where one core already runs at
 * memory speed.
 */
public final class FastPointwise {
    /** Elements per task. */
    static final int CHUNK = 1 << 13;
    /** Work units per element of a compare-and-select (in multiply-add equivalents). */
    private static final int CHEAP = 1;
    /** Work units per element of an exp or tanh. */
    private static final int TRANSCENDENTAL = 16;

    private FastPointwise() {}

    /** y = max(0, x). Reference: {@link Pointwise#reluForward}. */
    public static void reluForward(Workers workers, float[] x, float[] y, int n) {
        chunked(workers, n, CHEAP, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = x[i] > 0f ? x[i] : 0f;
        });
    }

    /** dx += [x > 0]·dy. Reference: {@link Pointwise#reluBackward}. */
    public static void reluBackward(Workers workers, float[] x, float[] dy, float[] dx, int n) {
        chunked(workers, n, CHEAP, (lo, hi) -> {
            for (int i = lo; i < hi; i++) if (x[i] > 0f) dx[i] += dy[i];
        });
    }

    /** y = x or α·x. Reference: {@link Pointwise#leakyReluForward}. */
    public static void leakyReluForward(Workers workers, float alpha, float[] x, float[] y, int n) {
        chunked(workers, n, CHEAP, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = x[i] > 0f ? x[i] : alpha * x[i];
        });
    }

    /** dx += dy or α·dy. Reference: {@link Pointwise#leakyReluBackward}. */
    public static void leakyReluBackward(Workers workers, float alpha, float[] x, float[] dy, float[] dx, int n) {
        chunked(workers, n, CHEAP, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] += x[i] > 0f ? dy[i] : alpha * dy[i];
        });
    }

    /** y = σ(x). Reference: {@link Pointwise#sigmoidForward}. */
    public static void sigmoidForward(Workers workers, float[] x, float[] y, int n) {
        chunked(workers, n, TRANSCENDENTAL, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = Pointwise.sigmoid(x[i]);
        });
    }

    /** dx += y(1 − y)·dy. Reference: {@link Pointwise#sigmoidBackward}. */
    public static void sigmoidBackward(Workers workers, float[] y, float[] dy, float[] dx, int n) {
        chunked(workers, n, CHEAP, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] += y[i] * (1f - y[i]) * dy[i];
        });
    }

    /** y = tanh x. Reference: {@link Pointwise#tanhForward}. */
    public static void tanhForward(Workers workers, float[] x, float[] y, int n) {
        chunked(workers, n, TRANSCENDENTAL, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = (float) Math.tanh(x[i]);
        });
    }

    /** dx += (1 − y²)·dy. Reference: {@link Pointwise#tanhBackward}. */
    public static void tanhBackward(Workers workers, float[] y, float[] dy, float[] dx, int n) {
        chunked(workers, n, CHEAP, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] += (1f - y[i] * y[i]) * dy[i];
        });
    }

    /** The loop body over one chunk [lo, hi). */
    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /** Runs body over [0, n) in chunks [t·CHUNK, (t+1)·CHUNK). */
    static void chunked(Workers workers, int n, int costPerElement, Range body) {
        workers.forEach(Workers.ceilDiv(n, CHUNK), (long) n * costPerElement,
                t -> body.run(t * CHUNK, Math.min(n, (t + 1) * CHUNK)));
    }
}
