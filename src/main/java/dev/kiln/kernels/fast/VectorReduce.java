package dev.kiln.kernels.fast;

import static jdk.incubator.vector.VectorOperators.F2D;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The block sums of {@link FastReduce} on the Vector API: the eight double accumulators s0..s7
 * are the lanes of two 4-lane double vectors (s0..s3, s4..s7); each step loads 8 floats as one
 * vector, widens its two halves to double (exact) and adds them lane by lane. The lanes are then
 * combined in {@link FastReduce#combine}'s fixed order (not {@code reduceLanes}, whose order is
 * unspecified), so the result is the scalar twin's bit for bit. Loaded only when
 * {@link Simd#AVAILABLE}.
 *
 * <p>The species are the preferred ones, as in every other Vector API kernel of kiln, so this
 * class serves only where the preferred float vector holds exactly one step of 8 terms (256-bit
 * vectors: AVX2; {@link #SERVES}); elsewhere {@link FastReduce} runs the scalar twin. A second
 * float shape is not an option: this class once loaded 4 floats as a 128-bit vector beside the
 * 256-bit vectors of the other kernels, and that was what made some JVMs run every kernel boxed
 * for their whole life. The JDK's vector classes share one implementation per element type
 * ({@code FloatVector.intoArray}, {@code fromArray}, {@code lanewise}), and their virtual calls
 * keep one receiver-type profile for all callers. With two shapes in it, C2 (parsing a kernel's
 * loop, where an accumulator's type is not yet exact) inlines both shapes behind a type check,
 * the second shape's intrinsic fails, and the accumulators are boxed on the heap: the GEMM ran
 * 10–40× slower and allocated 1–2 GB per training step (docs/performance.md, "The Vector API and
 * C2"). {@code FastSimdShapeTest} keeps every vector species of the package on one shape.
 */
final class VectorReduce {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;   // half the lanes
    private static final int STEP = FastReduce.ACCUMULATORS;                               // 8 terms per step

    /** Whether one preferred float vector is one step (8 floats, so 4 doubles per double vector). */
    static final boolean SERVES = FLOATS.length() == STEP && DOUBLES.length() == STEP / 2;

    private VectorReduce() {}

    /** Σ x[lo..hi). Only when {@link #SERVES}. */
    static double sum(float[] x, int lo, int hi) {
        DoubleVector s0123 = DoubleVector.zero(DOUBLES), s4567 = DoubleVector.zero(DOUBLES);
        int i = lo;
        for (; i <= hi - STEP; i += STEP) {
            FloatVector f = FloatVector.fromArray(FLOATS, x, i);        // x[i..i+8)
            s0123 = s0123.add(f.convertShape(F2D, DOUBLES, 0));       // x[i..i+4) as doubles
            s4567 = s4567.add(f.convertShape(F2D, DOUBLES, 1));       // x[i+4..i+8)
        }
        double acc = combine(s0123, s4567);
        for (; i < hi; i++) acc += x[i];
        return acc;
    }

    /** Σ x[lo..hi)². Only when {@link #SERVES}. */
    static double sumSquares(float[] x, int lo, int hi) {
        DoubleVector s0123 = DoubleVector.zero(DOUBLES), s4567 = DoubleVector.zero(DOUBLES);
        int i = lo;
        for (; i <= hi - STEP; i += STEP) {
            FloatVector f = FloatVector.fromArray(FLOATS, x, i);
            DoubleVector a = (DoubleVector) f.convertShape(F2D, DOUBLES, 0);
            DoubleVector b = (DoubleVector) f.convertShape(F2D, DOUBLES, 1);
            s0123 = s0123.add(a.mul(a));
            s4567 = s4567.add(b.mul(b));
        }
        double acc = combine(s0123, s4567);
        for (; i < hi; i++) acc += (double) x[i] * x[i];
        return acc;
    }

    private static double combine(DoubleVector s0123, DoubleVector s4567) {
        return FastReduce.combine(s0123.lane(0), s0123.lane(1), s0123.lane(2), s0123.lane(3),
                s4567.lane(0), s4567.lane(1), s4567.lane(2), s4567.lane(3));
    }
}
