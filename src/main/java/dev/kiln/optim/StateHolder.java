package dev.kiln.optim;

import dev.kiln.backend.Backend;

import java.util.List;

/**
 * The one record of where an optimizer's state (Adam's m and v, SGD's buffers) lives: on the host,
 * or with the backend that last stepped it, which may keep copies on its device
 * ({@link Backend#adamStepKeepingState}). Every way the host gets at the state goes through here:
 * <ul>
 *   <li>{@link #stepOn}: a step on another backend than the last one first takes the state back
 *       from the last one, so a backend switch never steps stale moments;</li>
 *   <li>{@link #handBack}: {@code stateArrays()} (checkpoints, restores) takes it back before the
 *       caller reads or writes it.</li>
 * </ul>
 */
final class StateHolder {
    private Backend holder;   // null: the host's arrays are the only copy

    /** The backend this step runs on, after taking the state back from any other that holds it. */
    Backend stepOn(Backend current, List<float[]> state) {
        if (holder != null && holder != current) holder.handBack(state);
        holder = current;
        return current;
    }

    /** Takes the state back to the host: current there, and no device copy left that is trusted. */
    void handBack(List<float[]> state) {
        if (holder != null) holder.handBack(state);
        holder = null;
    }
}
