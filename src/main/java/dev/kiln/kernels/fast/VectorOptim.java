package dev.kiln.kernels.fast;

import dev.kiln.kernels.AdamKernel;
import dev.kiln.kernels.SgdKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The optimizer steps of {@link FastOptim} on the Vector API, over one chunk [lo, hi): whole
 * vectors, then the scalar twin for the tail. Each line is the reference's line with the same
 * operations in the same order (no fma), so each lane gets the reference's bits. Loaded only when
 * {@link Simd#AVAILABLE}.
 */
final class VectorOptim {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private VectorOptim() {}

    /** Adam/AdamW; see {@link AdamKernel#step} for the formula. */
    static void adam(float[] p, float[] g, float[] m, float[] v, int lo, int hi, float lr, float beta1, float beta2,
                     float eps, float weightDecay, boolean decoupled, float bc1, float bc2) {
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector grad = decoupled ? gv : gv.add(pv.mul(weightDecay));              // g + wd·p
            FloatVector mv = FloatVector.fromArray(SPECIES, m, i).mul(beta1).add(grad.mul(oneMinusBeta1));
            FloatVector vv = FloatVector.fromArray(SPECIES, v, i).mul(beta2)
                    .add(grad.mul(oneMinusBeta2).mul(grad));                               // ((1 − β2)·g')·g'
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector mHat = mv.div(bc1);
            FloatVector vHat = vv.div(bc2);
            FloatVector update = mHat.div(vHat.sqrt().add(eps));
            if (decoupled) update = update.add(pv.mul(weightDecay));
            pv.sub(update.mul(lr)).intoArray(p, i);
        }
        AdamKernel.step(p, g, m, v, i, hi, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
    }

    /** SGD with momentum; see {@link SgdKernel#step}. */
    static void sgd(float[] p, float[] g, float[] buf, int lo, int hi, float lr, float momentum, float weightDecay) {
        int i = lo;
        for (int end = lo + SPECIES.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, i);
            FloatVector grad = FloatVector.fromArray(SPECIES, g, i).add(pv.mul(weightDecay));
            FloatVector bv = FloatVector.fromArray(SPECIES, buf, i).mul(momentum).add(grad);
            bv.intoArray(buf, i);
            pv.sub(bv.mul(lr)).intoArray(p, i);
        }
        SgdKernel.step(p, g, buf, i, hi, lr, momentum, weightDecay);
    }
}
