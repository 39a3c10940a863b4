package dev.kiln.anneal;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The shape of a rise from 0 to 1 over u ∈ [0, 1]: f(0) = 0, f(1) = 1, f non-decreasing, and
 * f(u) ∈ [0, 1] for every u (inputs outside [0, 1] are clamped first).
 * <pre>
 *   linear:  f(u) = u
 *   sigmoid: f(u) = (s(u) − s(0)) / (s(1) − s(0)),  s(u) = 1 / (1 + e^(−k(u − ½)))   (k = steepness)
 *   cosine:  f(u) = (1 − cos πu) / 2
 * </pre>
 * The sigmoid is rescaled so that it starts at exactly 0 and ends at exactly 1 (a raw logistic
 * never reaches either).
 */
public enum RampShape {
    LINEAR,
    SIGMOID,
    COSINE;

    /** The steepness k used by {@link #SIGMOID} when none is given (cyclical schedules). */
    public static final double DEFAULT_STEEPNESS = 10;

    /** f(u) with the default steepness for {@link #SIGMOID}. */
    public double apply(double u) {
        return switch (this) {
            case LINEAR -> linear(u);
            case SIGMOID -> sigmoid(u, DEFAULT_STEEPNESS);
            case COSINE -> cosine(u);
        };
    }

    public static double linear(double u) {
        return clamp01(u);
    }

    public static double sigmoid(double u, double steepness) {
        double x = clamp01(u);
        if (x == 0) return 0;
        if (x == 1) return 1;
        double s0 = logistic(-0.5 * steepness);
        double s1 = logistic(0.5 * steepness);
        return clamp01((logistic(steepness * (x - 0.5)) - s0) / (s1 - s0));
    }

    public static double cosine(double u) {
        return clamp01(0.5 * (1 - Math.cos(Math.PI * clamp01(u))));
    }

    /** The config spelling: {@code linear}, {@code sigmoid}, {@code cosine}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the config spelling; the error names the field and the allowed values. */
    public static RampShape parse(String field, String text) {
        for (RampShape s : values()) {
            if (s.configName().equals(text)) return s;
        }
        throw new IllegalArgumentException(field + " must be one of " + allowed() + ", got '" + text + "'");
    }

    /** "linear, sigmoid, cosine". */
    public static String allowed() {
        return Arrays.stream(values()).map(RampShape::configName).collect(Collectors.joining(", "));
    }

    private static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double clamp01(double u) {
        return u <= 0 ? 0 : (u >= 1 ? 1 : u);
    }
}
