package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.rand.Rng;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The images the lesson trains and tests on, where they came from, and the class names.
 *
 * @param train       the training images
 * @param test        the test images (all the lesson's numbers are measured on these)
 * @param name        the dataset's name alone, for titles ("Fashion-MNIST"): no local path in a page
 *                    that is shared
 * @param description one line for the report, e.g. "Fashion-MNIST, IDX format, read from /data"
 * @param classNames  the 10 class names, by class id
 */
public record LessonData(FashionMnist train, FashionMnist test, String name, String description, List<String> classNames) {

    /** Fashion-MNIST from a directory or package that {@link FashionMnist#load} accepts. */
    public static LessonData fashionMnist(Path path) {
        FashionMnist.Sets sets = FashionMnist.load(path);
        List<String> names = new ArrayList<>();
        for (int k = 0; k < FashionMnist.CLASSES; k++) names.add(FashionMnist.className(k));
        return new LessonData(sets.train(), sets.test(), "Fashion-MNIST",
                "Fashion-MNIST, " + sets.format() + " format, read from " + sets.source(), names);
    }

    /** {@link SyntheticShapes}: {@code trainImages} for training and a fifth as many (at least 10) for testing. */
    public static LessonData synthetic(int trainImages, long seed) {
        int testImages = Math.max(10, trainImages / 5);
        return new LessonData(SyntheticShapes.generate(trainImages, seed),
                SyntheticShapes.generate(testImages, seed + 1), "synthetic shapes",
                "synthetic shapes (" + trainImages + " train, " + testImages + " test, seed " + seed
                        + "), a stand-in for Fashion-MNIST", SyntheticShapes.CLASS_NAMES);
    }

    /**
     * At most {@code trainImages} and {@code testImages} images of each split, drawn at random
     * (seeded) so that every class is represented; 0 keeps a split whole.
     */
    public LessonData limit(int trainImages, int testImages, long seed) {
        Rng rng = new Rng(seed);
        return new LessonData(sample(train, trainImages, rng), sample(test, testImages, rng), name, description, classNames);
    }

    private static FashionMnist sample(FashionMnist set, int keep, Rng rng) {
        if (keep <= 0 || keep >= set.size()) return set;
        int[] order = new int[set.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        rng.shuffle(order);
        return set.subset(java.util.Arrays.copyOf(order, keep));
    }
}
