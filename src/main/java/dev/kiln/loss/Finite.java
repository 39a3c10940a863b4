package dev.kiln.loss;

import dev.kiln.tensor.NonFiniteException;

/**
 * The check every loss makes on its value before returning it. The inputs are scanned only when
 * the value is already NaN or infinite, so the common path costs one comparison; the message then
 * names the first bad entry of the first input that has one, or says that the inputs were finite
 * and the arithmetic itself overflowed.
 */
final class Finite {
    private Finite() {}

    /**
     * Returns {@code value} if finite; otherwise throws a {@link NonFiniteException} whose message
     * starts with {@code loss}, e.g. {@code "cross_entropy: loss is NaN; logits[3] is NaN"}.
     */
    static double require(String loss, double value, String name, float[] input) {
        return require(loss, value, name, input, null, null);
    }

    /** As {@link #require(String, double, String, float[])}, for a loss with two float inputs. */
    static double require(String loss, double value, String name1, float[] input1, String name2, float[] input2) {
        if (Double.isFinite(value)) return value;
        String culprit = firstNonFinite(name1, input1);
        if (culprit == null && input2 != null) culprit = firstNonFinite(name2, input2);
        if (culprit == null) culprit = "every input is finite, so the arithmetic overflowed";
        throw new NonFiniteException(loss + ": loss is " + value + "; " + culprit);
    }

    private static String firstNonFinite(String name, float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) return name + "[" + i + "] is " + x[i];
        }
        return null;
    }
}
