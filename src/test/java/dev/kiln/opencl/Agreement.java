package dev.kiln.opencl;

import dev.kiln.testing.Tolerances;

/**
 * How closely one kernel's device results follow the reference over a sweep: the largest ratio of
 * a difference to its allowed bound (must stay ≤ 1) and the largest relative error, for the report.
 * Relative error of an element = |device − reference| / max(|reference|, 2⁻²⁰·max|reference| of the
 * array), so an element the reference rounds to 0 does not divide by 0.
 */
public final class Agreement {
    private final String kernel;
    private double worstRatio;
    private double maxRelative;
    private double maxAbsolute;
    private String worst = "nothing compared";
    private long elements;

    public Agreement(String kernel) {
        this.kernel = kernel;
    }

    public String kernel() { return kernel; }

    public double maxRelative() { return maxRelative; }

    /** The largest |device − reference| over every finite pair compared. */
    public double maxAbsolute() { return maxAbsolute; }

    public double worstRatio() { return worstRatio; }

    public long elements() { return elements; }

    /** Where the worst ratio was seen, for a failure message. */
    public String worst() { return worst; }

    /**
     * Compares element by element; {@code allowed[i]} is the bound on |device − reference|, to
     * which {@link Float#MIN_NORMAL} is added (a device may flush subnormals to zero).
     */
    public void compare(String where, float[] device, float[] reference, double[] allowed) {
        if (device.length != reference.length || allowed.length != reference.length) {
            throw new AssertionError(kernel + " " + where + ": lengths differ");
        }
        double scale = 0;
        for (float r : reference) if (Float.isFinite(r)) scale = Math.max(scale, Math.abs(r));
        double floor = Math.max(scale * 0x1p-20, Double.MIN_NORMAL);
        for (int i = 0; i < reference.length; i++) {
            float d = device[i];
            float r = reference[i];
            elements++;
            if (Float.compare(d, r) == 0) continue;          // equal, ±∞ and NaN included
            double diff = Math.abs((double) d - r);
            if (diff == diff && diff != Double.POSITIVE_INFINITY) maxAbsolute = Math.max(maxAbsolute, diff);
            double ratio = diff / (allowed[i] + Float.MIN_NORMAL);
            if (!(ratio <= worstRatio)) {
                worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                worst = where + " element " + i + ": device " + d + ", reference " + r + ", allowed " + allowed[i];
            }
            maxRelative = Math.max(maxRelative, diff / Math.max(Math.abs(r), floor));
        }
    }

    /** Compares two sums (double): allowed as for elements. */
    public void compare(String where, double device, double reference, double allowed) {
        elements++;
        if (Double.compare(device, reference) == 0) return;
        double diff = Math.abs(device - reference);
        if (diff == diff && diff != Double.POSITIVE_INFINITY) maxAbsolute = Math.max(maxAbsolute, diff);
        double ratio = diff / (allowed + Float.MIN_NORMAL);
        if (!(ratio <= worstRatio)) {
            worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
            worst = where + ": device " + device + ", reference " + reference + ", allowed " + allowed;
        }
        maxRelative = Math.max(maxRelative, diff / Math.max(Math.abs(reference), Double.MIN_NORMAL));
    }

    /**
     * The same-order bound: {@link Tolerances#OPENCL_SAME_ORDER_REL}·(|reference| + Σ|magnitudes|),
     * the magnitudes being the value added into and the operands whose products a fused
     * multiply-add may keep unrounded (null entries are skipped).
     */
    public static double[] sameOrder(float[] reference, float[]... magnitudes) {
        double[] out = new double[reference.length];
        for (int i = 0; i < out.length; i++) {
            double m = Math.abs(reference[i]);
            for (float[] a : magnitudes) if (a != null) m += Math.abs(a[i]);
            out[i] = Tolerances.OPENCL_SAME_ORDER_REL * m;
        }
        return out;
    }

    /** Higham's bound for float sums of {@code terms} products, Σ|terms| per element in absScale. */
    public static double[] rounding(float[] absScale, int terms) {
        double perUnit = (terms + 2) * Tolerances.FAST_VS_REFERENCE_PER_TERM;
        double[] out = new double[absScale.length];
        for (int i = 0; i < out.length; i++) out[i] = perUnit * absScale[i];
        return out;
    }

    /** Whether every difference was within its bound, and something was compared. */
    public boolean holds() {
        return elements > 0 && worstRatio <= 1.0;
    }

    @Override
    public String toString() {
        return kernel + ": " + elements + " elements, max relative error " + maxRelative + ", worst " + worstRatio
                + " of the bound at " + worst;
    }
}
