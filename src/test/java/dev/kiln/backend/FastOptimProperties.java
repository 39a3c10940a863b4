package dev.kiln.backend;

import dev.kiln.rand.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;

import static dev.kiln.backend.EdgeFloats.FAST;
import static dev.kiln.backend.EdgeFloats.assertGuardIntact;
import static dev.kiln.backend.EdgeFloats.lengthClass;
import static dev.kiln.backend.EdgeFloats.nonNegativeWithEdges;
import static dev.kiln.backend.EdgeFloats.withEdges;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fast optimizer steps (Adam/AdamW, SGD with momentum; Vector API and scalar twin, one thread
 * and three) give the reference's float bits for p, m, v and the momentum buffer, for random
 * hyperparameters, at edge values and at every length around the vector and chunk edges.
 */
class FastOptimProperties {

    @Provide
    Arbitrary<Integer> lengths() {
        return EdgeFloats.lengths();
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60)
    void adamIsTheReferenceBitForBitOnBothPathsAndAnyThreadCount(
            @ForAll("lengths") int n, @ForAll boolean decoupled,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float lr = (float) Math.pow(10, -5 + 5 * rng.nextDouble());
        float beta1 = rng.nextInt(3) == 0 ? 0f : 1f - (float) Math.pow(10, -3 * rng.nextDouble());
        float beta2 = 1f - (float) Math.pow(10, -1 - 4 * rng.nextDouble());
        float eps = new float[] {1e-8f, 1e-6f, 0f}[rng.nextInt(3)];
        float weightDecay = new float[] {0f, 0.01f, 0.3f}[rng.nextInt(3)];
        int t = 1 + rng.nextInt(10_000);
        float bc1 = 1f - (float) Math.pow(beta1, t);
        float bc2 = 1f - (float) Math.pow(beta2, t);
        float[] p0 = withEdges(rng, n, 1f), g = withEdges(rng, n, 1f);
        float[] m0 = withEdges(rng, n, 0.1f), v0 = nonNegativeWithEdges(rng, n, 0.01f);

        float[] pRef = p0.clone(), mRef = m0.clone(), vRef = v0.clone();
        ReferenceBackend.INSTANCE.adamStep(pRef, g, mRef, vRef, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
        for (FastCpuBackend fast : FAST) {
            String where = "n = " + n + ", decoupled " + decoupled + ", lr " + lr + ", β " + beta1 + "/" + beta2
                    + ", eps " + eps + ", wd " + weightDecay + ", " + fast.threads() + " threads, vector " + fast.vector();
            float[] p = p0.clone(), m = m0.clone(), v = v0.clone();
            fast.adamStep(p, g, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
            assertArrayEquals(pRef, p, "p, " + where);
            assertArrayEquals(mRef, m, "m, " + where);
            assertArrayEquals(vRef, v, "v, " + where);
            assertGuardIntact(p, n, "p, " + where);
            assertGuardIntact(m, n, "m, " + where);
            assertGuardIntact(v, n, "v, " + where);
        }
        Statistics.label("length").collect(lengthClass(n));
        Statistics.label("weight decay").collect(weightDecay == 0f ? "none" : decoupled ? "decoupled" : "coupled");
        Statistics.label("weight decay").coverage(c -> {
            c.check("decoupled").count(k -> k > 0);
            c.check("coupled").count(k -> k > 0);
        });
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 40)
    void sgdIsTheReferenceBitForBitOnBothPathsAndAnyThreadCount(
            @ForAll("lengths") int n, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float lr = (float) Math.pow(10, -4 + 4 * rng.nextDouble());
        float momentum = rng.nextInt(3) == 0 ? 0f : rng.nextFloat();
        float weightDecay = new float[] {0f, 1e-4f, 0.1f}[rng.nextInt(3)];
        float[] p0 = withEdges(rng, n, 1f), g = withEdges(rng, n, 1f), buf0 = withEdges(rng, n, 0.5f);
        float[] pRef = p0.clone(), bufRef = buf0.clone();
        ReferenceBackend.INSTANCE.sgdStep(pRef, g, bufRef, n, lr, momentum, weightDecay);
        for (FastCpuBackend fast : FAST) {
            String where = "n = " + n + ", lr " + lr + ", μ " + momentum + ", wd " + weightDecay + ", "
                    + fast.threads() + " threads, vector " + fast.vector();
            float[] p = p0.clone(), buf = buf0.clone();
            fast.sgdStep(p, g, buf, n, lr, momentum, weightDecay);
            assertArrayEquals(pRef, p, "p, " + where);
            assertArrayEquals(bufRef, buf, "buf, " + where);
            assertGuardIntact(p, n, "p, " + where);
            assertGuardIntact(buf, n, "buf, " + where);
        }
        Statistics.label("length").collect(lengthClass(n));
    }

    /**
     * One Adam step by hand (values exact in binary, so the expected results are exact): β1 = 0.5,
     * β2 = 0.75, bc1 = 0.5, bc2 = 0.25, g = 2, m = v = 0, p = 1, eps = 0, lr = 0.125:
     * m = 1, v = 1, m̂ = 2, v̂ = 4, update = 2/2 = 1; coupled wd 0.25 makes g' = 2.25; decoupled wd
     * 0.25 adds 0.25·p to the update. Over 40 parameters, so the vector loop meets them.
     */
    @Test
    void oneAdamStepByHand() {
        int n = 40;
        for (FastCpuBackend fast : FAST) {
            String where = fast.threads() + " threads, vector " + fast.vector();
            float[] p = filled(n, 1f), g = filled(n, 2f), m = new float[n], v = new float[n];
            fast.adamStep(p, g, m, v, n, 0.125f, 0.5f, 0.75f, 0f, 0f, true, 0.5f, 0.25f);
            for (int i = 0; i < n; i++) {
                assertEquals(1f, m[i], "m, " + where);
                assertEquals(1f, v[i], "v, " + where);
                assertEquals(0.875f, p[i], "p = 1 − 0.125·1, " + where);
            }
            float[] pd = filled(n, 1f), md = new float[n], vd = new float[n];
            fast.adamStep(pd, g, md, vd, n, 0.125f, 0.5f, 0.75f, 0f, 0.25f, true, 0.5f, 0.25f);
            for (int i = 0; i < n; i++) assertEquals(1f - 0.125f * 1.25f, pd[i], "AdamW p, " + where);
            float[] pc = filled(n, 1f), mc = new float[n], vc = new float[n];
            fast.adamStep(pc, g, mc, vc, n, 0.125f, 0.5f, 0.75f, 0f, 0.25f, false, 0.5f, 0.25f);
            for (int i = 0; i < n; i++) {
                assertEquals(1.125f, mc[i], "m = 0.5·2.25, " + where);
                assertEquals(0.25f * 2.25f * 2.25f, vc[i], "v = 0.25·2.25², " + where);
                assertEquals(1f - 0.125f * (2.25f / (2.25f + 0f)), pc[i], "coupled p, " + where);
            }
        }
    }

    /** One SGD step by hand: g' = 2 + 0.5·1 = 2.5, buf = 0.5·1 + 2.5 = 3, p = 1 − 0.25·3 = 0.25. */
    @Test
    void oneSgdStepByHand() {
        int n = 40;
        for (FastCpuBackend fast : FAST) {
            float[] p = filled(n, 1f), g = filled(n, 2f), buf = filled(n, 1f);
            fast.sgdStep(p, g, buf, n, 0.25f, 0.5f, 0.5f);
            for (int i = 0; i < n; i++) {
                assertEquals(3f, buf[i], fast.threads() + " threads, vector " + fast.vector());
                assertEquals(0.25f, p[i], fast.threads() + " threads, vector " + fast.vector());
            }
        }
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
