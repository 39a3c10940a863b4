package dev.kiln.nn;

import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;

/**
 * [B, d1, ..., dn] → [B, d1·...·dn], e.g. an encoder's last feature map [B, 64, 7, 7] into the
 * [B, 3136] its dense head reads. Row-major order is kept, so the flat data does not move:
 * y.data[t] = x.data[t], and the backward pass is the identity on the data with x's shape restored,
 * dx.data[t] = dy.data[t]. Both directions return a view (no copy): forward of x, backward of dy
 * (stale when dy is; see {@link Layer}).
 */
public final class Flatten implements Layer {
    private int[] inShape;        // [B, d1, ..., dn] of the last input

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 2) {
            throw new ShapeMismatchException(describe() + ": expected [B, d1, ...] with at least one axis after"
                    + " the batch, got shape " + x.shapeString());
        }
        long features = 1;
        for (int a = 1; a < x.rank(); a++) features *= x.dim(a);
        this.inShape = x.shape();
        return x.reshape(x.dim(0), (int) features);
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inShape == null) throw new IllegalStateException(describe() + ": backward called before forward");
        int features = 1;
        for (int a = 1; a < inShape.length; a++) features *= inShape[a];
        dy.requireShape(describe() + " backward", inShape[0], features);
        return dy.reshape(inShape);
    }

    @Override
    public String describe() {
        return "Flatten";
    }
}
