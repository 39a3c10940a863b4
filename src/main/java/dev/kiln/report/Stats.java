package dev.kiln.report;

/**
 * Summary statistics over seeds: the mean, the sample standard deviation and a 95% confidence
 * interval for the mean from Student's t,
 * <pre>
 *   mean = Σ x_i / n,   sd = √(Σ (x_i − mean)² / (n − 1)),   CI = mean ± t(0.975, n − 1) · sd / √n
 * </pre>
 * With one value sd and the interval are undefined (NaN): one seed says nothing about the spread.
 *
 * @param n      number of values
 * @param mean   their mean (NaN when n = 0)
 * @param sd     sample standard deviation (NaN when n &lt; 2)
 * @param ciLow  lower end of the 95% interval (NaN when n &lt; 2)
 * @param ciHigh upper end
 */
public record Stats(int n, double mean, double sd, double ciLow, double ciHigh) {

    /** t(0.975, ν) for ν = 1 … 30, from the standard table (Student 1908; any statistics text). */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};
    /** z(0.975), the normal quantile the t quantiles tend to. */
    private static final double Z975 = 1.959964;

    /** The statistics of the finite values in {@code xs} (NaN entries, such as a missing metric, are left out). */
    public static Stats of(double[] xs) {
        int n = 0;
        double sum = 0;
        for (double x : xs) {
            if (Double.isFinite(x)) {
                n++;
                sum += x;
            }
        }
        if (n == 0) return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double mean = sum / n;
        if (n == 1) return new Stats(1, mean, Double.NaN, Double.NaN, Double.NaN);
        double ss = 0;
        for (double x : xs) if (Double.isFinite(x)) ss += (x - mean) * (x - mean);
        double sd = Math.sqrt(ss / (n - 1));
        double half = t975(n - 1) * sd / Math.sqrt(n);
        return new Stats(n, mean, sd, mean - half, mean + half);
    }

    /**
     * The 0.975 quantile of Student's t with ν degrees of freedom: the table for ν ≤ 30, beyond it
     * the Cornish–Fisher expansion around z (Abramowitz &amp; Stegun 26.7.5), good to 10⁻⁴ there:
     * <pre>
     *   t ≈ z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²) + (3z⁷ + 19z⁵ + 17z³ − 15z)/(384ν³)
     * </pre>
     */
    public static double t975(int nu) {
        if (nu < 1) throw new IllegalArgumentException("degrees of freedom must be ≥ 1, got " + nu);
        if (nu <= T975.length) return T975[nu - 1];
        double z = Z975, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
        return z + (z3 + z) / (4.0 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * nu * nu)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384.0 * nu * nu * nu);
    }
}
