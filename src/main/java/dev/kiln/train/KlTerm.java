package dev.kiln.train;

import dev.kiln.anneal.Annealing;
import dev.kiln.anneal.BetaController;
import dev.kiln.anneal.BetaSchedule;
import dev.kiln.anneal.CapacityAnnealing;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsResult;
import dev.kiln.tensor.Tensor;

/**
 * The KL part of the training objective for one step: how the [B, D] matrix of per-element KL
 * becomes the penalty and its gradient. The objective is {@code recon + weight·value} with
 * <pre>
 *   kl_raw   = mean_{b,j} kl[b, j]                          nats per dimension
 *   value    = kl_after (free bits) or kl_raw               nats per dimension
 *   weight   = β(t) from a schedule, or a controller's β
 *   ∂objective/∂kl[b, j] = β·∂value/∂kl[b, j]               = β/(B·D) without free bits
 * </pre>
 * Capacity annealing (Burgess et al. 2018) replaces β·value by γ·|KL − C(t)| with KL in nats per
 * sample (D·kl_raw). Its per-grid penalty is divided by the 900 cells of a grid, as the per-cell
 * reconstruction mean is, and the weight reported is the effective one, ∂objective/∂kl_raw.
 *
 * @param weight   the β actually applied to kl_raw's gradient (what metrics.jsonl reports as beta)
 * @param klRaw    nats per dimension, mean over batch and dimensions
 * @param klAfter  after free bits (= klRaw without them), nats per dimension
 * @param penalty  the term added to the objective
 * @param gradient ∂penalty/∂kl[b, j], [B, D]
 */
record KlTerm(double weight, double klRaw, double klAfter, double penalty, Tensor gradient) {

    static KlTerm of(Annealing annealing, FreeBits freeBits, Tensor kl, double epoch, int cellsPerSample) {
        int batch = kl.dim(0), dims = kl.dim(1);
        Tensor grad = kl.zerosLike();
        if (annealing instanceof CapacityAnnealing cap) {
            double raw = mean(kl);
            double perSample = raw * dims;
            double penalty = cap.penalty(perSample, epoch) / cellsPerSample;
            double dPerSample = cap.penaltyGradient(perSample, epoch) / cellsPerSample;  // ∂penalty/∂KL_ps
            float g = (float) (dPerSample / batch);                                       // ∂KL_ps/∂kl[b,j] = 1/B
            java.util.Arrays.fill(grad.data, g);
            return new KlTerm(dPerSample * dims, raw, raw, penalty, grad);
        }
        double beta;
        if (annealing instanceof BetaSchedule s) {
            beta = s.beta(epoch);
        } else if (annealing instanceof BetaController c) {
            beta = c.beta();
        } else {
            throw new IllegalStateException("unknown annealing " + annealing.describe());
        }
        if (freeBits == null) {
            double raw = mean(kl);
            java.util.Arrays.fill(grad.data, (float) (beta / ((double) batch * dims)));
            return new KlTerm(beta, raw, raw, beta * raw, grad);
        }
        FreeBitsResult fb = freeBits.apply(kl.data, batch, dims);
        float[] g = fb.gradient();
        for (int i = 0; i < g.length; i++) grad.data[i] = (float) (beta * g[i]);
        return new KlTerm(beta, fb.klRaw(), fb.klAfter(), beta * fb.klAfter(), grad);
    }

    private static double mean(Tensor t) {
        return dev.kiln.backend.Backends.current().sum(t.data, 0, t.size()) / t.size();
    }
}
