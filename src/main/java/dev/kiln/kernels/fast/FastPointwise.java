package dev.kiln.kernels.fast;

import dev.kiln.kernels.Pointwise;

/**
 * The elementwise kernels (activations forward and backward, axpy, scale), cut into fixed chunks
 * of {@link #CHUNK} elements that run in parallel when the array is large. Each element is
 * computed by the same float expression as its scalar reference in {@link Pointwise}, so the
 * results are bit-for-bit the reference's, whatever the chunking, the thread count or the path
 * (the tests check exactly that).
 *
 * <p>Two paths per kernel, chosen by {@link Workers#vector()}: the Vector API loop in
 * {@link VectorPointwise}, and its scalar twin here (the {@code …Scalar} methods: the reference's
 * loop over one chunk, which also finishes the Vector loop's tail). Why a Vector path at all:
 * HotSpot C2 (JDK 17) does not vectorize a loop whose body selects between two floats
 * ({@code x > 0 ? x : α·x}, {@code if (x > 0) dx += dy}); it runs one element at a time. The
 * Vector API writes the same selection as a lane mask, {@code compare(GT, 0)}, and a
 * {@code blend}, which keeps the reference's result in every case: −0 (not a max/min trick, which
 * would change its sign), NaN (not > 0, so the α·x branch, as in the reference), ±∞, subnormals.
 *
 * <p>σ and tanh forward stay scalar (they call {@link Math#exp} and {@link Math#tanh} in double;
 * a vector exp would not give the same bits).
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
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.reluForward(x, y, lo, hi); else reluForwardScalar(x, y, lo, hi);
        });
    }

    /** dx += [x > 0]·dy. Reference: {@link Pointwise#reluBackward}. */
    public static void reluBackward(Workers workers, float[] x, float[] dy, float[] dx, int n) {
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.reluBackward(x, dy, dx, lo, hi); else reluBackwardScalar(x, dy, dx, lo, hi);
        });
    }

    /** y = x or α·x. Reference: {@link Pointwise#leakyReluForward}. */
    public static void leakyReluForward(Workers workers, float alpha, float[] x, float[] y, int n) {
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.leakyReluForward(alpha, x, y, lo, hi);
            else leakyReluForwardScalar(alpha, x, y, lo, hi);
        });
    }

    /** dx += dy or α·dy. Reference: {@link Pointwise#leakyReluBackward}. */
    public static void leakyReluBackward(Workers workers, float alpha, float[] x, float[] dy, float[] dx, int n) {
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.leakyReluBackward(alpha, x, dy, dx, lo, hi);
            else leakyReluBackwardScalar(alpha, x, dy, dx, lo, hi);
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
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.sigmoidBackward(y, dy, dx, lo, hi); else sigmoidBackwardScalar(y, dy, dx, lo, hi);
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
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.tanhBackward(y, dy, dx, lo, hi); else tanhBackwardScalar(y, dy, dx, lo, hi);
        });
    }

    /** y += α·x. Reference: {@link Pointwise#axpy}. */
    public static void axpy(Workers workers, float alpha, float[] x, float[] y, int n) {
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.axpy(alpha, x, y, lo, hi); else axpyScalar(alpha, x, y, lo, hi);
        });
    }

    /** x *= α. Reference: {@link Pointwise#scale}. */
    public static void scale(Workers workers, float alpha, float[] x, int n) {
        boolean vector = workers.vector();
        chunked(workers, n, CHEAP, (lo, hi) -> {
            if (vector) VectorPointwise.scale(alpha, x, lo, hi); else scaleScalar(alpha, x, lo, hi);
        });
    }

    // ---------------------------------------------------------------- the scalar twins, over [lo, hi)

    static void reluForwardScalar(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) y[i] = x[i] > 0f ? x[i] : 0f;
    }

    static void reluBackwardScalar(float[] x, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) if (x[i] > 0f) dx[i] += dy[i];
    }

    static void leakyReluForwardScalar(float alpha, float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) y[i] = x[i] > 0f ? x[i] : alpha * x[i];
    }

    static void leakyReluBackwardScalar(float alpha, float[] x, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) dx[i] += x[i] > 0f ? dy[i] : alpha * dy[i];
    }

    static void sigmoidBackwardScalar(float[] y, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) dx[i] += y[i] * (1f - y[i]) * dy[i];
    }

    static void tanhBackwardScalar(float[] y, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) dx[i] += (1f - y[i] * y[i]) * dy[i];
    }

    static void axpyScalar(float alpha, float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) y[i] += alpha * x[i];
    }

    static void scaleScalar(float alpha, float[] x, int lo, int hi) {
        for (int i = lo; i < hi; i++) x[i] *= alpha;
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
