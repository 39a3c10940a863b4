package dev.kiln.backend;

/** The pointwise nonlinearities the elementwise kernels know. */
public enum Activation {
    /** y = max(0, x); dy/dx = [x > 0]. */
    RELU,
    /** y = x for x > 0, α·x otherwise; dy/dx = 1 or α. */
    LEAKY_RELU,
    /** y = 1 / (1 + e^−x); dy/dx = y·(1 − y). */
    SIGMOID,
    /** y = tanh x; dy/dx = 1 − y². */
    TANH
}
