package dev.kiln.anneal;

/**
 * β moved by measured metrics rather than by time: a closed loop. Unlike a {@link BetaSchedule}
 * it has state, so a checkpoint must save it ({@link #saveState()}) and a resumed run restore it
 * ({@link #restoreState(double[])}) to continue bit-identically.
 *
 * <p>Protocol: use {@link #beta()} for the next training steps; after measuring, call
 * {@link #update(Metrics)} once, which returns the new β. β always lies in [betaMin, betaMax].
 */
public sealed interface BetaController extends Annealing permits PiBetaController, GecoController {

    /** The current β, in [betaMin(), betaMax()]. */
    double beta();

    /** Feeds one measurement and returns the new β. */
    double update(Metrics measured);

    double betaMin();

    double betaMax();

    /** The complete mutable state, as plain doubles (exact in any lossless format). */
    double[] saveState();

    /** Restores what {@link #saveState()} returned; the following updates are then bit-identical. */
    void restoreState(double[] state);
}
