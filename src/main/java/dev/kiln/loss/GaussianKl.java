package dev.kiln.loss;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.Tensor;

/**
 * KL(q(z|x) ‖ N(0, I)) for a diagonal Gaussian posterior, kept per sample and per latent
 * dimension so that free bits and the collapse monitors can see every entry:
 * <pre>
 *   mu, logVar : [B, D]
 *   kl[b, j]   = ½(mu[b,j]² + exp(logVar[b,j]) − 1 − logVar[b,j])        (nats)
 *   backward:  dmu[b,j] = dkl[b,j]·mu[b,j];  dlogVar[b,j] = dkl[b,j]·½(exp(logVar[b,j]) − 1)
 * </pre>
 * How the [B, D] matrix becomes a scalar (sum over dims, mean over batch, free bits…) is the
 * caller's choice; the caller hands back ∂L/∂kl[b, j] to {@link #backward}.
 * Worked example (seed 002): μ = [−1.2, 0.8], σ = [0.3, 0.4] gives [1.469, 0.816], 2.29 nats in all
 * (more precisely 1.46897 + 0.81629 = 2.28526; fixtures/kl_worked_examples.json).
 *
 * <p>Unit: nats per latent dimension per sample. A NaN or infinite entry (a NaN input, or
 * logVar &gt; 88 overflowing exp in float) throws a {@link dev.kiln.tensor.NonFiniteException}
 * starting with {@code gaussian_kl}.
 */
public final class GaussianKl {
    /** The name in logs and in {@link dev.kiln.tensor.NonFiniteException} messages. */
    public static final String NAME = "gaussian_kl";

    private Tensor mu;       // [B, D]
    private Tensor logVar;   // [B, D]

    /** The per-element KL, [B, D]. */
    public Tensor forward(Tensor mu, Tensor logVar) {
        Tensor.requireSameShape("gaussian_kl(mu, logvar)", mu, logVar);
        this.mu = mu;
        this.logVar = logVar;
        Tensor kl = mu.zerosLike();
        Backend be = Backends.current();
        be.gaussianKl(mu.data, logVar.data, kl.data, kl.size());
        // every term is ≥ 0, so the sum is finite exactly when every term is
        Finite.require(NAME, be.sum(kl.data, 0, kl.size()), "mu", mu.data, "logVar", logVar.data);
        return kl;
    }

    /** Gradients of the loss with respect to mu and logVar, given ∂L/∂kl. */
    public Grads backward(Tensor dKl) {
        Tensor.requireSameShape("gaussian_kl backward", dKl, mu);
        Grads g = new Grads(mu.zerosLike(), logVar.zerosLike());
        Backends.current().gaussianKlBackward(mu.data, logVar.data, dKl.data, g.dMu.data, g.dLogVar.data,
                mu.size());
        return g;
    }

    /** ∂L/∂mu and ∂L/∂logVar, both [B, D]. */
    public record Grads(Tensor dMu, Tensor dLogVar) {}

    /** Column means of a [B, D] matrix: the batch-averaged KL of each latent dimension, [D]. */
    public static double[] perDimMean(Tensor kl) {
        int batch = kl.dim(0), dims = kl.dim(1);
        double[] out = new double[dims];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < dims; j++) out[j] += kl.data[b * dims + j];
        }
        for (int j = 0; j < dims; j++) out[j] /= batch;
        return out;
    }
}
