package dev.kiln.tensor;

/**
 * One array that its owner (a layer) fills again on every call instead of allocating a fresh one:
 * a layer's output, or the input gradient that its backward returns. Each {@link #overwrite} or
 * {@link #zeroed} hands out a new {@link Tensor} over the same array and makes every tensor handed
 * out before it (and every {@link Tensor#reshape view} of one) stale: its shape methods
 * ({@code shape, rank, dim, size, reshape, copy, zerosLike, requireShape, requireSameShape}) throw
 * a {@link StaleTensorException} naming the owner, so a caller that keeps a result past the owner's
 * next call fails loudly instead of reading the next call's values. (A caller that reads
 * {@link Tensor#data} alone is not caught; {@link Tensor#copy} what you keep.)
 *
 * <p>Why: the ARC conv VAE at batch 128 allocated about 62 MiB of fresh layer outputs and
 * gradients per step, each a humongous G1 object that the JVM zeroes (and the OS faults in) before
 * the kernel overwrites it. The array is kept while the shape's size stays the same and replaced
 * when it changes (a last partial batch, an evaluation batch of another size).
 *
 * <p><b>Checked mode</b> (the default when assertions are on, as under Surefire; off in the launcher
 * and the benchmarks): no array is reused. Each hand-out fills the previous array with NaN and
 * takes a new one, NaN-filled for {@link #overwrite} and zero for {@link #zeroed}. A caller that
 * reads a stale tensor's {@code data} then reads NaN, and a layer whose kernel leaves an element of
 * an "overwritten" output unwritten leaves a NaN: both fail the test loudly instead of passing on
 * the previous call's values.
 */
public final class ReusedBuffer {
    /** Whether {@link #ReusedBuffer(String)} builds checked buffers: the JVM's assertion flag for this class. */
    static final boolean CHECKED_BY_DEFAULT = ReusedBuffer.class.desiredAssertionStatus();

    private final String owner;     // e.g. "Conv2d(1→32, k3, s1, p1) output", for the messages
    private final boolean checked;  // poison and replace instead of reuse (see the class comment)
    private float[] data = new float[0];
    private int generation;         // counts hand-outs; a tensor is live while it holds the latest

    /** A buffer that reuses its array, or is checked when assertions are on. */
    public ReusedBuffer(String owner) {
        this(owner, CHECKED_BY_DEFAULT);
    }

    /**
     * @param owner   what the buffer holds, named in the stale-tensor message
     * @param checked poison each array when the next hand-out replaces it, instead of reusing it
     */
    public ReusedBuffer(String owner, boolean checked) {
        this.owner = owner;
        this.checked = checked;
    }

    /**
     * A tensor of {@code shape} over the kept array, holding whatever the last call left there
     * (NaN in checked mode): for a caller that writes every element.
     */
    public Tensor overwrite(int... shape) {
        return handOut(shape, false);
    }

    /** As {@link #overwrite}, all zeros: for a kernel that adds into its output. */
    public Tensor zeroed(int... shape) {
        return handOut(shape, true);
    }

    private Tensor handOut(int[] shape, boolean zero) {
        int n = Tensor.checkedSize(shape);
        if (checked) {
            java.util.Arrays.fill(data, Float.NaN);                 // the previous hand-out, now stale
            data = new float[n];                                    // zeros
            if (!zero) java.util.Arrays.fill(data, Float.NaN);      // what an unwritten element will show
        } else if (data.length != n) {
            data = new float[n];                                    // zeros
        } else if (zero) {
            java.util.Arrays.fill(data, 0f);
        }
        generation++;
        return new Tensor(data, shape.clone(), this, generation);
    }

    /** Throws unless {@code handedOut} is the latest generation. */
    void requireLive(int handedOut, Tensor t) {
        if (handedOut != generation) {
            throw new StaleTensorException("tensor " + t.shapeString() + " (" + owner + ") was overwritten by a later"
                    + " call of its layer (" + (generation - handedOut) + " since): a layer's output is valid until its"
                    + " next forward, its input gradient until its next backward; copy() what you keep");
        }
    }
}
