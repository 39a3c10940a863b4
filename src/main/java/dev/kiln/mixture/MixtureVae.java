package dev.kiln.mixture;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.loss.Reparameterize;
import dev.kiln.loss.Softmax;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Param;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The responsibility-conditioned mixture VAE of seed 004: K = K_max latent channels ("pots"), each
 * with its own Gaussian posterior q(z_c | x), a channel posterior q(c | x) from logits, and one shared
 * decoder told which pot it decodes ({@link ChannelDecoder}).
 * <pre>
 *   x      : [B, F_in]
 *   h      = body(x)                              [B, H]      MLP, ReLU
 *   y      = logitHead(h)                         [B, K]      raw channel logits
 *   mu     = muHead(h), logVar = logVarHead(h)    [B, K·D]    channel c at columns c·D … c·D + D − 1
 *   z      = mu + exp(½·logVar)·ε                 [B, K·D]    (z = mu when not sampling)
 *   ỹ      = y + bias                             [B, K]      bias: the kick's push toward a new pot (or 0)
 *   q      = softmax_A(ỹ)                         [B, K]      responsibilities, weight the KL
 *   w      = route(ỹ; A, τ)                       [B, K]      routing weights ({@link Routing})
 *   d[b·n + a] = decoder(z[b, A_a], A_a)           [B·n, F]    every open pot a of every sample, n = |A|
 *   out[b] = Σ_a w[b, A_a]·d[b·n + a]              [B, F]      the routed reconstruction (likelihood logits)
 * </pre>
 * The objective (built by the trainer) is recon(out, x) + β·Σ_k q_k·KL_k + λ·penalty(y), with
 * KL_k the Gaussian KL of channel k and the penalty {@link LogitMogPrior} on the raw y.
 *
 * <p><b>Backward</b>, given ∂L/∂out, ∂L/∂q, a direct ∂L/∂y (the penalty) and ∂L/∂mu, ∂L/∂logVar
 * (the KL):
 * <pre>
 *   dw[b, A_a] = Σ_f dout[b, f]·d[b·n + a, f]          (out is linear in w)
 *   dd[b·n + a] = w[b, A_a]·dout[b]                      (and in d)
 *   dz[b, A_a] = decoder.backward(dd)[b·n + a]           closed pots: dz = 0
 *   dmu, dlogVar = reparameterize.backward(dz) + the KL's
 *   dy = routing.backward(dw) + softmaxBackward(q, dq) + direct      (the bias is a constant)
 *   dh = logitHead.backward(dy) + muHead.backward(dmu) + logVarHead.backward(dlogVar)
 *   body.backwardParams(dh)                              (no gradient for the data)
 * </pre>
 * <b>Closed pots.</b> A closed pot k has w_k = q_k = 0 exactly, is never decoded, and the penalty
 * ignores it, so ∂L/∂y_k = 0, dmu and dlogVar of its columns are 0 (the KL term's gradient there is
 * β·q_k·(…) = 0), and its rows of the three heads and its embedding row receive exactly zero
 * gradient. A property test checks this on the whole model.
 */
public final class MixtureVae {
    private final int inputSize;     // F_in
    private final int pots;          // K
    private final int latentDim;     // D
    private final int outputSize;    // F
    private final Layer body;
    private final Linear logitHead;  // H → K
    private final Linear muHead;     // H → K·D
    private final Linear logVarHead; // H → K·D
    private final ChannelDecoder decoder;
    private final Rng noise;         // ε of the reparameterization
    private final Rng gumbel;        // g of the routing
    private final Reparameterize reparam;
    private final Routing routing;
    private final Softmax responsibilities = new Softmax();

    // the last training forward, for backward
    private Pass last;

    /**
     * What one training step routes with.
     *
     * @param active      the open pots, [K]
     * @param mode        routing mode
     * @param temperature τ of the routing
     * @param bias        added to the logits for q and routing, [K], or null for none (the kick)
     * @param sample      draw z (true) or take z = mu
     */
    public record Step(boolean[] active, RoutingMode mode, float temperature, float[] bias, boolean sample) {}

    /** The tensors of one training forward pass (shapes in the class comment). */
    public record Pass(Tensor logits, Tensor responsibilities, Tensor weights, Tensor mu, Tensor logVar, Tensor z,
                       int[] open, Tensor decoded, Tensor out) {}

    /** The gradients the objective hands back (any may be null for "no such term"). */
    public record Grads(Tensor dOut, Tensor dResponsibilities, Tensor dLogits, Tensor dMu, Tensor dLogVar) {}

