package dev.kiln.kernels.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

/**
 * The Vector API twin of {@link FastMath}: the same float operations in the same order on every
 * lane, so that {@code exp(v).lane(i) == FastMath.exp(v.lane(i))} bit for bit (tested). The scalar
 * {@code if}s of FastMath are blends here; the float ↔ int steps are bit reinterpretations (no
 * F2I/I2F conversion and no mask cast: on JDK 17 those made the vector log 10–20× slower than the
 * scalar one, apparently not intrinsified). Loaded
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
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), xc);           // 3.
        r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(SPECIES, EXP_P0);                       // 4.
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_P1));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_P2));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_P3));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_P4));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_P5));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);                          // 5.
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(s1).mul(s2);
    }

    /**
     * Lane-wise {@link FastMath#log}. The vector steps cover positive normal finite lanes (steps 2–5);
     * a vector with any other lane (0, negative, subnormal, +∞, NaN: rare in the kernels, whose
     * arguments are sums ≥ 1) goes lane by lane through the scalar FastMath.log, the same bits by
     * definition. Keeping the edge blends out of the vector path keeps it small enough for C2 to
     * inline every vector operation into the caller's loop; with them in, the vector log ran
     * 3–30× slower than the scalar one (boxed vectors), from one JIT compilation to the next.
     */
    static FloatVector log(FloatVector x) {
        if (!x.compare(VectorOperators.GE, Float.MIN_NORMAL).allTrue()
                || !x.compare(VectorOperators.LE, Float.MAX_VALUE).allTrue()) {
            return logLaneByLane(x);
        }
        IntVector ix = x.reinterpretAsInts().sub(SQRT_HALF_BITS);                     // 2.
        // the exponent e as a float, exactly as FastMath.toFloat (|e| < 2²², no I2F conversion)
        FloatVector ef = ix.lanewise(VectorOperators.ASHR, 23).add(ROUND_BITS).reinterpretAsFloats().sub(ROUND);
        FloatVector m = ix.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats();
        FloatVector f = m.sub(1f);                                                    // 3.
        FloatVector q = FloatVector.broadcast(SPECIES, LOG_Q0);                       // 4.
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q1));
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q2));
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q3));
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q4));
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q5));
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q6));
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q7));
        q = q.fma(f, FloatVector.broadcast(SPECIES, LOG_Q8));
        FloatVector z = f.mul(f);
        FloatVector y = q.mul(f).mul(z);
        y = ef.fma(FloatVector.broadcast(SPECIES, LN2_LO), y);                        // 5.
        y = z.fma(FloatVector.broadcast(SPECIES, -0.5f), y);
        return ef.fma(FloatVector.broadcast(SPECIES, LN2_HI), f.add(y));
    }

    /** FastMath.log on each lane: the edge lanes (and their neighbours) of {@link #log(FloatVector)}. */
    private static FloatVector logLaneByLane(FloatVector x) {
        float[] lanes = x.toArray();
        for (int i = 0; i < lanes.length; i++) lanes[i] = FastMath.log(lanes[i]);
        return FloatVector.fromArray(SPECIES, lanes, 0);
    }
}
