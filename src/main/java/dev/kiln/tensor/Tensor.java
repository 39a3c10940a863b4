package dev.kiln.tensor;

import java.util.Arrays;

/**
 * A flat, row-major {@code float[]} with a shape. Nothing more: no strides, no views beyond
 * {@link #reshape}, no autograd. Layers read and write {@link #data} directly with explicit index
 * arithmetic, as in llm.c.
 *
 * <p>Shape conventions used across kiln: dense activations are {@code [B, F]}; images are NCHW,
 * {@code [B, C, H, W]}; per-class logits are {@code [B, C, S]} (S = H·W spatial cells, 1 for MLPs).
 */
public final class Tensor {
    /** The values, row-major. Length is the product of the shape. */
    public final float[] data;
    private final int[] shape;
    private final ReusedBuffer owner;   // the layer buffer that hands this array out again; null: none
    private final int generation;       // the owner's hand-out this tensor (or the tensor it views) came from

    private Tensor(float[] data, int[] shape) {
        this(data, shape, null, 0);
    }

    /** A tensor over a {@link ReusedBuffer}'s array, live until the buffer's next hand-out. */
    Tensor(float[] data, int[] shape, ReusedBuffer owner, int generation) {
        this.data = data;
        this.shape = shape;
        this.owner = owner;
        this.generation = generation;
    }

    /** A new tensor of zeros with the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], shape.clone());
    }

    /** Wraps {@code data} (not copied) with the given shape; the sizes must agree. */
    public static Tensor of(float[] data, int... shape) {
        int n = checkedSize(shape);
        if (data.length != n) {
            throw new ShapeMismatchException("Tensor.of: " + data.length + " values cannot have shape "
                    + Arrays.toString(shape) + " (needs " + n + ")");
        }
        return new Tensor(data, shape.clone());
    }

    /** A tensor with the same shape as this one, all zeros. */
    public Tensor zerosLike() {
        requireLive();
        return zeros(shape);
    }

    /** A deep copy, which no layer writes again (the way to keep a layer's output). */
    public Tensor copy() {
        requireLive();
        return new Tensor(data.clone(), shape.clone());
    }

    /** The same data seen with another shape of the same size (no copy; stale when this one is). */
    public Tensor reshape(int... newShape) {
        requireLive();
        int n = checkedSize(newShape);
        if (n != data.length) {
            throw new ShapeMismatchException("reshape: cannot view shape " + shapeString()
                    + " as " + Arrays.toString(newShape));
        }
        return new Tensor(data, newShape.clone(), owner, generation);
    }

    public int[] shape() {
        requireLive();
        return shape.clone();
    }

    public int rank() {
        requireLive();
        return shape.length;
    }

    public int dim(int axis) {
        requireLive();
        return shape[axis];
    }

    public int size() {
        requireLive();
        return data.length;
    }

    /**
     * Throws a {@link StaleTensorException} if a layer has written this tensor's array again since
     * it handed the tensor out ({@link ReusedBuffer}); every shape method checks it.
     */
    public void requireLive() {
        if (owner != null) owner.requireLive(generation, this);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /**
     * Throws a {@link ShapeMismatchException} naming both shapes unless this tensor's shape equals
     * {@code expected}, where an expected entry of -1 matches any size (typically the batch axis).
     *
     * @param where the layer or op that asks, used in the message
     */
    public Tensor requireShape(String where, int... expected) {
        requireLive();
        boolean ok = expected.length == shape.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = expected[i] < 0 || expected[i] == shape[i];
        }
        if (!ok) {
            throw new ShapeMismatchException(where + ": got shape " + shapeString() + ", expected "
                    + Arrays.toString(expected).replace("-1", "*"));
        }
        return this;
    }

    /** Throws unless {@code a} and {@code b} have identical shapes; the message names both. */
    public static void requireSameShape(String where, Tensor a, Tensor b) {
        a.requireLive();
        b.requireLive();
        if (!Arrays.equals(a.shape, b.shape)) {
            throw new ShapeMismatchException(where + ": shapes differ, " + a.shapeString() + " vs "
                    + b.shapeString());
        }
    }

    static int checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeMismatchException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new ShapeMismatchException("shape " + Arrays.toString(shape) + " has too many elements");
        }
        return (int) n;
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