    /**
     * @param inputSize  F_in
     * @param hidden     encoder widths, first to last; the decoder mirrors them
     * @param latentDim  D per pot
     * @param pots       K = K_max
     * @param likelihood fixes F
     * @param rng        initializes the weights; two splits of it draw ε and the Gumbel noise
     */
    public MixtureVae(int inputSize, int[] hidden, int latentDim, int pots, Likelihood likelihood, Rng rng) {
        this(inputSize, hidden, latentDim, pots, likelihood, ReLU::new, rng);
    }

    /** As above with another hidden activation than ReLU (the gradient tests use a smooth one). */
    MixtureVae(int inputSize, int[] hidden, int latentDim, int pots, Likelihood likelihood,
               Supplier<Layer> activation, Rng rng) {
        if (hidden.length == 0) throw new IllegalArgumentException("MixtureVae needs at least one hidden layer");
        this.inputSize = inputSize;
        this.pots = pots;
        this.latentDim = latentDim;
        this.outputSize = likelihood.outputSize();
        List<Layer> enc = new ArrayList<>();
        int width = inputSize;
        for (int h : hidden) {
            enc.add(new Linear(width, h, rng));
            enc.add(activation.get());
            width = h;
        }
        this.body = new Sequential(enc);
        this.logitHead = new Linear(width, pots, rng);
        this.muHead = new Linear(width, pots * latentDim, rng);
        this.logVarHead = new Linear(width, pots * latentDim, rng);
        int[] mirrored = new int[hidden.length];
        for (int i = 0; i < hidden.length; i++) mirrored[i] = hidden[hidden.length - 1 - i];
        this.decoder = new ChannelDecoder(latentDim, mirrored, outputSize, pots, activation, rng);
        this.noise = rng.split();
        this.gumbel = rng.split();
        this.reparam = new Reparameterize(noise);
        this.routing = new Routing(gumbel);
    }

    // ------------------------------------------------------------------------------------ training pass

    /** The training forward pass; keeps what {@link #backward} needs. */
    public Pass forward(Tensor x, Step step) {
        x.requireShape("MixtureVae", -1, inputSize);
        if (step.active().length != pots) {
            throw new IllegalArgumentException("MixtureVae: mask has " + step.active().length + " pots, the model " + pots);
        }
        Pots.requireOpen("MixtureVae", step.active());
        int batch = x.dim(0);
        Tensor h = body.forward(x);                                          // [B, H]
        Tensor y = logitHead.forward(h);                                     // [B, K]
        Tensor mu = muHead.forward(h);                                       // [B, K·D]
        Tensor logVar = logVarHead.forward(h);                               // [B, K·D]
        Tensor z = step.sample() ? reparam.forward(mu, logVar) : reparam.forwardMean(mu, logVar);

        Tensor biased = withBias(y, step.bias());                            // ỹ [B, K]
        Tensor q = responsibilities.forward(masked(biased, step.active()));  // [B, K]
        Tensor w = routing.forward(biased, step.active(), step.mode(), step.temperature());

        int[] open = Pots.list(step.active());
        int n = open.length;
        Tensor zOpen = Tensor.zeros(batch * n, latentDim);                   // [B·n, D]
        int[] channel = new int[batch * n];                                  // [B·n]
        for (int b = 0; b < batch; b++) {
            for (int a = 0; a < n; a++) {
                int row = b * n + a;
                System.arraycopy(z.data, (b * pots + open[a]) * latentDim, zOpen.data, row * latentDim, latentDim);
                channel[row] = open[a];
            }
        }
        Tensor decoded = decoder.forward(zOpen, channel);                    // [B·n, F]
        float[] wOpen = gather(w, open);                                     // [B, n]
        Tensor out = Tensor.zeros(batch, outputSize);                        // [B, F]
        Backend be = Backends.current();
        for (int b = 0; b < batch; b++) {
            // out[b, :] = wOpen[b, :]·d[b·n … b·n + n − 1, :]          [1, n]·[n, F]
            be.gemm(false, false, 1, outputSize, n, wOpen, b * n, decoded.data, b * n * outputSize,
                    out.data, b * outputSize, false);
        }
        this.last = new Pass(y, q, w, mu, logVar, z, open, decoded, out);
        return last;
    }

