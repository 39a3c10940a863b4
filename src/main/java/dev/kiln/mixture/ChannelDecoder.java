package dev.kiln.mixture;

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
 * One decoder shared by every pot, told which pot it decodes by a learned channel embedding added
 * to its first hidden layer (equivalently: the one-hot of the pot concatenated to z).
 * <pre>
 *   z       : [N, D]    one row per (sample, open pot) pair
 *   channel : [N]       the pot of each row
 *   h0[n, :] = z[n, :]·W0ᵀ + b0 + E[channel[n], :]          [N, H0]   E : [K, H0]
 *   out      = rest(h0) = Linear(ReLU(… ReLU(h0)))           [N, F]    likelihood logits
 *   backward: dh0 = rest.backward(dout)
 *             dE[k, :] += Σ_{n: channel[n] = k} dh0[n, :]     (h0 depends on E[k] with slope 1
 *                                                              exactly in the rows of pot k)
 *             dz = dh0·W0 (and dW0, db0) through {@link Linear}
 * </pre>
 * A pot that is never decoded (a closed one) appears in no row, so its embedding row receives
 * exactly zero gradient.
 *
 * <p>Why shared rather than one decoder per pot: (1) a pot that opens mid-training decodes with a
 * generator that is already trained, so the kick only has to move data to it, not to train a
 * generator from scratch while it competes; (2) every open pot's rows go through one batched GEMM
 * of N = B·|A| rows; (3) the parameter count grows by H0 per pot, not by a whole decoder. The cost
 * is that pots share features and differ only through their embedding, their encoder heads and
 * the data routed to them, as in a conditional VAE whose condition is the pot. The embedding
 * starts at zero: a fresh pot decodes as the shared decoder with no channel offset.
 */
public final class ChannelDecoder {
    private final int latentDim;       // D
    private final int pots;            // K
    private final int firstWidth;      // H0
    private final Linear first;        // D → H0
    private final Param embedding;     // [K, H0]
    private final Layer rest;          // H0 → … → F
    private int[] channel;             // [N], the last forward's pots

    /**
     * @param latentDim D
     * @param hidden    the hidden widths, first to last (H0 = hidden[0] sits next to z)
     * @param out       F, the likelihood logits per sample
     * @param pots      K
     */
    public ChannelDecoder(int latentDim, int[] hidden, int out, int pots, Rng rng) {
        this(latentDim, hidden, out, pots, ReLU::new, rng);
    }

    /**
     * As above with another hidden activation (the gradient tests use a smooth one, so that central
     * differences never straddle a ReLU kink).
     */
    ChannelDecoder(int latentDim, int[] hidden, int out, int pots, Supplier<Layer> activation, Rng rng) {
        if (hidden.length == 0) throw new IllegalArgumentException("ChannelDecoder needs at least one hidden layer");
        this.latentDim = latentDim;
        this.pots = pots;
        this.firstWidth = hidden[0];
        this.first = new Linear(latentDim, firstWidth, rng);
        this.embedding = new Param("embedding", Tensor.zeros(pots, firstWidth));
        List<Layer> layers = new ArrayList<>();
        int width = firstWidth;
        for (int i = 1; i < hidden.length; i++) {
            layers.add(activation.get());
            layers.add(new Linear(width, hidden[i], rng));
            width = hidden[i];
        }
        layers.add(activation.get());
        layers.add(new Linear(width, out, rng));
        this.rest = new Sequential(layers);
    }

    /** Likelihood logits for each row's z decoded by its pot, [N, F]. */
    public Tensor forward(Tensor z, int[] channel) {
        z.requireShape(describe(), -1, latentDim);
        int rows = z.dim(0);
        if (channel.length != rows) {
            throw new IllegalArgumentException(describe() + ": " + channel.length + " channels for " + rows + " rows");
        }
        Tensor h0 = first.forward(z);                                   // [N, H0]
        float[] e = embedding.value.data;
        for (int n = 0; n < rows; n++) {
            int k = channel[n];
            if (k < 0 || k >= pots) throw new IllegalArgumentException(describe() + ": pot " + k + " outside [0, " + pots + ")");
            int row = n * firstWidth, erow = k * firstWidth;
            for (int j = 0; j < firstWidth; j++) h0.data[row + j] += e[erow + j];
        }
        this.channel = channel.clone();
        return rest.forward(h0);
    }

    /** ∂L/∂z [N, D] from ∂L/∂out; adds into every parameter's gradient. */
    public Tensor backward(Tensor dOut) {
        if (channel == null) throw new IllegalStateException(describe() + ": backward() before forward()");
        Tensor dh0 = rest.backward(dOut);                               // [N, H0]
        float[] de = embedding.grad;
        for (int n = 0; n < channel.length; n++) {
            int row = n * firstWidth, erow = channel[n] * firstWidth;
            for (int j = 0; j < firstWidth; j++) de[erow + j] += dh0.data[row + j];
        }
        return first.backward(dh0);
    }

    /** {@code first.*}, {@code embedding}, {@code rest.*}. */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Param p : first.params()) all.add(p.prefixed("first"));
        all.add(embedding);
        for (Param p : rest.params()) all.add(p.prefixed("rest"));
        return all;
    }

    /** The first layer's weight W0, [H0, D]. */
    Param firstWeight() {
        return first.weight();
    }

    /** The embedding parameter, [K, H0]. */
    public Param embedding() {
        return embedding;
    }

    public String describe() {
        return "ChannelDecoder(D=" + latentDim + ", K=" + pots + ", " + first.describe() + " + embedding, "
                + rest.describe() + ")";
    }
}
