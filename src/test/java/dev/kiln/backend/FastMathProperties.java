package dev.kiln.backend;

import dev.kiln.kernels.fast.FastMath;
import dev.kiln.kernels.fast.Simd;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link FastMath}'s float exp and log against {@code Math.exp}/{@code Math.log} (rounded to
 * float): within {@link FastMath#EXP_MAX_ULP} / {@link FastMath#LOG_MAX_ULP} ulp over dense sweeps
 * and random bit patterns, the Vector API twin equal to the scalar version bit for bit, and the
 * edge cases (±∞, NaN, ±0, overflow, underflow, subnormals) exactly.
 */
class FastMathProperties {

    /** Every 97th float bit pattern in a sweep (≈ 23 million for exp, 22 million for log). */
    private static final int SWEEP_STRIDE = 97;

    @Example
    void theVectorApiIsThereSoBothPathsAreTested() {
        assertTrue(Simd.AVAILABLE, "Surefire runs with --add-modules jdk.incubator.vector");
    }

    @Example
    void expIsWithinTwoUlpOfMathExpOnADenseSweepOfItsWholeRange() {
        // [−104, 89] covers every x whose e^x is neither 0 nor +∞ after rounding, subnormal results included.
        long points = sweep(Float.MIN_VALUE, 104f, true, true) + sweep(0f, 89f, false, true);
        assertTrue(points > 20_000_000, "the sweep has " + points + " points");
    }

    @Example
    void logIsWithinTwoUlpOfMathLogOnADenseSweepOfEveryPositiveFloat() {
        long points = sweep(Float.MIN_VALUE, Float.MAX_VALUE, false, false);
        long subnormals = sweep(Float.MIN_VALUE, Float.MIN_NORMAL, false, false);
        assertTrue(points > 20_000_000 && subnormals > 80_000, "the sweep has " + points + " points, "
                + subnormals + " subnormal");
    }

    /** Any bit pattern: NaNs, infinities, subnormals, both signs. */
    @Property(tries = 3000)
    void expAndLogOfAnyFloatAreWithinTheirBoundAndTheVectorTwinAgreesBitForBit(@ForAll int bits, @ForAll int lane) {
        float value = Float.intBitsToFloat(bits);
        float[] x = new float[37];                                 // two 16-lane vectors and a tail
        java.util.Arrays.fill(x, 0.5f);
        int at = Math.floorMod(lane, x.length);
        x[at] = value;
        float[] scalar = new float[x.length], vector = new float[x.length];
        FastMath.exp(false, x, scalar, x.length);
        FastMath.exp(true, x, vector, x.length);
        assertBitIdentical("exp", x, scalar, vector);
        assertTrue(ulps(scalar[at], (float) Math.exp(value), "exp", value) <= FastMath.EXP_MAX_ULP, "exp(" + value + ")");
        FastMath.log(false, x, scalar, x.length);
        FastMath.log(true, x, vector, x.length);
        assertBitIdentical("log", x, scalar, vector);
        assertTrue(ulps(scalar[at], (float) Math.log(value), "log", value) <= FastMath.LOG_MAX_ULP, "log(" + value + ")");
    }

    @Example
    void expMeetsItsEdgesExactly() {
        float[][] cases = {
                {Float.NEGATIVE_INFINITY, 0f}, {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
                {Float.NaN, Float.NaN}, {0f, 1f}, {-0f, 1f},
                {88.72283f, 3.4027985e38f},                           // the largest finite result
                {88.72284f, Float.POSITIVE_INFINITY}, {100f, Float.POSITIVE_INFINITY}, {1e30f, Float.POSITIVE_INFINITY},
                {-87.33655f, 1.1754907e-38f},                         // about MIN_NORMAL
                {-100f, 3.8e-44f}, {-103.27893f, Float.MIN_VALUE},   // subnormal results
                {-103.98f, 0f}, {-1e30f, 0f},                          // underflow to 0
                {1f, 2.7182817f}, {-1f, 0.36787945f}, {0.6931472f, 2f},
        };
        // Expected values: Math.exp rounded to float (exactly 0, 1, ±∞, NaN at the edges).
        for (float[] c : cases) assertBothPaths("exp", c[0], c[1], true);
    }

    @Example
    void logMeetsItsEdgesExactly() {
        float[][] cases = {
                {0f, Float.NEGATIVE_INFINITY}, {-0f, Float.NEGATIVE_INFINITY}, {-1f, Float.NaN},
                {-Float.MIN_VALUE, Float.NaN}, {Float.NEGATIVE_INFINITY, Float.NaN},
                {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NaN, Float.NaN},
                {1f, 0f}, {2f, 0.6931472f}, {0.5f, -0.6931472f}, {10f, 2.3025851f},
                {Float.MIN_VALUE, -103.27893f}, {Float.MIN_NORMAL, -87.33655f}, {1e-40f, -92.10341f},
                {Float.MAX_VALUE, 88.72284f},
        };
        // Expected values: Math.log rounded to float (exactly 0, ±∞, NaN at the edges).
        for (float[] c : cases) assertBothPaths("log", c[0], c[1], false);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * exp or log of x on the scalar and on the vector path equals expected: x in lane 3 of a vector
     * whose other lanes are ordinary (1.5), so that the vector code meets the edge on its own.
     */
    private static void assertBothPaths(String what, float x, float expected, boolean exp) {
        float[] in = new float[20];
        java.util.Arrays.fill(in, 1.5f);
        in[3] = x;
        float[] scalar = new float[in.length], vector = new float[in.length];
        if (exp) {
            FastMath.exp(false, in, scalar, in.length);
            FastMath.exp(true, in, vector, in.length);
        } else {
            FastMath.log(false, in, scalar, in.length);
            FastMath.log(true, in, vector, in.length);
        }
        assertEquals(expected, scalar[3], what + "(" + x + ") scalar");
        assertEquals(expected, vector[3], what + "(" + x + ") vector");
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(scalar[3]), what + "(" + x + ") sign of zero");
    }

    /**
     * exp (or log) of every SWEEP_STRIDE-th float from lo to hi by bit pattern (0 ≤ lo ≤ hi; negated
     * if {@code negative}), and of hi: scalar and vector bit-identical, within the ulp bound of
     * Math.exp/Math.log. Runs in blocks; returns the number of points.
     */
    private static long sweep(float lo, float hi, boolean negative, boolean exp) {
        int b0 = Float.floatToRawIntBits(lo), b1 = Float.floatToRawIntBits(hi);
        int bound = exp ? FastMath.EXP_MAX_ULP : FastMath.LOG_MAX_ULP;
        String what = exp ? "exp" : "log";
        float[] x = new float[1 << 16], scalar = new float[x.length], vector = new float[x.length];
        long points = 0, worst = 0;
        for (long b = b0; b <= b1; ) {
            int n = 0;
            for (; n < x.length && b <= b1; n++, b += SWEEP_STRIDE) x[n] = Float.intBitsToFloat((int) b);
            if (b > b1 && n < x.length) x[n++] = hi;
            if (negative) for (int i = 0; i < n; i++) x[i] = -x[i];
            if (exp) {
                FastMath.exp(false, x, scalar, n);
                FastMath.exp(true, x, vector, n);
            } else {
                FastMath.log(false, x, scalar, n);
                FastMath.log(true, x, vector, n);
            }
            for (int i = 0; i < n; i++) {
                assertBitIdentical(what, x[i], scalar[i], vector[i]);
                double reference = exp ? Math.exp(x[i]) : Math.log(x[i]);
                worst = Math.max(worst, ulps(scalar[i], (float) reference, what, x[i]));
            }
            points += n;
        }
        assertTrue(worst <= bound, what + " over [" + lo + ", " + hi + "]: " + worst + " ulp");
        return points;
    }

    /** Scalar and vector results equal bit for bit (NaNs as NaNs). */
    private static void assertBitIdentical(String what, float[] x, float[] scalar, float[] vector) {
        for (int i = 0; i < x.length; i++) assertBitIdentical(what, x[i], scalar[i], vector[i]);
    }

    private static void assertBitIdentical(String what, float x, float scalar, float vector) {
        if (Float.floatToIntBits(scalar) != Float.floatToIntBits(vector)) {
            fail(what + "(" + x + "): scalar " + scalar + ", vector " + vector);
        }
    }

    /** The distance in ulp between two floats (0 for two NaNs; a NaN against a number fails). */
    private static long ulps(float a, float b, String what, float x) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            if (Float.isNaN(a) && Float.isNaN(b)) return 0;
            fail(what + "(" + x + ") = " + a + ", expected " + b);
        }
        return Math.abs(ordinal(a) - ordinal(b));
    }

    /** Floats in order as integers: −0 and +0 both 0, adjacent floats 1 apart. */
    private static long ordinal(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? -(long) (bits & 0x7fffffff) : bits;
    }
}
