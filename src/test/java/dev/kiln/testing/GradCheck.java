package dev.kiln.testing;

import dev.kiln.nn.Layer;
import dev.kiln.nn.Param;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
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
 *
 * <p>A check can never pass by checking nothing: {@link #check} refuses an empty array or a
 * gradient of another length, and {@link #checkLayer} is told the name and shape of every
 * parameter the layer must have, asserts that {@code params()} lists exactly those, and checks
 * each one (a layer whose {@code params()} returned an empty list would otherwise skip every
 * parameter check and still pass).
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
     * @return the number of coordinates compared (≥ 1)
     */
    public static int check(String what, float[] values, float[] analytic, DoubleSupplier loss, Rng rng) {
        int n = values.length;
        if (n == 0) throw new AssertionError(what + ": nothing to check (the array is empty)");
        if (analytic.length != n) {
            throw new AssertionError(what + ": the analytic gradient has " + analytic.length + " values for "
                    + n + " inputs");
        }
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
        return coords.length;
    }

    /**
     * A parameter a layer must expose, e.g. {@code param("weight", outC, inC, k, k)}.
     *
     * @param name  {@link Param#name}
     * @param shape the value's shape
     */
    public record ParamShape(String name, int... shape) {
        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    public static ParamShape param(String name, int... shape) {
        return new ParamShape(name, shape);
    }

    /**
     * Checks a layer: input gradient and every parameter gradient of L = Σ r ⊙ layer(x), with r a
     * fixed random tensor of the output's shape. {@code expected} lists the parameters the layer
     * must have, in the order of {@code params()} (none for a parameter-free layer); a missing,
     * extra, renamed or reshaped parameter fails before any gradient is compared.
     *
     * @return the number of arrays checked: the input and one per parameter
     */
    public static int checkLayer(Layer layer, Tensor x, long seed, ParamShape... expected) {
        List<Param> params = layer.params();
        List<String> actualShapes = params.stream().map(p -> p.name + Arrays.toString(p.value.shape())).toList();
        List<String> expectedShapes = Arrays.stream(expected).map(ParamShape::toString).toList();
        if (!actualShapes.equals(expectedShapes)) {
            throw new AssertionError(layer.describe() + ": params() lists " + actualShapes + ", expected "
                    + expectedShapes);
        }
        Rng rng = new Rng(seed);
        int[] yShape = layer.forward(x).shape();                      // the output is valid until the next forward
        float[] r = new float[java.util.Arrays.stream(yShape).reduce(1, (p, q) -> p * q)];
        rng.fillGaussian(r, r.length);
        DoubleSupplier objective = () -> dot(r, layer.forward(x).data);
        for (Param p : params) p.zeroGrad();
        layer.forward(x);
        Tensor dx = layer.backward(Tensor.of(r.clone(), yShape));
        Tensor.requireSameShape(layer.describe() + " input gradient", dx, x);
        float[][] paramGrads = new float[params.size()][];
        for (int k = 0; k < paramGrads.length; k++) paramGrads[k] = params.get(k).grad.clone();
        check(layer.describe() + " ∂/∂input", x.data, dx.data, objective, rng);
        for (int k = 0; k < paramGrads.length; k++) {
            Param p = params.get(k);
            check(layer.describe() + " ∂/∂" + p.name, p.value.data, paramGrads[k], objective, rng);
        }
        return 1 + paramGrads.length;
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
