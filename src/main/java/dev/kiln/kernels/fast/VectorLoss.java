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

    /** loss[i − i0] = FastLoss.bceTerm(x[i], t[i]) for the whole vectors of [i0, i1). */
    static int bceTerms(float[] x, float[] t, int i0, int i1, float[] loss) {
        int i = i0;
        for (; i + LANES <= i1; i += LANES) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
            FloatVector tv = FloatVector.fromArray(SPECIES, t, i);
            FloatVector e = VectorMath.exp(xv.abs().neg());
            FloatVector u = e.add(1f);                                      // 1 + e
            FloatVector log1p = VectorMath.log(u).mul(e.div(u.sub(1f))).blend(e, u.compare(VectorOperators.EQ, 1f));
            xv.max(0f).sub(xv.mul(tv)).add(log1p).intoArray(loss, i - i0);
        }
        return i;
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