    /** Backpropagates the objective through the whole model, adding into every parameter's gradient. */
    public void backward(Grads g) {
        if (last == null) throw new IllegalStateException("MixtureVae: backward() before forward()");
        Pass p = last;
        int batch = p.out().dim(0);
        int[] open = p.open();
        int n = open.length;
        Backend be = Backends.current();

        // 1. through the routed sum: dw and dd
        float[] dwOpen = new float[batch * n];                               // [B, n]
        Tensor dDecoded = Tensor.zeros(batch * n, outputSize);               // [B·n, F]
        if (g.dOut() != null) {
            g.dOut().requireShape("MixtureVae backward dOut", batch, outputSize);
            float[] wOpen = gather(p.weights(), open);                       // [B, n]
            for (int b = 0; b < batch; b++) {
                // dw[b, :] = dout[b, :]·d_bᵀ          [1, F]·[F, n]
                be.gemm(false, true, 1, n, outputSize, g.dOut().data, b * outputSize, p.decoded().data,
                        b * n * outputSize, dwOpen, b * n, false);
                // dd_b = wOpen[b, :]ᵀ·dout[b, :]       [n, 1]·[1, F]
                be.gemm(true, false, n, outputSize, 1, wOpen, b * n, g.dOut().data, b * outputSize,
                        dDecoded.data, b * n * outputSize, false);
            }
        }
        // 2. decoder, scattered back to the open pots' columns of z
        Tensor dzOpen = decoder.backward(dDecoded);                          // [B·n, D]
        Tensor dz = p.z().zerosLike();                                       // [B, K·D], closed columns 0
        for (int b = 0; b < batch; b++) {
            for (int a = 0; a < n; a++) {
                System.arraycopy(dzOpen.data, (b * n + a) * latentDim, dz.data, (b * pots + open[a]) * latentDim,
                        latentDim);
            }
        }
        Reparameterize.Grads r = reparam.backward(dz);
        Tensor dMu = r.dMu();
        Tensor dLogVar = r.dLogVar();
        addInto(dMu, g.dMu());
        addInto(dLogVar, g.dLogVar());

        // 3. logits: routing, responsibilities, and the direct term
        Tensor dw = p.weights().zerosLike();                                 // [B, K]
        for (int b = 0; b < batch; b++) {
            for (int a = 0; a < n; a++) dw.data[b * pots + open[a]] = dwOpen[b * n + a];
        }
        Tensor dy = routing.backward(dw);
        if (g.dResponsibilities() != null) addInto(dy, responsibilities.backward(g.dResponsibilities()));
        addInto(dy, g.dLogits());

        // 4. heads and body
        Tensor dh = logitHead.backward(dy);
        addInto(dh, muHead.backward(dMu));
        addInto(dh, logVarHead.backward(dLogVar));
        body.backwardParams(dh);                                   // the data needs no gradient
    }

    // ------------------------------------------------------------------------------------ evaluation

    /**
     * The deterministic pass used for validation and diagnostics: z = mu, each sample decoded by
     * its most responsible open pot c* = argmax_A y (ties: the lower index). Its tensors are the
     * layers' own output buffers (see {@link dev.kiln.nn.Layer}): valid until this model's next
     * {@code evaluate} or {@code forward}; copy what you keep longer.
     *
     * @param logits           y [B, K]
     * @param responsibilities softmax_A(y) [B, K], no bias, no temperature, no noise
     * @param chosen           c* [B]
     * @param mu               [B, K·D]
     * @param logVar           [B, K·D]
     * @param out              likelihood logits of each sample decoded by c* from mu_{c*}, [B, F]
     */
    public record Evaluation(Tensor logits, Tensor responsibilities, int[] chosen, Tensor mu, Tensor logVar,
                             Tensor out) {}

    /** See {@link Evaluation}. Keeps nothing for backward. */
    public Evaluation evaluate(Tensor x, boolean[] active) {
        x.requireShape("MixtureVae.evaluate", -1, inputSize);
        Pots.requireOpen("MixtureVae.evaluate", active);
        int batch = x.dim(0);
        Tensor h = body.forward(x);
        Tensor y = logitHead.forward(h);
        Tensor mu = muHead.forward(h);
        Tensor logVar = logVarHead.forward(h);
        Tensor resp = y.zerosLike();                                         // [B, K]
        Backends.current().softmax(masked(y, active).data, batch, pots, 1, resp.data);
        int[] chosen = new int[batch];
        Tensor zChosen = Tensor.zeros(batch, latentDim);                     // [B, D]
        for (int b = 0; b < batch; b++) {
            int best = -1;
            for (int k = 0; k < pots; k++) {
                if (active[k] && (best < 0 || y.data[b * pots + k] > y.data[b * pots + best])) best = k;
            }
            chosen[b] = best;
            System.arraycopy(mu.data, (b * pots + best) * latentDim, zChosen.data, b * latentDim, latentDim);
        }
        Tensor out = decoder.forward(zChosen, chosen);
        return new Evaluation(y, resp, chosen, mu, logVar, out);
    }

