package dev.kiln.kernels.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.kiln.kernels.fast.FastMath.EXP_HI;
import static dev.kiln.kernels.fast.FastMath.EXP_LO;
import static dev.kiln.kernels.fast.FastMath.EXP_P0;
import static dev.kiln.kernels.fast.FastMath.EXP_P1;
import static dev.kiln.kernels.fast.FastMath.EXP_P2;
import static dev.kiln.kernels.fast.FastMath.EXP_P3;
import static dev.kiln.kernels.fast.FastMath.EXP_P4;
import static dev.kiln.kernels.fast.FastMath.EXP_P5;
import static dev.kiln.kernels.fast.FastMath.LN2_HI;
import static dev.kiln.kernels.fast.FastMath.LN2_LO;
import static dev.kiln.kernels.fast.FastMath.LOG2E;
import static dev.kiln.kernels.fast.FastMath.LOG_Q0;
import static dev.kiln.kernels.fast.FastMath.LOG_Q1;
import static dev.kiln.kernels.fast.FastMath.LOG_Q2;
import static dev.kiln.kernels.fast.FastMath.LOG_Q3;
import static dev.kiln.kernels.fast.FastMath.LOG_Q4;
import static dev.kiln.kernels.fast.FastMath.LOG_Q5;
import static dev.kiln.kernels.fast.FastMath.LOG_Q6;
import static dev.kiln.kernels.fast.FastMath.LOG_Q7;
import static dev.kiln.kernels.fast.FastMath.LOG_Q8;
import static dev.kiln.kernels.fast.FastMath.MANTISSA;
import static dev.kiln.kernels.fast.FastMath.ROUND;
import static dev.kiln.kernels.fast.FastMath.ROUND_BITS;
import static dev.kiln.kernels.fast.FastMath.SQRT_HALF_BITS;
import static dev.kiln.kernels.fast.FastMath.TWO_23;

/**
 * The Vector API twin of {@link FastMath}: the same float operations in the same order on every
 * lane, so that {@code exp(v).lane(i) == FastMath.exp(v.lane(i))} bit for bit (tested). The scalar
 * {@code if}s of FastMath are blends here; the float → int steps are bit reinterpretations (no
 * float → int conversion, whose NaN lanes differ between JIT and interpreter in some JDKs). Loaded
 * only when {@link Simd#AVAILABLE}.
 */
final class VectorMath {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int LANES = SPECIES.length();

    static {
        if (INTS.length() != LANES) throw new AssertionError("int and float species differ in lanes");
    }

    private VectorMath() {}

    /** The constant v in every lane. */
    private static FloatVector c(float v) {
        return FloatVector.broadcast(SPECIES, v);
    }

    /** y[i] = exp(x[i]) for the whole vectors of [0, n); returns the first i left for the scalar tail. */
    static int exp(float[] x, float[] y, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) exp(FloatVector.fromArray(SPECIES, x, i)).intoArray(y, i);
        return i;
    }

    /** y[i] = log(x[i]) for the whole vectors of [0, n); returns the first i left for the scalar tail. */
    static int log(float[] x, float[] y, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) log(FloatVector.fromArray(SPECIES, x, i)).intoArray(y, i);
        return i;
    }

    /** Lane-wise {@link FastMath#exp}. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);                                   // 1.
        FloatVector big = xc.fma(LOG2E, ROUND);                                       // 2.
        FloatVector n = big.sub(ROUND);
        IntVector ni = big.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector r = n.fma(c(-LN2_HI), xc);                                           // 3.
        r = n.fma(c(-LN2_LO), r);
        FloatVector p = FloatVector.broadcast(SPECIES, EXP_P0);                       // 4.
        p = p.fma(r, c(EXP_P1));
        p = p.fma(r, c(EXP_P2));
        p = p.fma(r, c(EXP_P3));
        p = p.fma(r, c(EXP_P4));
        p = p.fma(r, c(EXP_P5));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);                          // 5.
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(s1).mul(s2);
    }

    /** Lane-wise {@link FastMath#log}. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);      // 1.
        FloatVector xs = x.blend(x.mul(TWO_23), tiny);
        IntVector k = IntVector.zero(INTS).blend(-23, tiny.cast(INTS));
        IntVector ix = xs.reinterpretAsInts().sub(SQRT_HALF_BITS);                    // 2.
        IntVector e = ix.lanewise(VectorOperators.ASHR, 23).add(k);
        FloatVector m = ix.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats();
        FloatVector f = m.sub(1f);                                                    // 3.
        FloatVector q = FloatVector.broadcast(SPECIES, LOG_Q0);                       // 4.
        q = q.fma(f, c(LOG_Q1));
        q = q.fma(f, c(LOG_Q2));
        q = q.fma(f, c(LOG_Q3));
        q = q.fma(f, c(LOG_Q4));
        q = q.fma(f, c(LOG_Q5));
        q = q.fma(f, c(LOG_Q6));
        q = q.fma(f, c(LOG_Q7));
        q = q.fma(f, c(LOG_Q8));
        FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
        FloatVector z = f.mul(f);
        FloatVector y = q.mul(f).mul(z);
        y = ef.fma(c(LN2_LO), y);                                                        // 5.
        y = z.fma(c(-0.5f), y);
        FloatVector result = ef.fma(c(LN2_HI), f.add(y));
        VectorMask<Float> notPositive = x.compare(VectorOperators.GT, 0f).not();
        result = result.blend(Float.NaN, notPositive);
        result = result.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return result.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }
}
