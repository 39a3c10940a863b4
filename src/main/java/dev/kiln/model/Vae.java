package dev.kiln.model;

import dev.kiln.loss.Reparameterize;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Param;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A Gaussian VAE assembled from parts (Kingma &amp; Welling 2014), as pytorch/examples' vae/main.py
 * cuts it: encode, reparameterize, decode.
 * <pre>
 *   x      : input, any shape with batch first
 *   h      = encoder(x)                  [B, H]
 *   mu     = muHead(h)                   [B, D]
 *   logVar = logVarHead(h)               [B, D]   log σ²
 *   z      = mu + exp(½·logVar)·ε        [B, D]   ε ~ N(0, I)   (z = mu when not sampling)
 *   out    = decoder(z)                  logits of the likelihood p(x|z), any shape
 * </pre>
 * The loss (reconstruction term, KL, free bits, β) is not the model's business: the trainer
 * computes it and hands back ∂L/∂out, ∂L/∂mu and ∂L/∂logVar from the KL term. Backward then runs
 * the chain rule through the decoder, the reparameterization (which adds its own ∂z/∂mu and
 * ∂z/∂logVar), the two heads (whose input gradients add up, since both read h), and the encoder.
 */
public final class Vae {
    private final Layer encoder;
    private final Linear muHead;
    private final Linear logVarHead;
    private final Layer decoder;
    private final Reparameterize reparam;
    private final Rng noise;          // draws ε; its state goes into checkpoints
    private final int latentDim;

    /**
     * The tensors of one forward pass, valid until this model's next {@link #forward} (or, for
     * {@code out}, {@link #decode}): mu, logVar and out are the heads' and the decoder's own output
     * buffers (see {@link Layer}), so a caller that keeps them longer copies them; one that does not
     * gets a {@link dev.kiln.tensor.StaleTensorException} on their next use.
     */
    public record Pass(Tensor mu, Tensor logVar, Tensor z, Tensor out) {}

    /**
     * @param encoder   x → h [B, hidden]
     * @param hidden    the encoder's output width H
     * @param latentDim D
     * @param decoder   z [B, D] → likelihood logits
     * @param rng       initializes the heads; a split of it draws ε
     */
    public Vae(Layer encoder, int hidden, int latentDim, Layer decoder, Rng rng) {
        this.encoder = encoder;
        this.muHead = new Linear(hidden, latentDim, rng);
        this.logVarHead = new Linear(hidden, latentDim, rng);
        this.decoder = decoder;
        this.latentDim = latentDim;
        this.noise = rng.split();
        this.reparam = new Reparameterize(noise);
    }

    /** Encodes, samples z (or takes z = mu when {@code sample} is false) and decodes. */
    public Pass forward(Tensor x, boolean sample) {
        Tensor h = encoder.forward(x);
        Tensor mu = muHead.forward(h);
        Tensor logVar = logVarHead.forward(h);
        Tensor z = sample ? reparam.forward(mu, logVar) : reparam.forwardMean(mu, logVar);
        return new Pass(mu, logVar, z, decoder.forward(z));
    }

    /**
     * Backpropagates one loss through the whole model, adding into every parameter's gradient.
     *
     * @param dOut     ∂L/∂out, the reconstruction term's gradient
     * @param dMuKl    ∂L/∂mu from the KL term (already scaled by β), or null
     * @param dLogVarKl ∂L/∂logVar from the KL term, or null
     */
    public void backward(Tensor dOut, Tensor dMuKl, Tensor dLogVarKl) {
        Tensor dz = decoder.backward(dOut);
        Reparameterize.Grads g = reparam.backward(dz);
        Tensor dMu = g.dMu();
        Tensor dLogVar = g.dLogVar();
        if (dMuKl != null) add(dMu, dMuKl);
        if (dLogVarKl != null) add(dLogVar, dLogVarKl);
        Tensor dh = muHead.backward(dMu);
        add(dh, logVarHead.backward(dLogVar));
        encoder.backwardParams(dh);                 // the data needs no gradient
    }

    /** Decodes latent codes (for samples from the prior and latent-space maps); valid until the next decode or forward. */
    public Tensor decode(Tensor z) {
        z.requireShape("Vae.decode", -1, latentDim);
        return decoder.forward(z);
    }

    /** The decoder, z [B, D] → likelihood logits (read by the lesson's explorer, which runs it in a page). */
    public Layer decoder() {
        return decoder;
    }

    /** Every parameter, named {@code encoder.*}, {@code mu.*}, {@code logvar.*}, {@code decoder.*}. */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Param p : encoder.params()) all.add(p.prefixed("encoder"));
        for (Param p : muHead.params()) all.add(p.prefixed("mu"));
        for (Param p : logVarHead.params()) all.add(p.prefixed("logvar"));
        for (Param p : decoder.params()) all.add(p.prefixed("decoder"));
        return all;
    }

    public int latentDim() {
        return latentDim;
    }

    /** The generator that draws ε, for checkpoints. */
    public Rng noise() {
        return noise;
    }

    public String describe() {
        return "Vae(encoder=" + encoder.describe() + ", latent=" + latentDim + ", decoder=" + decoder.describe() + ")";
    }

    private static void add(Tensor into, Tensor g) {
        Tensor.requireSameShape("Vae backward", into, g);
        int n = into.size();
        for (int i = 0; i < n; i++) into.data[i] += g.data[i];
    }
}
