package dev.kiln.optim;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.nn.Param;

import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent with momentum, PyTorch's convention (Sutskever et al. 2013 without
 * Nesterov): buf ← μ·buf + (g + wd·p);  p ← p − lr·buf. With μ = 0 it is plain SGD.
 */
public final class Sgd implements Optimizer {

    /** @param lr &gt; 0; momentum in [0, 1); weightDecay ≥ 0 (coupled L2). */
    public record Config(float lr, float momentum, float weightDecay) {
        public Config {
            if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
    }

    private final List<Param> params;
    private final List<float[]> buffers;   // momentum buffers, one per param
    private Config config;
    private long t;
    private final StateHolder holder = new StateHolder();   // which backend may keep the buffers

    public Sgd(List<Param> params, Config config) {
        this.params = List.copyOf(params);
        this.config = config;
        this.buffers = new ArrayList<>();
        for (Param p : this.params) buffers.add(new float[p.size()]);
    }

    @Override
    public void step() {
        t++;
        Backend b = holder.stepOn(Backends.current(), buffers);
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            b.sgdStepKeepingState(p.value.data, p.grad, buffers.get(i), p.size(), config.lr(),
                    config.momentum(), config.weightDecay());
        }
    }

    @Override public List<Param> params() { return params; }

    @Override public float learningRate() { return config.lr(); }

    @Override public void setLearningRate(float lr) { config = new Config(lr, config.momentum(), config.weightDecay()); }

    /** The momentum buffers, current on the host, as {@link Adam#stateArrays}. */
    @Override
    public List<float[]> stateArrays() {
        holder.handBack(buffers);
        return buffers;
    }

    @Override public long stepCount() { return t; }

    @Override public void setStepCount(long t) { this.t = t; }
}
