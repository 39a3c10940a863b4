package dev.kiln.kernels.fast;

/**
 * Per-thread scratch buffers that grow to the largest size asked for and are then reused, so a
 * kernel call allocates nothing once the shapes of a training run have been seen. Each use site
 * owns its own {@code Scratch} (two sites never share one), and a buffer is only used inside one
 * task at a time (see {@link Workers}). Contents on return are whatever the last use left.
 */
final class Scratch {
    private final ThreadLocal<float[]> flat = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<double[]> flatDouble = ThreadLocal.withInitial(() -> new double[0]);
    private final ThreadLocal<float[][]> rows = ThreadLocal.withInitial(() -> new float[0][]);

    /** A float array of length ≥ size. */
    float[] floats(int size) {
        float[] a = flat.get();
        if (a.length < size) {
            a = new float[size];
            flat.set(a);
        }
        return a;
    }

    /** A double array of length ≥ size. */
    double[] doubles(int size) {
        double[] a = flatDouble.get();
        if (a.length < size) {
            a = new double[size];
            flatDouble.set(a);
        }
        return a;
    }

    /**
     * At least {@code count} separate row arrays, rows [0, count) each of length ≥ {@code length}.
     * Rows grow one by one, so a tall-narrow use and a short-wide use do not add up to tall-wide.
     */
    float[][] rows(int count, int length) {
        float[][] r = rows.get();
        if (r.length < count) {
            float[][] grown = new float[count][];
            System.arraycopy(r, 0, grown, 0, r.length);
            r = grown;
            rows.set(r);
        }
        for (int i = 0; i < count; i++) {
            if (r[i] == null || r[i].length < length) r[i] = new float[length];
        }
        return r;
    }
}
