package dev.kiln.monitor;

/**
 * Counts of (true class, predicted class) over cells (pixels of a grid, or samples), and the
 * accuracies that make majority-class collapse visible. On ARC grids 93 % of the cells are black:
 * a model that paints everything black scores 93 % plain accuracy and 0 % non-black accuracy.
 * <pre>
 *   counts : [C, C], counts[t, p] = cells with true class t predicted as p
 *   per-class accuracy a_t = counts[t, t] / Σ_p counts[t, p]            (recall; NaN if no cell is t)
 *   non-majority accuracy  = Σ_{t ≠ m} counts[t, t] / Σ_{t ≠ m} Σ_p counts[t, p]
 *                            over the cells whose TRUE class is not the majority class m
 *                            (NaN when there are none: no evidence is not 100 %)
 *   majority share         = Σ_t counts[t, m] / Σ counts                 share of predictions = m
 * </pre>
 * Padding cells are either left out with {@link #add(int[], int[], int)}'s ignore label, or, if
 * they are labelled with the majority class, they still cannot raise the non-majority accuracy,
 * whose denominator only counts cells whose true class is not the majority.
 */
public final class ConfusionMatrix {
    private final int classes;
    private final long[] counts;     // [C, C], row = true class, column = predicted class

    public ConfusionMatrix(int classes) {
        if (classes < 1) throw new IllegalArgumentException("confusion_matrix: classes must be ≥ 1, got " + classes);
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    public int classes() {
        return classes;
    }

    /** Adds one cell per index: predicted[i] against truth[i], all labels in [0, classes). */
    public ConfusionMatrix add(int[] predicted, int[] truth) {
        return add(predicted, truth, Integer.MIN_VALUE);
    }

    /**
     * As {@link #add(int[], int[])}, but cells whose true label equals {@code ignoreLabel} (padding)
     * are skipped entirely; that label may lie outside [0, classes).
     */
    public ConfusionMatrix add(int[] predicted, int[] truth, int ignoreLabel) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("confusion_matrix: " + predicted.length + " predictions for "
                    + truth.length + " true labels; they must be the same length");
        }
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i];
            if (t == ignoreLabel) continue;
            int p = predicted[i];
            if (t < 0 || t >= classes || p < 0 || p >= classes) {
                throw new IllegalArgumentException("confusion_matrix: cell " + i + " has true class " + t
                        + " and predicted class " + p + "; classes are 0.." + (classes - 1)
                        + (ignoreLabel == Integer.MIN_VALUE ? "" : " (ignored label " + ignoreLabel + ")"));
            }
            counts[t * classes + p]++;
        }
        return this;
    }

    /** Adds every count of another matrix with the same number of classes. */
    public ConfusionMatrix addAll(ConfusionMatrix other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException("confusion_matrix: cannot add " + other.classes + " classes to " + classes);
        }
        for (int k = 0; k < counts.length; k++) counts[k] += other.counts[k];
        return this;
    }

    public long count(int trueClass, int predictedClass) {
        return counts[trueClass * classes + predictedClass];
    }

    /** Cells with this true class. */
    public long trueCount(int trueClass) {
        long acc = 0;
        for (int p = 0; p < classes; p++) acc += counts[trueClass * classes + p];
        return acc;
    }

    /** Cells predicted as this class. */
    public long predictedCount(int predictedClass) {
        long acc = 0;
        for (int t = 0; t < classes; t++) acc += counts[t * classes + predictedClass];
        return acc;
    }

    public long total() {
        long acc = 0;
        for (long c : counts) acc += c;
        return acc;
    }

    /** Plain accuracy over every counted cell (NaN when empty). */
    public double accuracy() {
        long correct = 0;
        for (int t = 0; t < classes; t++) correct += counts[t * classes + t];
        return ratio(correct, total());
    }

    /** a_t for every class, [C]; NaN for classes with no true cell. */
    public double[] perClassAccuracy() {
        double[] out = new double[classes];
        for (int t = 0; t < classes; t++) out[t] = ratio(counts[t * classes + t], trueCount(t));
        return out;
    }

    /** Accuracy over the cells whose true class is not {@code majorityClass} (NaN if there are none). */
    public double nonMajorityAccuracy(int majorityClass) {
        requireClass(majorityClass);
        long correct = 0, cells = 0;
        for (int t = 0; t < classes; t++) {
            if (t == majorityClass) continue;
            correct += counts[t * classes + t];
            cells += trueCount(t);
        }
        return ratio(correct, cells);
    }

    /** The share of predictions that are {@code majorityClass}, in [0, 1] (NaN when empty). */
    public double majorityShare(int majorityClass) {
        requireClass(majorityClass);
        return ratio(predictedCount(majorityClass), total());
    }

    /** The class with the most true cells (ties: the smallest id). */
    public int majorityClassByTruth() {
        int best = 0;
        for (int t = 1; t < classes; t++) {
            if (trueCount(t) > trueCount(best)) best = t;
        }
        return best;
    }

    /** The matrix as a table, rows = true class, columns = predicted class, with per-class accuracy. */
    public String format() {
        StringBuilder sb = new StringBuilder("true\\pred");
        for (int p = 0; p < classes; p++) sb.append(String.format("%9d", p));
        sb.append("   accuracy\n");
        double[] acc = perClassAccuracy();
        for (int t = 0; t < classes; t++) {
            sb.append(String.format("%9d", t));
            for (int p = 0; p < classes; p++) sb.append(String.format("%9d", counts[t * classes + p]));
            sb.append(Double.isNaN(acc[t]) ? "          -" : String.format("%10.1f%%", 100 * acc[t])).append('\n');
        }
        return sb.toString();
    }

    private void requireClass(int c) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException("confusion_matrix: majority class " + c + " is not in 0.." + (classes - 1));
        }
    }

    private static double ratio(long num, long den) {
        return den == 0 ? Double.NaN : (double) num / den;
    }
}
