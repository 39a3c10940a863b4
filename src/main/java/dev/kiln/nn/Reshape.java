package dev.kiln.nn;

import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;

import java.util.Arrays;

/**
 * Views each sample under a new shape: [B, d1, ..., dn] → [B, t1, ..., tm] with
 * d1·...·dn = t1·...·tm, e.g. {@code new Reshape(64, 7, 7)} turns a decoder's dense [B, 3136] into
 * the image [B, 64, 7, 7] that its first transposed convolution expects.
 *
 * <p>Row-major order is kept, so the map is the identity on the flat data: y.data[t] = x.data[t].
 * Its Jacobian is the identity, and the backward pass is the same identity read back:
 * dx.data[t] = dy.data[t], with dx given x's shape. Both directions return a view (no copy; layers
 * never write into their inputs): forward of x's data, backward of dy's (stale when dy is; see
 * {@link Layer}).
 */
public final class Reshape implements Layer {
    private final int[] target;   // [t1, ..., tm], the per-sample shape
    private final int features;   // t1·...·tm
    private int[] inShape;        // [B, d1, ..., dn] of the last input

    /** @param targetShapeWithoutBatch the per-sample output shape, every entry positive */
    public Reshape(int... targetShapeWithoutBatch) {
        long n = 1;
        for (int d : targetShapeWithoutBatch) {
            if (d <= 0) {
                throw new IllegalArgumentException("Reshape: target dimensions must be positive, got "
                        + Arrays.toString(targetShapeWithoutBatch));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Reshape: target " + Arrays.toString(targetShapeWithoutBatch)
                        + " has too many elements");
            }
        }
        this.target = targetShapeWithoutBatch.clone();
        this.features = (int) n;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 1) throw new ShapeMismatchException(describe() + ": input has no batch axis");
        int batch = x.dim(0);
        int perSample = batch == 0 ? perSample(x) : x.size() / batch;
        if (perSample != features) {
            throw new ShapeMismatchException(describe() + ": cannot view input " + x.shapeString() + " as [B, "
                    + joined(target) + "]: " + perSample + " values per sample, target holds " + features);
        }
        this.inShape = x.shape();
        int[] outShape = new int[target.length + 1];
        outShape[0] = batch;
        System.arraycopy(target, 0, outShape, 1, target.length);
        return x.reshape(outShape);
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inShape == null) throw new IllegalStateException(describe() + ": backward called before forward");
        int[] expected = new int[target.length + 1];
        expected[0] = inShape[0];
        System.arraycopy(target, 0, expected, 1, target.length);
        dy.requireShape(describe() + " backward", expected);
        return dy.reshape(inShape);
    }

    @Override
    public String describe() {
        return "Reshape(" + joined(target) + ")";
    }

    private static int perSample(Tensor x) {
        long n = 1;
        for (int a = 1; a < x.rank(); a++) n *= x.dim(a);
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static String joined(int[] dims) {
        String s = Arrays.toString(dims);
        return s.substring(1, s.length() - 1);
    }
}