    /** Decodes latent codes z [N, D], row n by pot {@code channel[n]}: likelihood logits [N, F]. */
    public Tensor decode(Tensor z, int[] channel) {
        return decoder.forward(z, channel);
    }

    // ------------------------------------------------------------------------------------ opening a pot

    /**
     * Starts pot {@code child} as a copy of pot {@code parent} split along {@code axis} (see
     * {@link PotSplit}): the child's μ and log σ² head rows and decoder embedding row become the
     * parent's; with δ = margin/spread and g = δ·uᵀW_μ[parent] (bias part g_b = δ·(uᵀb_μ[parent] − uᵀm)),
     * the logit rows become w_child = w_parent + g/2 and w_parent = w_parent − g/2, so that
     * y_child − y_parent = δ·uᵀ(μ_parent − m) and their mean, y_parent before the split, is unchanged.
     */
    public void splitPot(int parent, int child, PotSplit.Axis axis, double margin) {
        if (parent == child || parent < 0 || child < 0 || parent >= pots || child >= pots) {
            throw new IllegalArgumentException("splitPot: parent " + parent + ", child " + child + " of " + pots);
        }
        int hiddenWidth = logitHead.weight().value.dim(1);
        for (Linear head : new Linear[] {muHead, logVarHead}) {
            float[] w = head.weight().value.data;                     // [K·D, H]
            float[] b = head.bias().value.data;                       // [K·D]
            System.arraycopy(w, parent * latentDim * hiddenWidth, w, child * latentDim * hiddenWidth,
                    latentDim * hiddenWidth);
            System.arraycopy(b, parent * latentDim, b, child * latentDim, latentDim);
        }
        float[] e = decoder.embedding().value.data;                   // [K, H0]
        int h0 = decoder.embedding().value.dim(1);
        System.arraycopy(e, parent * h0, e, child * h0, h0);

        double half = 0.5 * margin / axis.spread();                   // δ/2
        float[] u = axis.direction();                                 // [D]
        float[] wy = logitHead.weight().value.data;                   // [K, H]
        float[] by = logitHead.bias().value.data;                     // [K]
        float[] wm = muHead.weight().value.data;                      // [K·D, H]
        float[] bm = muHead.bias().value.data;                        // [K·D]
        for (int j = 0; j < hiddenWidth; j++) {
            double g = 0;                                             // (uᵀ W_μ[parent])_j
            for (int d = 0; d < latentDim; d++) g += u[d] * wm[(parent * latentDim + d) * hiddenWidth + j];
            double w = wy[parent * hiddenWidth + j];
            wy[child * hiddenWidth + j] = (float) (w + half * g);
            wy[parent * hiddenWidth + j] = (float) (w - half * g);
        }
        double gb = 0;                                                // uᵀb_μ[parent] − uᵀm
        for (int d = 0; d < latentDim; d++) gb += u[d] * ((double) bm[parent * latentDim + d] - axis.center()[d]);
        double b = by[parent];
        by[child] = (float) (b + half * gb);
        by[parent] = (float) (b - half * gb);
    }

    /**
     * Moves pot k's codes by −m without changing a single reconstruction: the μ head's bias for pot k
     * becomes b_μ[k] − m and the pot's embedding becomes E[k] + W0·m, so that
     * <pre>
     *   h0 = W0·(μ − m + σ·ε) + b0 + E[k] + W0·m = W0·(μ + σ·ε) + b0 + E[k]      (unchanged)
     * </pre>
     * With m the mean code of the samples the pot explains, its codes are centred on the prior's
     * mean again (lower KL), and the pot's location in code space moves into its embedding, which
     * is what makes a pot decode its own kind of sample from z ~ N(0, I).
     *
     * @param mean m, [D]
     */
    public void recentre(int pot, float[] mean) {
        if (mean.length != latentDim) throw new IllegalArgumentException("recentre: mean has " + mean.length + " values, D = " + latentDim);
        float[] bm = muHead.bias().value.data;                        // [K·D]
        for (int d = 0; d < latentDim; d++) bm[pot * latentDim + d] -= mean[d];
        float[] w0 = decoder.firstWeight().value.data;                // [H0, D]
        float[] e = decoder.embedding().value.data;                   // [K, H0]
        int h0 = decoder.embedding().value.dim(1);
        for (int j = 0; j < h0; j++) {
            double shift = 0;
            for (int d = 0; d < latentDim; d++) shift += (double) w0[j * latentDim + d] * mean[d];
            e[pot * h0 + j] += (float) shift;
        }
    }

