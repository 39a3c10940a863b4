package dev.kiln.anneal;

/**
 * Anything that sets the weight of the KL term during training. Three kinds, kept apart on
 * purpose:
 * <ul>
 *   <li>{@link BetaSchedule}: β as a pure function of training progress (fractional epochs);</li>
 *   <li>{@link CapacityAnnealing}: a KL target C(t) that rises with time, penalty γ|KL − C|;</li>
 *   <li>{@link BetaController}: β moved by measured metrics (a PI controller on KL, a GECO
 *       multiplier on reconstruction). These hold state and must be checkpointed.</li>
 * </ul>
 * {@link Annealings#create} builds any of them from a type name and a parameter map.
 */
public sealed interface Annealing permits BetaSchedule, CapacityAnnealing, BetaController {

    /** The type name used in configs, e.g. {@code "ultra_conservative"}. */
    String name();

    /** The type and every parameter, e.g. {@code ultra_conservative(warmup_epochs=20, ...)}. */
    String describe();
}
