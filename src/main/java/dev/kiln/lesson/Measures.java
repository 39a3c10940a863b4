package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;

import java.util.Arrays;

/**
 * What the lesson measures on images and codes, as pure functions over flat arrays: every number
 * in the report's prose is computed by one of these (or by {@link Training#evaluate}).
 */
final class Measures {
    private static final int SIDE = FashionMnist.SIDE, PIXELS = FashionMnist.PIXELS;

    private Measures() {}

    /**
     * The mean over {@code n} images {@code [n, 784]} of the distance to the nearest reference image
     * {@code [R, 784]}, the distance being the root mean square pixel difference.
     */
    static double meanNearestDistance(float[] images, int n, float[] reference) {
        int refs = reference.length / PIXELS;
        double total = 0;
        for (int i = 0; i < n; i++) {
            int a = i * PIXELS;                                        // image i
            double best = Double.MAX_VALUE;
            for (int r = 0; r < refs; r++) {
                int b = r * PIXELS;                                    // reference r
                double ss = 0;
                for (int p = 0; p < PIXELS && ss < best; p++) {
                    double d = images[a + p] - reference[b + p];
                    ss += d * d;
                }
                best = Math.min(best, ss);
            }
            total += Math.sqrt(best / PIXELS);
        }
        return total / n;
    }

    /**
     * Sharpness of {@code n} images {@code [n, 28, 28]}: the mean absolute difference between
     * horizontally and vertically adjacent pixels (total variation per pixel pair). A blurred image
     * scores lower than its original; a noisy one higher.
     */
    static double meanTotalVariation(float[] images, int n) {
        double sum = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            int base = i * PIXELS;                                     // image i
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    int at = base + r * SIDE + c;                      // pixel (r, c)
                    if (c + 1 < SIDE) { sum += Math.abs(images[at + 1] - images[at]); pairs++; }
                    if (r + 1 < SIDE) { sum += Math.abs(images[at + SIDE] - images[at]); pairs++; }
                }
            }
        }
        return pairs == 0 ? Double.NaN : sum / pairs;
    }

    /** The mean pixel value of images [n, 784] (0 black, 1 white). */
    static double meanPixel(float[] images) {
        double s = 0;
        for (float v : images) s += v;
        return images.length == 0 ? Double.NaN : s / images.length;
    }

    /** The share of [N, 2] points farther than {@code radius} from the origin. */
    static double shareOutside(float[] xy, double radius) {
        int n = xy.length / 2, outside = 0;
        for (int i = 0; i < n; i++) {
            double x = xy[2 * i], y = xy[2 * i + 1];
            if (x * x + y * y > radius * radius) outside++;
        }
        return n == 0 ? 0 : (double) outside / n;
    }

    /**
     * The mass of the 2-D standard normal inside the circle of radius r: the squared radius is
     * χ² with 2 degrees of freedom, P(|z| ≤ r) = 1 − exp(−r²/2) (0.393 at 1σ, 0.865 at 2σ).
     */
    static double priorMassInside(double r) {
        return 1 - Math.exp(-r * r / 2);
    }

    /** Per-coordinate minimum and maximum of [N, 2] points: {lo₁, hi₁, lo₂, hi₂}. */
    static double[] range(float[] xy) {
        double[] r = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
        for (int i = 0; i < xy.length; i++) {
            int axis = i % 2;
            r[2 * axis] = Math.min(r[2 * axis], xy[i]);
            r[2 * axis + 1] = Math.max(r[2 * axis + 1], xy[i]);
        }
        return r;
    }

    /** The q-quantile (nearest rank below) of |v|, 0 for an empty array. */
    static double quantileAbs(float[] v, double q) {
        if (v.length == 0) return 0;
        double[] a = new double[v.length];
        for (int i = 0; i < v.length; i++) a[i] = Math.abs(v[i]);
        Arrays.sort(a);
        return a[Math.min(a.length - 1, (int) Math.floor(q * (a.length - 1)))];
    }

    /** The median of v (the upper one for an even length), NaN for an empty array. */
    static double median(float[] v) {
        float[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }

    /**
     * KL(N(μ, σ²) ‖ N(0, 1)) per latent dimension, averaged over N codes:
     * KL_j = (1/N) Σ_i ½(μ_ij² + σ_ij² − 1 − log σ_ij²).
     *
     * @param mu    [N, D]
     * @param sigma [N, D]
     * @return [D] nats
     */
    static double[] klPerDimension(float[] mu, float[] sigma, int dims) {
        int n = mu.length / dims;
        double[] kl = new double[dims];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dims; j++) {
                int at = i * dims + j;                                 // code i, dimension j
                double m = mu[at], s2 = (double) sigma[at] * sigma[at];
                kl[j] += 0.5 * (m * m + s2 - 1 - Math.log(s2));
            }
        }
        for (int j = 0; j < dims; j++) kl[j] /= n;
        return kl;
    }

    /** How many entries of a per-dimension KL exceed {@code threshold} nats: the dimensions in use. */
    static int activeDimensions(double[] klPerDim, double threshold) {
        int active = 0;
        for (double k : klPerDim) if (k > threshold) active++;
        return active;
    }

    static boolean nonIncreasing(double[] v) {
        for (int i = 1; i < v.length; i++) if (v[i] > v[i - 1]) return false;
        return true;
    }

    static boolean nonDecreasing(double[] v) {
        for (int i = 1; i < v.length; i++) if (v[i] < v[i - 1]) return false;
        return true;
    }
}
