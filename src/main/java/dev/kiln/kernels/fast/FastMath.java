package dev.kiln.kernels.fast;

/**
 * Float {@code exp} and {@code log} written out by hand (Cephes' {@code expf}/{@code logf}, after
 * S. L. Moshier), so that a Vector API twin ({@link VectorMath}) can do the same operations in the
 * same order and give the same bits lane for lane. Every step is one IEEE float operation or one
 * {@link Math#fma(float, float, float)}, so the scalar and vector versions cannot drift apart.
 *
 * <h2>exp(x)</h2>
 * <pre>
 *   1. x ← clamp(x, −104, 89)      beyond these exp is 0 or +∞ in float anyway, and n stays small
 *   2. n = round(x·log₂e)           rounded to nearest by adding and subtracting 1.5·2²³ (exact
 *                                   for |x·log₂e| &lt; 2²²); the integer n is read off its bits
 *   3. r = x − n·ln2                Cody–Waite, ln2 = C1 + C2 with C1 = 0.693359375 (9 bits, so
 *                                   n·C1 is exact and x − n·C1 is exact by Sterbenz), two fmas;
 *                                   |r| ≤ ½ln2 + ε
 *   4. e^r ≈ 1 + r + r²·P(r)        P of degree 5, Cephes' minimax coefficients for (e^r − 1 − r)/r²
 *                                   on [−½ln2, ½ln2]; Horner by fma
 *   5. e^x = e^r·2^⌊n/2⌋·2^(n−⌊n/2⌋)   two exact power-of-two scalings built from exponent bits:
 *                                   one 2^n alone would not be a normal float for n = 128 or n &lt; −126;
 *                                   the second multiply rounds once, also into the subnormals
 * </pre>
 * Error: the polynomial's approximation error is about 1·2⁻²⁴ relative (Cephes quotes a peak of
 * 1.7·10⁻⁷ over ±88); steps 3–4 add a few roundings of quantities ≤ ½ln2 in size, and step 5 is
 * exact for normal results. Measured (FastMathProperties): at most 1 ulp from the correctly rounded
 * {@code (float) Math.exp(x)} over every float in [−104, 89]; the tests assert ≤ {@link #EXP_MAX_ULP}.
 * Edges: exp(−∞) = 0, exp(+∞) = +∞, overflow (x &gt; 88.7228) → +∞, underflow → subnormals then 0,
 * exp(NaN) = NaN, exp(±0) = 1 exactly.
 *
 * <h2>log(x)</h2>
 * <pre>
 *   1. subnormal x: x ← x·2²³ (exact), k = −23; else k = 0
 *   2. x = m·2^e with m in [√½, √2): bits(x) − bits(√½) has e in its exponent field (musl's trick),
 *      and m is rebuilt from the mantissa bits plus bits(√½); e ← e + k (as floats, exact)
 *   3. f = m − 1 (exact, Sterbenz), f in [−0.2929, 0.4142]
 *   4. log(1 + f) ≈ f − f²/2 + f³·Q(f)     Q of degree 8, Cephes' minimax coefficients; Horner by fma
 *   5. log x = log(1 + f) + e·ln2          ln2 = C1 + C2 as for exp, the small part added first
 * </pre>
 * Error: Cephes quotes a peak of 7.6·10⁻⁸ relative; measured at most 1 ulp from
 * {@code (float) Math.log(x)} over every positive float; the tests assert ≤ {@link #LOG_MAX_ULP}.
 * Edges: log(±0) = −∞, log(x &lt; 0) = NaN, log(−∞) = NaN, log(+∞) = +∞, log(NaN) = NaN, log(1) = 0
 * exactly, subnormals as in step 1.
 */
public final class FastMath {
    /** The ulp bound of {@link #exp} against the correctly rounded result, asserted by the tests. */
    public static final int EXP_MAX_ULP = 2;
    /** The ulp bound of {@link #log} against the correctly rounded result, asserted by the tests. */
    public static final int LOG_MAX_ULP = 2;

    // ---- exp
    static final float EXP_HI = 89f;                  // exp(89) = 4.5e38 > Float.MAX_VALUE: +∞
    static final float EXP_LO = -104f;                // exp(−104) = 6.8e−46 < 2⁻¹⁵⁰: rounds to 0
    static final float LOG2E = 1.44269504088896341f;
    static final float ROUND = 0x1.8p23f;             // 1.5·2²³: x + ROUND rounds x to an integer
    static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    static final float LN2_HI = 0.693359375f;         // 355/512, 9 significant bits
    static final float LN2_LO = -2.12194440e-4f;      // ln2 − LN2_HI
    static final float EXP_P0 = 1.9875691500e-4f;     // Cephes expf: P(r) = P0·r⁵ + … + P5
    static final float EXP_P1 = 1.3981999507e-3f;
    static final float EXP_P2 = 8.3334519073e-3f;
    static final float EXP_P3 = 4.1665795894e-2f;
    static final float EXP_P4 = 1.6666665459e-1f;
    static final float EXP_P5 = 5.0000001201e-1f;

