package dev.kiln.kernels.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link FastClassAxis}: one lane per cell (b, s), V consecutive cells of
 * one row at a time (the inner axis is contiguous), the classes strided by {@code inner}. Each lane
 * does exactly the scalar twin's float operations (see FastClassAxis), so the two agree bit for
 * bit. Each method does the whole vectors of [s0, s1) and returns the first s it left for the
 * scalar tail. Loaded only when {@link Simd#AVAILABLE}.
 */
final class VectorClassAxis {
    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;

    private VectorClassAxis() {}

    /** out[b, s] = m + log Σ for the whole vectors of [s0, s1). */
    static int logSumExp(float[] x, int b, int classes, int inner, int s0, int s1, float[] out) {
        int s = s0;
        for (; s + LANES <= s1; s += LANES) {
            int i = b * classes * inner + s;                            // x[b, 0, s]
            FloatVector m = max(x, i, classes, inner);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int c = 0; c < classes; c++) {
                sum = sum.add(VectorMath.exp(FloatVector.fromArray(SPECIES, x, i + c * inner).sub(m)));
            }
            FloatVector lse = m.add(VectorMath.log(sum));
            lse.blend(m, m.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY)).intoArray(out, b * inner + s);
        }
        return s;
    }

    /** y = exp(x − m) / Σ for the whole vectors of [s0, s1). */
    static int softmax(float[] x, int b, int classes, int inner, int s0, int s1, float[] y) {
        int s = s0;
        for (; s + LANES <= s1; s += LANES) {
            int i = b * classes * inner + s;
            FloatVector m = max(x, i, classes, inner);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int c = 0; c < classes; c++) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, x, i + c * inner).sub(m));
                e.intoArray(y, i + c * inner);
                sum = sum.add(e);
            }
            for (int c = 0; c < classes; c++) {
                FloatVector.fromArray(SPECIES, y, i + c * inner).div(sum).intoArray(y, i + c * inner);
            }
        }
        return s;
    }

    /** y = (x − m) − log Σ for the whole vectors of [s0, s1). */
    static int logSoftmax(float[] x, int b, int classes, int inner, int s0, int s1, float[] y) {
        int s = s0;
        for (; s + LANES <= s1; s += LANES) {
            int i = b * classes * inner + s;
            FloatVector m = max(x, i, classes, inner);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int c = 0; c < classes; c++) {
                sum = sum.add(VectorMath.exp(FloatVector.fromArray(SPECIES, x, i + c * inner).sub(m)));
            }
            FloatVector logSum = VectorMath.log(sum);
            for (int c = 0; c < classes; c++) {
                FloatVector.fromArray(SPECIES, x, i + c * inner).sub(m).sub(logSum).intoArray(y, i + c * inner);
            }
        }
        return s;
    }

    /** max_c x[i + c·inner .. + V), from −∞ as the scalar twin. */
    private static FloatVector max(float[] x, int i, int classes, int inner) {
        FloatVector m = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < classes; c++) m = m.max(FloatVector.fromArray(SPECIES, x, i + c * inner));
        return m;
    }
}
