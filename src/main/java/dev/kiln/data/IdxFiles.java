package dev.kiln.data;

import dev.kiln.error.BadInputException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads Fashion-MNIST in the IDX format of LeCun's MNIST page, as Zalando publishes it.
 *
 * <p><b>Files.</b> A directory holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each either plain or gzipped
 * under the same name plus {@code .gz}. When both exist the plain file is read. Whether a file is
 * gzipped is decided by its first two bytes (0x1f 0x8b), not by its name.
 *
 * <p><b>Layout</b> (all integers are 32-bit big-endian; byte offsets below are of the
 * decompressed data):
 * <pre>
 *   images: magic 0x00000803 | N | rows = 28 | cols = 28 | N·784 pixel bytes, image after image,
 *           row after row                                             (16 + N·784 bytes)
 *   labels: magic 0x00000801 | N | N label bytes 0–9                  (8 + N bytes)
 * </pre>
 * The magic's third byte 0x08 means unsigned bytes, its fourth the number of dimensions.
 *
 * <p><b>Validation.</b> The magic, the image size 28×28, that the file holds exactly the bytes its
 * header announces (no fewer: "truncated at byte k"; no more), labels 0–9, and that the images and
 * labels of a split have the same N, at least 1. Any violation is a {@link BadInputException} that names the
 * file, what is wrong and what is expected. The split is the files' own: train (60 000) and t10k
 * (10 000), in file order.
 */
final class IdxFiles {
    private IdxFiles() {}

