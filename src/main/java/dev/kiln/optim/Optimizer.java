package dev.kiln.optim;

import dev.kiln.nn.Param;

import java.util.List;

/** Updates parameters from their gradients. State (moments, step count) lives in the optimizer. */
public interface Optimizer {

    /** Applies one update from the current gradients (does not clear them). */
    void step();

    /** The parameters this optimizer updates, in order. */
    List<Param> params();

    /** Clears every parameter's gradient. */
    default void zeroGrad() {
        for (Param p : params()) p.zeroGrad();
    }

    /** The learning rate used by the next {@link #step()}. */
    float learningRate();

    void setLearningRate(float lr);

    /** Every piece of internal state as flat arrays, for checkpoints (order fixed per optimizer). */
    List<float[]> stateArrays();

    /** The step counter (Adam's t; SGD counts too), for checkpoints. */
    long stepCount();

    void setStepCount(long t);
}
