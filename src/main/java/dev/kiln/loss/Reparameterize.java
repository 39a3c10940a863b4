package dev.kiln.loss;

import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.Objects;

/**
 * The reparameterization trick (Kingma &amp; Welling 2014, §2.4): a sample of N(μ, σ²) written as a
 * deterministic function of (μ, log σ²) and parameter-free noise, so that gradients reach the
 * encoder.
 * <pre>
 *   mu, logVar, eps, z : [B, D]
 *   σ = exp(½·logVar)
 *   z = μ + σ·ε,                  ε ~ N(0, I) from the Rng, row-major order
 *   backward:  dμ = dz
 *              dlogVar = dz·ε·∂σ/∂logVar = dz·ε·½·σ
 * </pre>
 * Derivation: ∂z/∂μ = 1; ∂z/∂logVar = ε·∂σ/∂logVar and ∂exp(½·lv)/∂lv = ½·exp(½·lv) = ½·σ.
 *
 * <p>{@link #forwardMean} is the deterministic mode for evaluation: z = μ, no noise drawn, and
 * backward gives dμ = dz, dlogVar = 0. The elementwise loops run here rather than in a
 * {@link dev.kiln.backend.Backend} kernel: the latent is [B, D] (a few thousand entries, small next
 * to the decoder) and the noise comes off the sequential Rng anyway.
 */
public final class Reparameterize {
    private final Rng rng;
    private float[] eps;      // [B, D], the noise of the last forward (zeros after forwardMean)
    private float[] sigma;    // [B, D], exp(½·logVar) of the last forward
    private int[] shape;      // [B, D]

    /** @param rng the source of ε; each {@link #forward(Tensor, Tensor)} draws B·D values from it */
    public Reparameterize(Rng rng) {
        this.rng = Objects.requireNonNull(rng, "reparameterize: rng");
    }

    /** z = μ + exp(½·logVar)·ε with ε drawn from this object's Rng. */
    public Tensor forward(Tensor mu, Tensor logVar) {
        Tensor.requireSameShape("reparameterize(mu, logvar)", mu, logVar);
        Tensor noise = mu.zerosLike();
        rng.fillGaussian(noise.data, noise.size());
        return forward(mu, logVar, noise);
    }

    /** z = μ + exp(½·logVar)·ε with the given ε (for tests that hold the noise fixed); ε is copied. */
    public Tensor forward(Tensor mu, Tensor logVar, Tensor noise) {
        Tensor.requireSameShape("reparameterize(mu, logvar)", mu, logVar);
        Tensor.requireSameShape("reparameterize(mu, eps)", mu, noise);
        int n = mu.size();
        float[] e = noise.data.clone();
        float[] s = new float[n];
        Tensor z = mu.zerosLike();
        for (int i = 0; i < n; i++) {
            s[i] = (float) Math.exp(0.5 * logVar.data[i]);
            z.data[i] = mu.data[i] + s[i] * e[i];
        }
        this.eps = e;
        this.sigma = s;
        this.shape = mu.shape();
        return z;
    }

    /** The deterministic mode: z = μ (a copy); backward then gives dlogVar = 0. */
    public Tensor forwardMean(Tensor mu, Tensor logVar) {
        Tensor.requireSameShape("reparameterize(mu, logvar)", mu, logVar);
        this.eps = new float[mu.size()];
        this.sigma = new float[mu.size()];
        this.shape = mu.shape();
        return mu.copy();
    }

    /** dμ = dz and dlogVar = dz·ε·½·σ, fresh tensors of the latent shape. */
    public Grads backward(Tensor dz) {
        if (shape == null) throw new IllegalStateException("reparameterize: backward() before forward()");
        dz.requireShape("reparameterize backward", shape);
        Tensor dMu = dz.copy();
        Tensor dLogVar = Tensor.zeros(shape);
        for (int i = 0; i < dLogVar.size(); i++) {
            dLogVar.data[i] = dz.data[i] * eps[i] * 0.5f * sigma[i];
        }
        return new Grads(dMu, dLogVar);
    }

    /** The noise ε of the last forward, [B, D] (a copy; zeros after {@link #forwardMean}). */
    public Tensor lastNoise() {
        if (shape == null) throw new IllegalStateException("reparameterize: lastNoise() before forward()");
        return Tensor.of(eps.clone(), shape);
    }

    /** ∂L/∂μ and ∂L/∂logVar, both [B, D]. */
    public record Grads(Tensor dMu, Tensor dLogVar) {}
}
