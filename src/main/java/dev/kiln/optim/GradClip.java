package dev.kiln.optim;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.nn.Param;

import java.util.List;

/** Gradient clipping by global norm (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales every gradient by min(1, maxNorm / ‖g‖), where ‖g‖ is the L2 norm of all gradients
     * taken together, so the direction of the update is kept and only its length is capped.
     *
     * @return ‖g‖ before clipping (NaN if a gradient is NaN: then nothing is scaled)
     */
    public static double clipGlobalNorm(List<Param> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        Backend be = Backends.current();
        double sq = 0;
        for (Param p : params) sq += be.sumSquares(p.grad, p.size());
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float s = (float) (maxNorm / (norm + 1e-12));
            for (Param p : params) be.scale(s, p.grad, p.size());
        }
        return norm;
    }
}
