package dev.kiln.tensor;

/**
 * A NaN or infinity reached a loss or a gradient. The message starts with the name of the loss
 * (or op) that saw it, so that a training log points straight at the culprit.
 */
public final class NonFiniteException extends ArithmeticException {
    public NonFiniteException(String message) {
        super(message);
    }

    /**
     * Throws if {@code value} is NaN or infinite.
     *
     * @param where the loss or op name, e.g. {@code "cross_entropy"}
     * @return {@code value}, for chaining
     */
    public static double check(String where, double value) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteException(where + ": loss is " + value);
        }
        return value;
    }

    /** Throws if any of {@code x[0..n)} is NaN or infinite, naming the first bad index. */
    public static void checkAll(String where, String what, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[i])) {
                throw new NonFiniteException(where + ": " + what + "[" + i + "] is " + x[i]);
            }
        }
    }
}