    // ---- log
    static final int SQRT_HALF_BITS = 0x3f3504f3;     // bits of √½ = 0.70710677f
    static final int MANTISSA = 0x007fffff;
    static final float TWO_23 = 0x1p23f;
    static final float LOG_Q0 = 7.0376836292e-2f;     // Cephes logf: Q(f) = Q0·f⁸ + … + Q8
    static final float LOG_Q1 = -1.1514610310e-1f;
    static final float LOG_Q2 = 1.1676998740e-1f;
    static final float LOG_Q3 = -1.2420140846e-1f;
    static final float LOG_Q4 = 1.4249322787e-1f;
    static final float LOG_Q5 = -1.6668057665e-1f;
    static final float LOG_Q6 = 2.0000714765e-1f;
    static final float LOG_Q7 = -2.4999993993e-1f;
    static final float LOG_Q8 = 3.3333331174e-1f;

    private FastMath() {}

    /**
     * y[i] = exp(x[i]) for i in [0, n): {@link VectorMath#exp} on the whole vectors if {@code vector}
     * and the JVM has the Vector API, then {@link #exp(float)} for the rest (the same bits either way).
     */
    public static void exp(boolean vector, float[] x, float[] y, int n) {
        int i = vector && Simd.AVAILABLE ? VectorMath.exp(x, y, n) : 0;
        for (; i < n; i++) y[i] = exp(x[i]);
    }

    /** y[i] = log(x[i]) for i in [0, n), as {@link #exp(boolean, float[], float[], int)}. */
    public static void log(boolean vector, float[] x, float[] y, int n) {
        int i = vector && Simd.AVAILABLE ? VectorMath.log(x, y, n) : 0;
        for (; i < n; i++) y[i] = log(x[i]);
    }

    /** e^x in float, within {@link #EXP_MAX_ULP} ulp; the steps are in the class comment. */
    public static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);                 // 1. (NaN stays NaN)
        float big = Math.fma(xc, LOG2E, ROUND);                           // 2. n + 1.5·2²³, rounded
        float n = big - ROUND;                                            //    n as a float, exact
        int ni = Float.floatToRawIntBits(big) - ROUND_BITS;               //    n as an int
        float r = Math.fma(n, -LN2_HI, xc);                               // 3. exact
        r = Math.fma(n, -LN2_LO, r);
        float p = EXP_P0;                                                 // 4. Horner
        p = Math.fma(p, r, EXP_P1);
        p = Math.fma(p, r, EXP_P2);
        p = Math.fma(p, r, EXP_P3);
        p = Math.fma(p, r, EXP_P4);
        p = Math.fma(p, r, EXP_P5);
        float er = Math.fma(p, r * r, r) + 1f;                            //    e^r
        int n1 = ni >> 1;                                                 // 5. 2^n1·2^(n−n1)
        float s1 = Float.intBitsToFloat((n1 + 127) << 23);
        float s2 = Float.intBitsToFloat((ni - n1 + 127) << 23);
        return er * s1 * s2;
    }

    /** i as a float for |i| &lt; 2²², by bits (1.5·2²³ + i has i in its mantissa), as the vector twin does. */
    static float toFloat(int i) {
        return Float.intBitsToFloat(i + ROUND_BITS) - ROUND;
    }

    /** log x in float, within {@link #LOG_MAX_ULP} ulp; the steps are in the class comment. */
    public static float log(float x) {
        boolean tiny = x < Float.MIN_NORMAL;                              // 1. subnormal (or ≤ 0, NaN: see end)
        float xs = tiny ? x * TWO_23 : x;
        float k = tiny ? -23f : 0f;
        int ix = Float.floatToRawIntBits(xs) - SQRT_HALF_BITS;            // 2. e in the exponent field
        float ef = toFloat(ix >> 23) + k;                                 //    exact: small integers
        float m = Float.intBitsToFloat((ix & MANTISSA) + SQRT_HALF_BITS); //    m in [√½, √2)
        float f = m - 1f;                                                 // 3.
        float q = LOG_Q0;                                                 // 4. Horner
        q = Math.fma(q, f, LOG_Q1);
        q = Math.fma(q, f, LOG_Q2);
        q = Math.fma(q, f, LOG_Q3);
        q = Math.fma(q, f, LOG_Q4);
        q = Math.fma(q, f, LOG_Q5);
        q = Math.fma(q, f, LOG_Q6);
        q = Math.fma(q, f, LOG_Q7);
        q = Math.fma(q, f, LOG_Q8);
        float z = f * f;
        float y = q * f * z;                                              //    f³·Q(f)
        y = Math.fma(ef, LN2_LO, y);                                      // 5. small part of e·ln2 first
        y = Math.fma(-0.5f, z, y);                                        //    − f²/2
        float result = Math.fma(ef, LN2_HI, f + y);
        if (!(x > 0f)) result = x == 0f ? Float.NEGATIVE_INFINITY : Float.NaN;  // ±0, negative, NaN
        if (x == Float.POSITIVE_INFINITY) result = Float.POSITIVE_INFINITY;
        return result;
    }
}
