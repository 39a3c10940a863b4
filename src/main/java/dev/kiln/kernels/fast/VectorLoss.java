package dev.kiln.kernels.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link FastLoss}: each lane does exactly the float operations of the
 * scalar twin in FastLoss, so the two agree bit for bit. Each method does the whole vectors of its
 * range and returns the first index it left for the scalar tail. Loaded only when
 * {@link Simd#AVAILABLE}.
 */
final class VectorLoss {
    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final VectorSpecies<Integer> INTS = VectorMath.INTS;
    private static final int LANES = VectorMath.LANES;

    private static final Scratch ONE_PLUS_E = new Scratch();   // bceTerms: 1 + e per element of a chunk
    private static final Scratch LOG_U = new Scratch();        // bceTerms: log(1 + e)

    private VectorLoss() {}

    /** dx = fma(k, exp(logp) − [c = t], dx) for the cells of row b, s in the whole vectors of [s0, s1). */
    static int addSoftmaxMinusOneHot(float[] logp, int[] targets, float[] k, int b, int classes, int inner, int s0,
                                     int s1, float[] dx) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int s = s0;
        for (; s + LANES <= s1; s += LANES) {
            int base = b * classes * inner + s;                             // [b, 0, s]
            FloatVector kv = FloatVector.fromArray(SPECIES, k, s - s0);
            IntVector t = IntVector.fromArray(INTS, targets, b * inner + s);
            for (int c = 0; c < classes; c++) {
                int i = base + c * inner;
                FloatVector p = VectorMath.exp(FloatVector.fromArray(SPECIES, logp, i));
                VectorMask<Float> hot = t.compare(VectorOperators.EQ, c).cast(SPECIES);
                kv.fma(p.sub(one, hot), FloatVector.fromArray(SPECIES, dx, i)).intoArray(dx, i);
            }
        }
        return s;
    }

    /**
     * loss[i − i0] = FastLoss.bceTerm(x[i], t[i]) for the whole vectors of [i0, i1), in passes over
     * the chunk (e = exp(−|x|); u = 1 + e; log u by the array kernel {@link VectorMath#log(float[],
     * float[], int)}; the rest): one loop with exp, log and the rest in it was too big for C2 to
     * inline every vector operation, and ran 2–20× slower (boxed vectors).
     */
    static int bceTerms(float[] x, float[] t, int i0, int i1, float[] loss) {
        int whole = (i1 - i0) / LANES * LANES;
        float[] u = ONE_PLUS_E.floats(whole), logU = LOG_U.floats(whole);
        for (int j = 0; j < whole; j += LANES) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, x, i0 + j).abs().neg());
            e.intoArray(loss, j);
            e.add(1f).intoArray(u, j);                                      // 1 + e
        }
        VectorMath.log(u, logU, whole);
        for (int j = 0; j < whole; j += LANES) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, i0 + j);
            FloatVector e = FloatVector.fromArray(SPECIES, loss, j);
            FloatVector uv = FloatVector.fromArray(SPECIES, u, j);
            FloatVector log1p = FloatVector.fromArray(SPECIES, logU, j).mul(e.div(uv.sub(1f)))
                    .blend(e, uv.compare(VectorOperators.EQ, 1f));
            xv.max(0f).sub(xv.mul(FloatVector.fromArray(SPECIES, t, i0 + j))).add(log1p).intoArray(loss, j);
        }
        return i0 + whole;
    }

    /** dx = fma(scale, σ(x) − t, dx) for the whole vectors of [i0, i1), σ as FastLoss.sigmoid. */
    static int bceBackward(float[] x, float[] t, int i0, int i1, float scale, float[] dx) {
        FloatVector sv = FloatVector.broadcast(SPECIES, scale);
        int i = i0;
        for (; i + LANES <= i1; i += LANES) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
            FloatVector e = VectorMath.exp(xv.abs().neg());
            FloatVector numerator = e.blend(1f, xv.compare(VectorOperators.GE, 0f));
            FloatVector sigma = numerator.div(e.add(1f));
            sv.fma(sigma.sub(FloatVector.fromArray(SPECIES, t, i)), FloatVector.fromArray(SPECIES, dx, i)).intoArray(dx, i);
        }
        return i;
    }
}
