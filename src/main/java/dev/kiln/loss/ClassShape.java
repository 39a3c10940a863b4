package dev.kiln.loss;

import dev.kiln.tensor.ShapeMismatchException;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * The [B, C, S] view of a per-class tensor: the class of cell (b, s) is at
 * {@code x[(b·C + c)·S + s]}. A rank-2 [B, C] tensor (an MLP head) has S = 1; a rank-4
 * [B, C, H, W] tensor (an image decoder) has S = H·W; a rank-3 tensor is [B, C, S] as is.
 *
 * @param rows    B, the batch
 * @param classes C, the class axis
 * @param inner   S, cells per sample
 */
public record ClassShape(int rows, int classes, int inner) {

    /** Reads B, C, S off a rank-2, -3 or -4 tensor; anything else, or an empty one, is refused. */
    public static ClassShape of(String where, Tensor x) {
        int rank = x.rank();
        if (rank < 2 || rank > 4) {
            throw new ShapeMismatchException(where + ": got shape " + x.shapeString()
                    + ", expected [B, C], [B, C, S] or [B, C, H, W]");
        }
        int inner = 1;
        for (int axis = 2; axis < rank; axis++) inner *= x.dim(axis);
        if (x.size() == 0) {
            throw new ShapeMismatchException(where + ": got shape " + x.shapeString()
                    + ", expected every dimension ≥ 1");
        }
        return new ClassShape(x.dim(0), x.dim(1), inner);
    }

    /** B·S, the number of cells (one target each). */
    public int cells() {
        return rows * inner;
    }

    /** B·C·S, the number of logits. */
    public int size() {
        return rows * classes * inner;
    }

    /**
     * Throws unless {@code targets} has one entry per cell, each in [0, C); the message names the
     * first bad index and its value.
     */
    public void requireTargets(String where, int[] targets) {
        Objects.requireNonNull(targets, where + ": targets");
        if (targets.length != cells()) {
            throw new ShapeMismatchException(where + ": targets has length " + targets.length
                    + ", expected B·S = " + rows + "·" + inner + " = " + cells());
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= classes) {
                throw new IllegalArgumentException(where + ": targets[" + i + "] = " + targets[i]
                        + " is not a class in [0, " + classes + ")");
            }
        }
    }

    /** Throws unless {@code perClass} (per-class weights, α…) is null or has length C. */
    public void requireClassVector(String where, String name, float[] perClass) {
        if (perClass == null) return;
        if (perClass.length != classes) {
            throw new ShapeMismatchException(where + ": " + name + " has length " + perClass.length
                    + ", expected C = " + classes);
        }
    }

    /**
     * A copy of {@code perClass} (null stays null) after checking that every entry is finite and
     * ≥ 0; the message names the argument, the bad index and its value.
     */
    static float[] checkNonNegative(String where, String name, float[] perClass) {
        if (perClass == null) return null;
        for (int c = 0; c < perClass.length; c++) {
            if (!(perClass[c] >= 0f) || !Float.isFinite(perClass[c])) {
                throw new IllegalArgumentException(where + ": " + name + "[" + c + "] = " + perClass[c]
                        + " must be finite and ≥ 0");
            }
        }
        return perClass.clone();
    }
}
