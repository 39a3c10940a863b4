package dev.kiln.optim;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.nn.Param;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015) and AdamW (Loshchilov &amp; Hutter 2019), one fused loop per parameter
 * tensor through {@link dev.kiln.backend.Backend#adamStep}.
 * <pre>
 *   m ← β1·m + (1 − β1)·g          first moment
 *   v ← β2·v + (1 − β2)·g²         second moment
 *   m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)     bias corrections (t counts from 1)
 *   p ← p − lr·m̂ / (√v̂ + ε)
 * </pre>
 * At t = 1, m̂ = g and v̂ = g², so the first step is lr·g/(|g| + ε) ≈ lr·sign(g) for every
 * parameter whatever the gradient's scale. Weight decay: Adam adds wd·p to g before the moments
 * (L2, coupled, so it is rescaled by 1/√v̂); AdamW subtracts lr·wd·p beside the Adam update
 * (decoupled, the same relative shrink for every weight).
 */
public final class Adam implements Optimizer {

    /**
     * @param lr          learning rate, &gt; 0
     * @param beta1       first-moment decay, in [0, 1)
     * @param beta2       second-moment decay, in [0, 1)
     * @param eps         added to √v̂, &gt; 0
     * @param weightDecay ≥ 0
     * @param decoupled   true for AdamW
     */
    public record Config(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        public Config {
            if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }

        /** PyTorch's Adam defaults with the given learning rate. */
        public static Config adam(float lr) {
            return new Config(lr, 0.9f, 0.999f, 1e-8f, 0f, false);
        }

        /** AdamW with PyTorch's default betas and eps. */
        public static Config adamW(float lr, float weightDecay) {
            return new Config(lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
        }
    }

    private final List<Param> params;
    private final List<float[]> m;   // first moments, one per param, same length
    private final List<float[]> v;   // second moments
    private Config config;
    private long t;
    private final StateHolder holder = new StateHolder();   // which backend may keep m and v

    public Adam(List<Param> params, Config config) {
        this.params = List.copyOf(params);
        this.config = config;
        this.m = new ArrayList<>();
        this.v = new ArrayList<>();
        for (Param p : this.params) {
            m.add(new float[p.size()]);
            v.add(new float[p.size()]);
        }
    }

    @Override
    public void step() {
        t++;
        float bc1 = (float) (1 - Math.pow(config.beta1(), t));
        float bc2 = (float) (1 - Math.pow(config.beta2(), t));
        Backend b = holder.stepOn(Backends.current(), state());
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            b.adamStepKeepingState(p.value.data, p.grad, m.get(i), v.get(i), p.size(), config.lr(),
                    config.beta1(), config.beta2(), config.eps(), config.weightDecay(), config.decoupled(), bc1, bc2);
        }
    }

    @Override public List<Param> params() { return params; }

    @Override public float learningRate() { return config.lr(); }

    @Override
    public void setLearningRate(float lr) {
        config = new Config(lr, config.beta1(), config.beta2(), config.eps(), config.weightDecay(), config.decoupled());
    }

    /**
     * m of each parameter, then v of each, current on the host; the backend that stepped them has
     * handed them back ({@link Backend#handBack}), so the caller may read and write them until the
     * next {@link #step()}.
     */
    @Override
    public List<float[]> stateArrays() {
        List<float[]> all = state();
        holder.handBack(all);
        return all;
    }

    private List<float[]> state() {
        List<float[]> all = new ArrayList<>(m);
        all.addAll(v);
        return all;
    }

    @Override public long stepCount() { return t; }

    @Override public void setStepCount(long t) { this.t = t; }

    public Config config() { return config; }
}