    /**
     * A contiguous run of one parameter's values that belongs to a single pot.
     *
     * @param param  index into {@link #params()}
     * @param offset first value
     * @param length number of values
     */
    public record Slice(int param, int offset, int length) {}

    /**
     * The values that belong to pot k alone: its logit row (weight [H] and bias), its D rows of the
     * μ and log σ² heads (weights [D·H] and biases [D]) and its decoder embedding row [H0]. Every
     * other parameter is shared by all pots. A split copies these slices from parent to child, in
     * the parameters and in the optimizer's moments alike.
     */
    public List<Slice> potSlices(int pot) {
        List<Param> all = params();
        int hiddenWidth = logitHead.weight().value.dim(1);
        int h0 = decoder.embedding().value.dim(1);
        List<Slice> out = new ArrayList<>();
        out.add(new Slice(indexOf(all, logitHead.weight()), pot * hiddenWidth, hiddenWidth));
        out.add(new Slice(indexOf(all, logitHead.bias()), pot, 1));
        for (Linear head : new Linear[] {muHead, logVarHead}) {
            out.add(new Slice(indexOf(all, head.weight()), pot * latentDim * hiddenWidth, latentDim * hiddenWidth));
            out.add(new Slice(indexOf(all, head.bias()), pot * latentDim, latentDim));
        }
        out.add(new Slice(indexOf(all, decoder.embedding()), pot * h0, h0));
        return out;
    }

    private static int indexOf(List<Param> all, Param p) {
        for (int i = 0; i < all.size(); i++) if (all.get(i).grad == p.grad) return i;   // prefixed views share grad
        throw new IllegalStateException("parameter " + p.name + " not found");
    }

    // ------------------------------------------------------------------------------------ parameters

    /** {@code body.*}, {@code logits.*}, {@code mu.*}, {@code logvar.*}, {@code decoder.*}, in that order. */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Param p : body.params()) all.add(p.prefixed("body"));
        for (Param p : logitHead.params()) all.add(p.prefixed("logits"));
        for (Param p : muHead.params()) all.add(p.prefixed("mu"));
        for (Param p : logVarHead.params()) all.add(p.prefixed("logvar"));
        for (Param p : decoder.params()) all.add(p.prefixed("decoder"));
        return all;
    }

    public int pots() {
        return pots;
    }

    public int latentDim() {
        return latentDim;
    }

    public int outputSize() {
        return outputSize;
    }

    /** The generator of ε, for checkpoints. */
    public Rng noise() {
        return noise;
    }

    /** The generator of the Gumbel noise, for checkpoints. */
    public Rng gumbel() {
        return gumbel;
    }

    public String describe() {
        return "MixtureVae(body=" + body.describe() + ", K=" + pots + ", D=" + latentDim + ", decoder="
                + decoder.describe() + ")";
    }

    // ------------------------------------------------------------------------------------ helpers

    /** ỹ = y + bias (a copy; y itself when bias is null). */
    private static Tensor withBias(Tensor y, float[] bias) {
        if (bias == null) return y;
        int batch = y.dim(0), pots = y.dim(1);
        if (bias.length != pots) throw new IllegalArgumentException("MixtureVae: bias has " + bias.length + " pots, logits " + pots);
        Tensor out = y.copy();
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pots; k++) out.data[b * pots + k] += bias[k];
        }
        return out;
    }

    /** A copy of x [B, K] with closed pots set to −∞ (so a softmax gives them exactly 0). */
    static Tensor masked(Tensor x, boolean[] active) {
        int batch = x.dim(0), pots = x.dim(1);
        Tensor out = x.copy();
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pots; k++) if (!active[k]) out.data[b * pots + k] = Float.NEGATIVE_INFINITY;
        }
        return out;
    }

    /** w[:, open] as a compact [B, n] array. */
    private static float[] gather(Tensor w, int[] open) {
        int batch = w.dim(0), pots = w.dim(1), n = open.length;
        float[] out = new float[batch * n];
        for (int b = 0; b < batch; b++) {
            for (int a = 0; a < n; a++) out[b * n + a] = w.data[b * pots + open[a]];
        }
        return out;
    }

    private static void addInto(Tensor into, Tensor g) {
        if (g == null) return;
        Tensor.requireSameShape("MixtureVae backward", into, g);
        Backends.current().axpy(1f, g.data, into.data, into.size());
    }
}