    /** Magic of an IDX file of unsigned bytes with 3 dimensions (images N×rows×cols). */
    static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of an IDX file of unsigned bytes with 1 dimension (labels N). */
    static final int LABELS_MAGIC = 0x00000801;
    /** Largest N whose N·784 pixel bytes fit in one Java array. */
    static final int MAX_IMAGES = (Integer.MAX_VALUE - 16) / FashionMnist.PIXELS;

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Whether {@code dir} holds a training image file, plain or gzipped (then {@link #load} applies). */
    static boolean present(Path dir) {
        return find(dir, TRAIN_IMAGES) != null;
    }

    /** Reads the four files of {@code dir}; train and test are the files' own split. */
    static FashionMnist.Sets load(Path dir) {
        FashionMnist train = readSplit(dir, TRAIN_IMAGES, TRAIN_LABELS);
        FashionMnist test = readSplit(dir, TEST_IMAGES, TEST_LABELS);
        return new FashionMnist.Sets(train, test, dir, FashionMnist.Format.IDX, 0);
    }

    private static FashionMnist readSplit(Path dir, String imagesName, String labelsName) {
        Path imagesFile = require(dir, imagesName);
        Path labelsFile = require(dir, labelsName);
        byte[] pixels = readImages(imagesFile);   // [N, 784]
        byte[] labels = readLabels(labelsFile);   // [N']
        int images = pixels.length / FashionMnist.PIXELS;
        if (images == 0) {
            throw new BadInputException(imagesFile + ": the header announces 0 images; a " + imagesName.substring(0, 4)
                    + " split needs at least one image (every loss over an empty set is NaN)");
        }
        if (images != labels.length) {
            throw new BadInputException(imagesFile + ": count mismatch: it holds " + images + " images but "
                    + labelsFile.getFileName() + " holds " + labels.length + " labels; expected one label per image");
        }
        return FashionMnist.of(pixels, labels);
    }

    /** {@code dir/name} if it exists, else {@code dir/name.gz} if that exists, else null. */
    private static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static Path require(Path dir, String name) {
        Path file = find(dir, name);
        if (file == null) {
            throw new BadInputException(dir.resolve(name) + ": missing; expected " + name + " or " + name
                    + ".gz beside " + TRAIN_IMAGES + " (the four Fashion-MNIST IDX files: " + TRAIN_IMAGES + ", "
                    + TRAIN_LABELS + ", " + TEST_IMAGES + ", " + TEST_LABELS + ")");
        }
        return file;
    }

    /** The pixels {@code [N·784]} of an IDX image file. */
    static byte[] readImages(Path file) {
        try (Counted in = open(file)) {
            byte[] header = in.readExactly(16, "the header (magic, N, rows, cols)");
            int magic = bigEndian(header, 0);
            if (magic != IMAGES_MAGIC) {
                String hint = magic == LABELS_MAGIC ? " (that is the magic of a label file)" : "";
                throw in.bad(String.format(
                        "bad magic 0x%08x%s; expected 0x%08x (IDX images: unsigned bytes, 3 dimensions)",
                        magic, hint, IMAGES_MAGIC));
            }
            int n = bigEndian(header, 4);
            int rows = bigEndian(header, 8);
            int cols = bigEndian(header, 12);
            if (n < 0 || n > MAX_IMAGES) {
                throw in.bad("the header announces " + Integer.toUnsignedString(n) + " images; expected 0–"
                        + MAX_IMAGES);
            }
            if (rows != FashionMnist.SIDE || cols != FashionMnist.SIDE) {
                throw in.bad("the images are " + rows + "×" + cols + "; expected 28×28 (Fashion-MNIST)");
            }
            int size = n * FashionMnist.PIXELS;
            byte[] pixels = in.readExactly(size, n + " images of 28×28 pixels (16 + " + n + "·784 = "
                    + (16L + size) + " bytes in all)");
            in.requireEnd(16L + size, n + " images");
            return pixels;
        } catch (IOException e) {
            throw dev.kiln.io.IoErrors.bad(file + ": cannot read", e);
        }
    }

    /** The labels {@code [N]} of an IDX label file, each checked to be 0–9. */
    static byte[] readLabels(Path file) {
        try (Counted in = open(file)) {
            byte[] header = in.readExactly(8, "the header (magic, N)");
            int magic = bigEndian(header, 0);
            if (magic != LABELS_MAGIC) {
                String hint = magic == IMAGES_MAGIC ? " (that is the magic of an image file)" : "";
                throw in.bad(String.format(
                        "bad magic 0x%08x%s; expected 0x%08x (IDX labels: unsigned bytes, 1 dimension)",
                        magic, hint, LABELS_MAGIC));
            }
            int n = bigEndian(header, 4);
            if (n < 0 || n > MAX_IMAGES) {
                throw in.bad("the header announces " + Integer.toUnsignedString(n) + " labels; expected 0–"
                        + MAX_IMAGES);
            }
            byte[] labels = in.readExactly(n, n + " labels (8 + " + n + " bytes in all)");
            for (int i = 0; i < n; i++) {
                int y = labels[i] & 0xFF;
                if (y >= FashionMnist.CLASSES) {
                    throw in.bad("label out of range at item " + i + " (byte " + (8 + i) + "): " + y
                            + "; expected 0–9");
                }
            }
            in.requireEnd(8L + n, n + " labels");
            return labels;
        } catch (IOException e) {
            throw dev.kiln.io.IoErrors.bad(file + ": cannot read", e);
        }
    }

    private static int bigEndian(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    /** Opens {@code file}, gunzipping it when it starts with the gzip magic 0x1f 0x8b. */
    private static Counted open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        try {
            return new Counted(file, gzip ? new GZIPInputStream(raw, 1 << 16) : raw, gzip);
        } catch (IOException e) {
            raw.close();
            throw new BadInputException(file + ": not valid gzip data (" + e.getMessage() + "); expected a gzipped "
                    + "IDX file or a plain one", e);
        }
    }

    /** A stream that knows how many (decompressed) bytes it has delivered, for the messages. */
    private static final class Counted implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private long position;   // bytes read so far

        Counted(Path file, InputStream in, boolean gzip) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
        }

        /** The next {@code count} bytes, or "truncated at byte k" naming {@code what} was expected. */
        byte[] readExactly(int count, String what) {
            // grown as data arrives, so that a header announcing too much cannot force a huge allocation
            byte[] out = new byte[Math.min(count, 1 << 20)];
            int got = 0;
            try {
                while (got < count) {
                    if (got == out.length) out = Arrays.copyOf(out, (int) Math.min(count, 2L * out.length));
                    int n = in.read(out, got, out.length - got);
                    if (n < 0) break;
                    got += n;
                    position += n;
                }
            } catch (EOFException e) {
                throw bad("truncated at byte " + position + " of the decompressed data: the gzip stream ends early ("
                        + e.getMessage() + "); expected " + what);
            } catch (ZipException e) {
                throw bad("corrupt gzip data after byte " + position + " of the decompressed data (" + e.getMessage()
                        + "); expected " + what);
            } catch (IOException e) {
                throw dev.kiln.io.IoErrors.bad(file + ": cannot read", e);
            }
            if (got < count) {
                throw bad("truncated at byte " + position + (gzip ? " of the decompressed data" : "")
                        + "; expected " + what);
            }
            return out;
        }

        /** Fails unless the data ends at {@code size}, where the header says it should. */
        void requireEnd(long size, String what) {
            long extra;
            try {
                extra = in.transferTo(OutputStream.nullOutputStream());   // trailing bytes are only counted
            } catch (IOException e) {
                throw bad("corrupt data after the last item (" + e.getMessage() + ")");
            }
            if (extra > 0) {
                throw bad((size + extra) + " bytes, " + extra + " more than the header announces; expected exactly "
                        + size + " bytes for " + what);
            }
        }

        BadInputException bad(String what) {
            return new BadInputException(file + ": " + what);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
