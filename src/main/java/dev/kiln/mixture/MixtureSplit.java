package dev.kiln.mixture;

import dev.kiln.error.BadInputException;
import dev.kiln.data.FashionMnist;
import dev.kiln.data.GridDataset;
import dev.kiln.data.TaskSplit;
import dev.kiln.rand.Rng;
import dev.kiln.train.ArcData;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The training and validation samples of a run and where they came from.
 *
 * @param train       the training samples
 * @param validation  the validation samples (the curriculum's objective and every purity number)
 * @param description one line for logs and the summary
 */
public record MixtureSplit(MixtureData train, MixtureData validation, String description) {

    /**
     * Loads the config's data set.
     * <ul>
     *   <li>{@code fashion_mnist}: {@code data} is a Fashion-MNIST directory or .tgz, or null for the
     *       kiln cache ({@link FashionMnist#locate}); train_size images drawn from the training
     *       split and val_size from the test split, both by a shuffle seeded with split_seed;</li>
     *   <li>{@code arc}: {@code data} is an ARC task directory, or null for synthetic_grids
     *       synthetic grids; tasks split by {@link TaskSplit} (val_fraction, split_seed), the
     *       training grids capped at train_size when it is &gt; 0;</li>
     *   <li>{@code synthetic}: labelled blobs ({@link MixtureData#blobs}); {@code data} must be null.</li>
     * </ul>
     */
    public static MixtureSplit load(MixtureConfig cfg, Path data) {
        return switch (cfg.dataset()) {
            case "fashion_mnist" -> fashion(cfg, data);
            case "arc" -> arc(cfg, data);
            default -> {
                if (data != null) {
                    throw new BadInputException("--data " + data + ": dataset 'synthetic' reads no files; "
                            + "drop --data or set \"dataset\" to fashion_mnist or arc");
                }
                yield synthetic(cfg);
            }
        };
    }

    private static MixtureSplit fashion(MixtureConfig cfg, Path data) {
        Path where = FashionMnist.locate(data, "--data", System.getenv());
        FashionMnist.Sets sets = FashionMnist.load(where);
        Rng rng = new Rng(cfg.splitSeed());
        int[] train = firstShuffled(sets.train().size(), cfg.trainSize(), rng);
        int[] val = firstShuffled(sets.test().size(), cfg.valSize(), rng);
        return new MixtureSplit(MixtureData.fashion(sets.train().subset(train)),
                MixtureData.fashion(sets.test().subset(val)),
                String.format(Locale.ROOT, "Fashion-MNIST %s: %d of %d training images, %d of %d test images as "
                        + "validation (split_seed %d)", where, train.length, sets.train().size(), val.length,
                        sets.test().size(), cfg.splitSeed()));
    }

    private static MixtureSplit arc(MixtureConfig cfg, Path data) {
        ArcData arc = ArcData.load(data, cfg.syntheticGrids());
        GridDataset grids = arc.grids();
        TaskSplit split = TaskSplit.of(grids, cfg.valFraction(), cfg.splitSeed());
        int[] train = split.train();
        if (cfg.trainSize() > 0 && train.length > cfg.trainSize()) train = Arrays.copyOf(train, cfg.trainSize());
        if (train.length == 0 || split.validation().length == 0) {
            throw new BadInputException("the ARC data has " + grids.groupCount() + " task(s); a train/validation split "
                    + "needs at least 2 (val_fraction " + cfg.valFraction() + ")");
        }
        return new MixtureSplit(MixtureData.arc(grids.subset(train)), MixtureData.arc(grids.subset(split.validation())),
                arc.description() + String.format(Locale.ROOT, "; %d training / %d validation grids", train.length,
                        split.validation().length));
    }

    private static MixtureSplit synthetic(MixtureConfig cfg) {
        int n = cfg.trainSize() + cfg.valSize();
        MixtureData all = MixtureData.blobs(n, cfg.blobClasses(), cfg.blobSide(), cfg.blobFlip(), cfg.splitSeed());
        int[] train = new int[cfg.trainSize()], val = new int[cfg.valSize()];
        for (int i = 0; i < train.length; i++) train[i] = i;
        for (int i = 0; i < val.length; i++) val[i] = train.length + i;
        return new MixtureSplit(MixtureData.view(all, train), MixtureData.view(all, val),
                String.format(Locale.ROOT, "synthetic blobs: %d classes, %dx%d, flip %.2f, %d train / %d validation "
                        + "(seed %d)", cfg.blobClasses(), cfg.blobSide(), cfg.blobSide(), cfg.blobFlip(),
                        train.length, val.length, cfg.splitSeed()));
    }

    /** The first min(want, n) of a seeded shuffle of 0..n−1. */
    private static int[] firstShuffled(int n, int want, Rng rng) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        rng.shuffle(all);
        return Arrays.copyOf(all, Math.min(n, want));
    }
}
