package dev.kiln.kernels.fast;

import static jdk.incubator.vector.VectorOperators.F2D;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The block sums of {@link FastReduce} on the Vector API: the eight double accumulators s0..s7
 * are the lanes of two 256-bit double vectors (s0..s3, s4..s7); each step loads 2 × 4 floats,
 * widens them to double (exact) and adds them lane by lane. The lanes are then combined in
 * {@link FastReduce#combine}'s fixed order (not {@code reduceLanes}, whose order is unspecified),
 * so the result is the scalar twin's bit for bit. Loaded only when {@link Simd#AVAILABLE}.
 */
final class VectorReduce {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_128;     // 4 floats
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_256;  // 4 doubles
    private static final int STEP = FastReduce.ACCUMULATORS;                        // 8 terms per step

    private VectorReduce() {}

    /** Σ x[lo..hi). */
    static double sum(float[] x, int lo, int hi) {
        DoubleVector s0123 = DoubleVector.zero(DOUBLES), s4567 = DoubleVector.zero(DOUBLES);
        int i = lo;
        for (; i <= hi - STEP; i += STEP) {
            s0123 = s0123.add(widen(x, i));
            s4567 = s4567.add(widen(x, i + 4));
        }
        double acc = combine(s0123, s4567);
        for (; i < hi; i++) acc += x[i];
        return acc;
    }

    /** Σ x[lo..hi)². */
    static double sumSquares(float[] x, int lo, int hi) {
        DoubleVector s0123 = DoubleVector.zero(DOUBLES), s4567 = DoubleVector.zero(DOUBLES);
        int i = lo;
        for (; i <= hi - STEP; i += STEP) {
            DoubleVector a = widen(x, i), b = widen(x, i + 4);
            s0123 = s0123.add(a.mul(a));
            s4567 = s4567.add(b.mul(b));
        }
        double acc = combine(s0123, s4567);
        for (; i < hi; i++) acc += (double) x[i] * x[i];
        return acc;
    }

    /** x[i..i+4) as four doubles. */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(FLOATS, x, i).convertShape(F2D, DOUBLES, 0);
    }

    private static double combine(DoubleVector s0123, DoubleVector s4567) {
        return FastReduce.combine(s0123.lane(0), s0123.lane(1), s0123.lane(2), s0123.lane(3),
                s4567.lane(0), s4567.lane(1), s4567.lane(2), s4567.lane(3));
    }
}
