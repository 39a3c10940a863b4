package dev.kiln.train;

import dev.kiln.anneal.Annealing;
import dev.kiln.anneal.BetaController;
import dev.kiln.anneal.BetaSchedule;
import dev.kiln.anneal.CapacityAnnealing;
import dev.kiln.backend.Backends;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsResult;
import dev.kiln.loss.ClassLoss;
import dev.kiln.loss.GaussianKl;
import dev.kiln.tensor.NonFiniteException;
import dev.kiln.tensor.Tensor;

import java.util.Arrays;

/**
 * The β-VAE objective of one batch: reconstruction + the KL penalty (β·KL with free bits, or
 * capacity annealing), forward and backward side by side. Inputs are what the model's forward pass
 * produced; the outputs of {@link #backward} are what its backward pass takes.
 * <pre>
 *   logits [B, C, S]  decoder output (C classes, S cells per sample);  targets int[B·S]
 *   μ, log σ² [B, D]  posterior parameters;  t  fractional epoch
 *
 *   recon    = ClassLoss(logits, targets), per-cell mean        (CE, weighted CE or focal: derivations.md §2–3)
 *   kl[b, j] = ½(μ² + σ² − 1 − log σ²)                  [B, D]  (GaussianKl, derivations.md)
 *   kl_raw   = mean_{b,j} kl[b, j]                               nats per dimension
 *
 *   (a) a β schedule or controller, free bits off or on (FreeBits: units u, hinge at λ):
 *       kl_after = kl_raw (off)  or  mean_u max(u − λ, 0) (on)
 *       penalty  = β·kl_after
 *       ∂penalty/∂kl[b, j] = β·∂kl_after/∂kl[b, j] = β/(B·D)  (off)  or  β·[u(b, j) ≥ λ]/(B·D)  (on)
 *   (b) capacity annealing (Burgess et al. 2018), KL per sample KL_s = D·kl_raw:
 *       penalty  = γ·|KL_s − C(t)| / S                               (per cell, as recon is)
 *       ∂penalty/∂kl[b, j] = (γ·sign(KL_s − C(t))/S)·∂KL_s/∂kl[b, j] = γ·sign(KL_s − C(t))/(S·B)
 *       the β reported is the effective one, ∂penalty/∂kl_raw = D·γ·sign(KL_s − C(t))/S
 *
 *   L = recon + penalty
 *   ∂L/∂logits = ∂recon/∂logits                                         (ClassLoss.backward)
 *   ∂L/∂μ[b, j] = ∂penalty/∂kl[b, j]·μ[b, j]
 *   ∂L/∂log σ²[b, j] = ∂penalty/∂kl[b, j]·½(σ²[b, j] − 1)               (GaussianKl.backward)
 * </pre>
 * The whole objective, wiring included (β applied to the KL gradient, free bits, capacity), is
 * checked by central differences in {@code BetaVaeObjectiveProperties}.
 */
public final class BetaVaeObjective {
    private final ClassLoss recon;        // per-cell mean over [B, C, S] logits
    private final Annealing annealing;    // schedule, controller or capacity
    private final FreeBits freeBits;      // null: off
    private final int cells;              // S, cells per sample
    private final GaussianKl kl = new GaussianKl();
    private Kl last;                      // the last forward's KL term

    /**
     * What one forward pass measured, each a batch mean.
     *
     * @param total   L = recon + penalty
     * @param recon   the reconstruction term, nats per cell
     * @param beta    the β actually applied to kl_raw's gradient (what metrics.jsonl reports as beta)
     * @param klRaw   nats per dimension
     * @param klAfter after free bits (= klRaw without them), nats per dimension
     * @param penalty the KL term added to the objective
     */
    public record Value(double total, double recon, double beta, double klRaw, double klAfter, double penalty) {}

    /** ∂L/∂logits [B, C, S], ∂L/∂μ and ∂L/∂log σ² [B, D]. */
    public record Grads(Tensor dLogits, Tensor dMu, Tensor dLogVar) {}

    /**
     * @param recon     the reconstruction loss, MEAN reduction
     * @param annealing β schedule, β controller or capacity annealing
     * @param freeBits  free bits, or null for none (ignored by capacity annealing)
     * @param cells     S, cells per sample (divides capacity's per-sample penalty)
     */
    public BetaVaeObjective(ClassLoss recon, Annealing annealing, FreeBits freeBits, int cells) {
        if (!(annealing instanceof BetaSchedule || annealing instanceof BetaController
                || annealing instanceof CapacityAnnealing)) {
            throw new IllegalArgumentException("unknown annealing " + annealing.describe());
        }
        this.recon = recon;
        this.annealing = annealing;
        this.freeBits = freeBits;
        this.cells = cells;
    }

    /** L for one batch at fractional epoch t; caches what {@link #backward} needs. */
    public Value forward(Tensor logits, int[] targets, Tensor mu, Tensor logVar, double t) {
        double r = recon.forward(logits, targets);
        Tensor klMatrix = kl.forward(mu, logVar);                       // [B, D]
        last = klTerm(klMatrix, t);
        double total = NonFiniteException.check("objective", r + last.penalty);
        return new Value(total, r, last.beta, last.klRaw, last.klAfter, last.penalty);
    }

    /** ∂L/∂(logits, μ, log σ²) of the last {@link #forward}. */
    public Grads backward() {
        if (last == null) throw new IllegalStateException("objective: backward() before forward()");
        GaussianKl.Grads g = kl.backward(last.gradient);
        return new Grads(recon.backward(), g.dMu(), g.dLogVar());
    }

    /** The KL term: its penalty and ∂penalty/∂kl [B, D]. */
    private record Kl(double beta, double klRaw, double klAfter, double penalty, Tensor gradient) {}

    /** Case (a) or (b) of the class comment. */
    private Kl klTerm(Tensor kl, double t) {
        int batch = kl.dim(0), dims = kl.dim(1);
        Tensor grad = kl.zerosLike();                                   // [B, D]
        if (annealing instanceof CapacityAnnealing cap) {
            double raw = mean(kl);
            double perSample = raw * dims;                              // KL_s
            double penalty = cap.penalty(perSample, t) / cells;
            double dPerSample = cap.penaltyGradient(perSample, t) / cells;   // ∂penalty/∂KL_s
            Arrays.fill(grad.data, (float) (dPerSample / batch));           // ∂KL_s/∂kl[b, j] = 1/B
            return new Kl(dPerSample * dims, raw, raw, penalty, grad);
        }
        double beta = annealing instanceof BetaSchedule s ? s.beta(t) : ((BetaController) annealing).beta();
        if (freeBits == null) {
            double raw = mean(kl);
            Arrays.fill(grad.data, (float) (beta / ((double) batch * dims)));
            return new Kl(beta, raw, raw, beta * raw, grad);
        }
        FreeBitsResult fb = freeBits.apply(kl.data, batch, dims);
        float[] g = fb.gradient();                                      // ∂kl_after/∂kl [B, D]
        for (int i = 0; i < g.length; i++) grad.data[i] = (float) (beta * g[i]);
        return new Kl(beta, fb.klRaw(), fb.klAfter(), beta * fb.klAfter(), grad);
    }

    private static double mean(Tensor t) {
        return Backends.current().sum(t.data, 0, t.size()) / t.size();
    }
}
