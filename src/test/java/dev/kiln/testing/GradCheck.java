package dev.kiln.testing;

import dev.kiln.nn.Layer;
import dev.kiln.nn.Param;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.function.DoubleSupplier;

/**
 * Central-difference gradient checks. The objective is evaluated in double,
 * (L(v + h) − L(v − h)) / 2h, for each checked coordinate of a float array, and compared with
 * the analytic gradient the code under test produced.
 *
 * <p>Kinks (ReLU at 0, hinges at their threshold) make a central difference meaningless. A
 * coordinate whose central difference disagrees with the analytic gradient, and whose two
 * one-sided differences also disagree by more than the tolerance, is skipped as a kink; at most a
 * quarter of the coordinates may be skipped, so a wrong gradient cannot hide there. The one-sided
 * test comes second because on a smooth but curved objective the one-sided slopes differ by
 * about h·f'' (0.06 for ½x² at x = 6) while the central difference stays accurate to O(h²).
 */
public final class GradCheck {
    private GradCheck() {}

    /** Coordinates checked per array at most (chosen at random beyond that). */
    public static final int MAX_COORDS = 48;

    /**
     * Checks ∂L/∂values against {@code analytic}, perturbing {@code values} in place and restoring it.
     *
     * @param what     name for the failure message
     * @param values   the array the objective reads
     * @param analytic the gradient the code under test computed, same length
     * @param loss     evaluates the objective from the current {@code values}, in double
     */
    public static void check(String what, float[] values, float[] analytic, DoubleSupplier loss, Rng rng) {
        int n = values.length;
        int[] coords = pick(n, rng);
        int kinks = 0;
        String firstKink = null;
        double h = Tolerances.FD_STEP;
        for (int i : coords) {
            float saved = values[i];
            double step = h * Math.max(1.0, Math.abs(saved));
            values[i] = (float) (saved + step);
            double up = loss.getAsDouble();
            values[i] = (float) (saved - step);
            double down = loss.getAsDouble();
            values[i] = saved;
            double mid = loss.getAsDouble();
            double realStep = ((double) (float) (saved + step) - (float) (saved - step)) / 2;
            double numeric = (up - down) / (2 * realStep);
            double right = (up - mid) / realStep;
            double left = (mid - down) / realStep;
            double a = analytic[i];
            if (close(a, numeric)) continue;
            String mismatch = String.format(
                    "%s: gradient mismatch at index %d of %d: analytic %.6g, central difference %.6g"
                            + " (value %.6g)", what, i, n, a, numeric, saved);
            if (close(left, right)) throw new AssertionError(mismatch);
            kinks++;
            if (firstKink == null) firstKink = mismatch;
        }
        if (kinks * 4 > coords.length) {
            throw new AssertionError(what + ": " + kinks + " of " + coords.length
                    + " coordinates disagree and sit on a kink; the check is not meaningful for this input"
                    + " (first: " + firstKink + ")");
        }
    }

    /**
     * Checks a layer: input gradient and every parameter gradient of L = Σ r ⊙ layer(x), with r a
     * fixed random tensor of the output's shape.
     */
    public static void checkLayer(Layer layer, Tensor x, long seed) {
        Rng rng = new Rng(seed);
        Tensor y0 = layer.forward(x);
        float[] r = new float[y0.size()];
        rng.fillGaussian(r, r.length);
        DoubleSupplier objective = () -> dot(r, layer.forward(x).data);
        for (Param p : layer.params()) p.zeroGrad();
        layer.forward(x);
        Tensor dx = layer.backward(Tensor.of(r.clone(), y0.shape()));
        Tensor.requireSameShape(layer.describe() + " input gradient", dx, x);
        float[][] paramGrads = new float[layer.params().size()][];
        for (int k = 0; k < paramGrads.length; k++) paramGrads[k] = layer.params().get(k).grad.clone();
        check(layer.describe() + " ∂/∂input", x.data, dx.data, objective, rng);
        for (int k = 0; k < paramGrads.length; k++) {
            Param p = layer.params().get(k);
            check(layer.describe() + " ∂/∂" + p.name, p.value.data, paramGrads[k], objective, rng);
        }
    }

    public static double dot(float[] a, float[] b) {
        double acc = 0;
        for (int i = 0; i < a.length; i++) acc += (double) a[i] * b[i];
        return acc;
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= Tolerances.GRAD_ABS + Tolerances.GRAD_REL * Math.max(Math.abs(a), Math.abs(b));
    }

    private static int[] pick(int n, Rng rng) {
        if (n <= MAX_COORDS) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] some = new int[MAX_COORDS];
        for (int i = 0; i < MAX_COORDS; i++) some[i] = rng.nextInt(n);
        return some;
    }
}
