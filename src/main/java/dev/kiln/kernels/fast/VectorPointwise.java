package dev.kiln.kernels.fast;

import static jdk.incubator.vector.VectorOperators.GT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise kernels of {@link FastPointwise} on the Vector API, over one chunk [lo, hi):
 * whole vectors first, then the scalar twin ({@code FastPointwise.…Scalar}) for the last
 * {@code < LANES} elements. Each lane evaluates the reference's float expression, operation by
 * operation in the same order (no fma), and a branch {@code c ? a : b} becomes
 * {@code b.blend(a, c)}, so every lane gets the reference's bits. Loaded only when
 * {@link Simd#AVAILABLE}.
 */
final class VectorPointwise {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private VectorPointwise() {}

    /** y = x > 0 ? x : 0. */
    static void reluForward(float[] x, float[] y, int lo, int hi) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
            zero.blend(xv, xv.compare(GT, 0f)).intoArray(y, i);
        }
        FastPointwise.reluForwardScalar(x, y, i, hi);
    }

    /** if (x > 0) dx += dy: where x ≤ 0 (or NaN) dx keeps its bits, −0 included. */
    static void reluBackward(float[] x, float[] dy, float[] dx, int lo, int hi) {
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            VectorMask<Float> positive = FloatVector.fromArray(SPECIES, x, i).compare(GT, 0f);
            FloatVector dxv = FloatVector.fromArray(SPECIES, dx, i);
            dxv.blend(dxv.add(FloatVector.fromArray(SPECIES, dy, i)), positive).intoArray(dx, i);
        }
        FastPointwise.reluBackwardScalar(x, dy, dx, i, hi);
    }

    /** y = x > 0 ? x : α·x. */
    static void leakyReluForward(float alpha, float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
            xv.mul(alpha).blend(xv, xv.compare(GT, 0f)).intoArray(y, i);
        }
        FastPointwise.leakyReluForwardScalar(alpha, x, y, i, hi);
    }

    /** dx += x > 0 ? dy : α·dy. */
    static void leakyReluBackward(float alpha, float[] x, float[] dy, float[] dx, int lo, int hi) {
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            VectorMask<Float> positive = FloatVector.fromArray(SPECIES, x, i).compare(GT, 0f);
            FloatVector dyv = FloatVector.fromArray(SPECIES, dy, i);
            FloatVector slope = dyv.mul(alpha).blend(dyv, positive);
            FloatVector.fromArray(SPECIES, dx, i).add(slope).intoArray(dx, i);
        }
        FastPointwise.leakyReluBackwardScalar(alpha, x, dy, dx, i, hi);
    }

    /** dx += (y·(1 − y))·dy. */
    static void sigmoidBackward(float[] y, float[] dy, float[] dx, int lo, int hi) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector yv = FloatVector.fromArray(SPECIES, y, i);
            FloatVector term = yv.mul(one.sub(yv)).mul(FloatVector.fromArray(SPECIES, dy, i));
            FloatVector.fromArray(SPECIES, dx, i).add(term).intoArray(dx, i);
        }
        FastPointwise.sigmoidBackwardScalar(y, dy, dx, i, hi);
    }

    /** dx += (1 − y·y)·dy. */
    static void tanhBackward(float[] y, float[] dy, float[] dx, int lo, int hi) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector yv = FloatVector.fromArray(SPECIES, y, i);
            FloatVector term = one.sub(yv.mul(yv)).mul(FloatVector.fromArray(SPECIES, dy, i));
            FloatVector.fromArray(SPECIES, dx, i).add(term).intoArray(dx, i);
        }
        FastPointwise.tanhBackwardScalar(y, dy, dx, i, hi);
    }

    /** y += α·x. */
    static void axpy(float alpha, float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector ax = FloatVector.fromArray(SPECIES, x, i).mul(alpha);
            FloatVector.fromArray(SPECIES, y, i).add(ax).intoArray(y, i);
        }
        FastPointwise.axpyScalar(alpha, x, y, i, hi);
    }

    /** x *= α. */
    static void scale(float alpha, float[] x, int lo, int hi) {
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector.fromArray(SPECIES, x, i).mul(alpha).intoArray(x, i);
        }
        FastPointwise.scaleScalar(alpha, x, i, hi);
    }
}
