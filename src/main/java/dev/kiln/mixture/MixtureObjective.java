package dev.kiln.mixture;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.loss.GaussianKl;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;

import java.util.Arrays;

/**
 * The mixture VAE's objective of one batch, forward and backward side by side: reconstruction,
 * the responsibility-weighted KL of the pots, and the logit prior's penalty, each in nats per sample.
 * <pre>
 *   from the model's forward pass:  out (decoder), q [B, K] responsibilities, y [B, K] raw logits,
 *                                   μ, log σ² [B, K·D] (pot k's D dimensions at k·D)
 *   A ⊆ {0..K−1} the open pots;  β, λ the weights of this step
 *
 *   recon_b    = −log p(x_b | out_b)                              (Likelihood)
 *   KL[b, k]   = Σ_d kl[b, k, d],  kl = ½(μ² + σ² − 1 − log σ²)    closed pots' columns set to 0 first
 *   KL_b       = Σ_k q[b, k]·KL[b, k]
 *   penalty_b  = −log p_mix(y_b)                                  (LogitMogPrior, open pots)
 *   L = mean_b (recon_b + β·KL_b + λ·penalty_b)
 *
 *   ∂L/∂kl[b, k, d] = β·q[b, k]/B          ∂L/∂q[b, k] = β·KL[b, k]/B           (k ∈ A; 0 for k ∉ A)
 *   ∂L/∂y          = λ·∂penalty/∂y           (LogitMogPrior.backward)
 *   ∂L/∂μ, ∂L/∂log σ² from ∂L/∂kl             (GaussianKl.backward)
 *   ∂L/∂out        = ∂recon/∂out              (Likelihood.Term.backward)
 * </pre>
 * The model's backward pass takes it from there: q depends on y through the routing softmax, so
 * ∂L/∂q reaches y too ({@link MixtureVae#backward}). Closed pots get exactly zero gradient from
 * every term. The reductions over D go through the {@link Backend}; the whole objective is checked
 * by central differences over every parameter in {@code MixtureVaeProperties}.
 */
public final class MixtureObjective {
    private final LogitMogPrior prior;
    private final Likelihood likelihood;
    private final GaussianKl kl = new GaussianKl();

    // the last forward, for backward
    private Likelihood.Term term;
    private Tensor responsibilities;   // [B, K]
    private float[] klPot;             // [B, K]
    private Tensor klMatrix;           // [B, K·D]
    private boolean[] active;          // [K]
    private double beta;
    private double lambda;

    /** The batch means, nats per sample: the three terms and L = recon + β·kl + λ·penalty. */
    public record Value(double recon, double kl, double penalty, double total) {}

    public MixtureObjective(LogitMogPrior prior, Likelihood likelihood) {
        this.prior = prior;
        this.likelihood = likelihood;
    }

    /** L of one batch from the model's forward pass; caches what {@link #backward} needs. */
    public Value forward(MixtureVae.Pass p, MixtureBatch batch, boolean[] active, double beta, double lambda) {
        Backend be = Backends.current();
        int b = batch.size(), pots = active.length, dims = p.mu().dim(1) / pots;
        Likelihood.Term t = likelihood.term();
        double recon = t.forward(p.out(), batch);
        Tensor k = kl.forward(openColumns(p.mu(), active, dims), openColumns(p.logVar(), active, dims));  // [B, K·D]
        float[] perPot = new float[b * pots];                                     // [B, K]
        for (int i = 0; i < b * pots; i++) perPot[i] = (float) be.sum(k.data, i * dims, dims);
        double klTerm = 0;
        for (int i = 0; i < b * pots; i++) klTerm += (double) p.responsibilities().data[i] * perPot[i];
        klTerm /= b;
        double penalty = prior.forward(p.logits(), active);
        double total = NonFiniteException.check("objective", recon + beta * klTerm + lambda * penalty);
        this.term = t;
        this.responsibilities = p.responsibilities();
        this.klPot = perPot;
        this.klMatrix = k;
        this.active = active.clone();
        this.beta = beta;
        this.lambda = lambda;
        return new Value(recon, klTerm, penalty, total);
    }

    /** ∂L/∂(out, q, y, μ, log σ²) of the last {@link #forward}, for {@link MixtureVae#backward}. */
    public MixtureVae.Grads backward() {
        if (term == null) throw new IllegalStateException("mixture objective: backward() before forward()");
        int pots = active.length, b = responsibilities.dim(0), dims = klMatrix.dim(1) / pots;
        Tensor dKl = klMatrix.zerosLike();                                         // [B, K·D]
        Tensor dQ = responsibilities.zerosLike();                                  // [B, K]
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < pots; c++) {
                if (!active[c]) continue;
                int row = i * pots + c;
                float q = responsibilities.data[row];
                Arrays.fill(dKl.data, row * dims, (row + 1) * dims, (float) (beta * q / b));
                dQ.data[row] = (float) (beta * klPot[row] / b);
            }
        }
        GaussianKl.Grads g = kl.backward(dKl);
        return new MixtureVae.Grads(term.backward(), dQ, prior.backward(lambda), g.dMu(), g.dLogVar());
    }

    /**
     * A copy of a [B, K·D] posterior parameter with the closed pots' columns set to 0, so that their
     * KL is exactly 0 and never computed from whatever their untrained heads emit (the KL weights
     * them by q = 0 anyway; this also keeps an overflow there from stopping the run).
     */
    static Tensor openColumns(Tensor x, boolean[] active, int dims) {
        Tensor out = x.copy();
        int batch = x.dim(0), pots = active.length;
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pots; k++) {
                if (!active[k]) Arrays.fill(out.data, (b * pots + k) * dims, (b * pots + k + 1) * dims, 0f);
            }
        }
        return out;
    }
}
