package dev.kiln.mixture;

/**
 * How a newly unlocked pot starts: as a perturbed copy of an open "parent" pot, split along the
 * principal axis of the parent's codes (the divisive step of seed 004's "hierarchical splitting
 * process": open a new pot and let the data of a pot separate into simpler subsets).
 * <pre>
 *   P        = {i : c*_i = parent}, the validation samples the parent explains, n = |P|
 *   μ_i      = the parent's posterior mean for sample i, [D]
 *   m        = (1/n)·Σ_{i∈P} μ_i                                 centre, [D]
 *   C        = (1/n)·Σ_{i∈P} (μ_i − m)(μ_i − m)ᵀ                 covariance, [D, D]
 *   u        = the unit eigenvector of C's largest eigenvalue ν (power iteration), [D]
 *   δ        = margin / √ν                                       so that δ·uᵀ(μ − m) has std = margin
 *   child    ← parent for its μ and log σ² head rows and its decoder embedding row
 *   g(x)     = δ·uᵀ(μ_parent(x) − m)                           the split score, std = margin over P
 *   y_child  = y_parent + g/2,   y_parent ← y_parent − g/2        (logit rows: w ± δ·uᵀW_μ[parent]/2,
 *                                                                  biases ± δ·(uᵀb_μ[parent] − uᵀm)/2)
 * </pre>
 * So every sample of the parent with a code above the centre along u now prefers the child by a
 * logit margin that grows with its distance from the centre, and those below stay with the parent.
 * The logit prior's winner-takes-all pull and the reconstruction then sharpen the split (as the
 * k-means step of LBG splitting does).
 *
 * <p>The split is symmetric on purpose. With the parent's logit at its mode M and the child's set to
 * y_parent + g, the child sits above the mode where it wins and below it where it loses, so the
 * penalty pushes its logit down on both halves while the parent is pushed on one; a first
 * version did exactly that and the child emptied within the kick on Fashion-MNIST. Moving both by
 * ±g/2 keeps their mean where the parent was.
 *
 * <p>Two more steps belong to a split and live in the trainer: the child takes over the parent's
 * optimizer moments for its slices (a fresh Adam state moves 3–6 times faster and emptied the
 * child), and both pots are re-centred on their members' mean code ({@link MixtureVae#recentre}). Samples of other pots are unaffected as long as their
 * parent logit stays far below their own pot's.
 *
 * <p>Why not a fresh, empty pot (the other choice, {@code "new_pot": "fresh"}): its logit row is
 * untrained and sits near 0 while the open pots' logits sit near M, and its heads produce codes the
 * decoder has never seen; the kick's bias then does the routing during the kick, the raw logit is
 * never pulled up, and the pot empties again once the bias is gone (measured on the synthetic blobs
 * and Fashion-MNIST, docs/mixture.md).
 */
public final class PotSplit {
    private PotSplit() {}

    /** Power-iteration steps; D is small (a few to a few dozen), so this is exact to float precision. */
    static final int POWER_STEPS = 200;

    /**
     * The split of one pot.
     *
     * @param center    m [D]
     * @param direction u [D], unit length
     * @param spread    √ν, the standard deviation of the codes along u (1 if the pot is degenerate)
     * @param samples   n
     */
    public record Axis(float[] center, float[] direction, double spread, int samples) {}

    /**
     * The principal axis of the parent's codes over the samples it explains.
     *
     * @param mu     posterior means [N, K·D]
     * @param chosen c* [N]
     */
    public static Axis principal(float[] mu, int[] chosen, int parent, int pots, int latentDim) {
        int n = 0;
        double[] m = new double[latentDim];
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i] != parent) continue;
            n++;
            for (int d = 0; d < latentDim; d++) m[d] += mu[(i * pots + parent) * latentDim + d];
        }
        float[] center = new float[latentDim];
        float[] unit = new float[latentDim];
        unit[0] = 1f;
        if (n < 2) return new Axis(center, unit, 1.0, n);
        for (int d = 0; d < latentDim; d++) m[d] /= n;
        double[] cov = new double[latentDim * latentDim];     // [D, D]
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i] != parent) continue;
            int row = (i * pots + parent) * latentDim;
            for (int a = 0; a < latentDim; a++) {
                double da = mu[row + a] - m[a];
                for (int b = 0; b < latentDim; b++) cov[a * latentDim + b] += da * (mu[row + b] - m[b]) / n;
            }
        }
        double[] v = new double[latentDim];
        for (int d = 0; d < latentDim; d++) v[d] = 1.0 / Math.sqrt(latentDim) + 1e-3 * d;   // not orthogonal to u
        double nu = 0;
        for (int step = 0; step < POWER_STEPS; step++) {
            double[] w = new double[latentDim];
            for (int a = 0; a < latentDim; a++) {
                for (int b = 0; b < latentDim; b++) w[a] += cov[a * latentDim + b] * v[b];
            }
            double norm = 0;
            for (double x : w) norm += x * x;
            norm = Math.sqrt(norm);
            if (norm == 0) break;                                  // C = 0: every code equal
            for (int d = 0; d < latentDim; d++) v[d] = w[d] / norm;
            nu = norm;                                             // ‖C·v‖ → ν as v → u
        }
        for (int d = 0; d < latentDim; d++) center[d] = (float) m[d];
        if (!(nu > 0)) return new Axis(center, unit, 1.0, n);
        for (int d = 0; d < latentDim; d++) unit[d] = (float) v[d];
        return new Axis(center, unit, Math.sqrt(nu), n);
    }

    /** The parent for a new pot: the open pot that explains the most validation samples (lowest index on ties). */
    public static int busiest(double[] usage, boolean[] active) {
        int best = -1;
        for (int k = 0; k < usage.length; k++) {
            if (active[k] && (best < 0 || usage[k] > usage[best])) best = k;
        }
        return best;
    }
}
