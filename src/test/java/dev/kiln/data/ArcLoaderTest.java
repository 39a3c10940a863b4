package dev.kiln.data;

import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ArcLoaderTest {

    /** The real ARC-AGI-1 training set, shared beside the repository, never copied into it. */
    static final Path REAL_TRAINING = Path.of("../shared/data/arc-agi-1/training");

    @TempDir
    Path dir;

    private static final String GOOD = """
            {"train": [{"input": [[1, 0], [0, 2]], "output": [[3]]},
                       {"input": [[0, 0, 0]], "output": [[4], [5.0]]}],
             "test":  [{"input": [[9, 8, 7]], "output": [[6, 6]]}],
             "name": "extra keys are ignored"}
            """;

    @Test
    void aGoodFileYieldsEveryGridInFileOrderWithItsOrigin() throws IOException {
        write("task.json", GOOD);
        ArcSet set = ArcLoader.load(dir);
        assertEquals(List.of("task.json"), set.files());
        List<String> labels = set.entries().stream().map(ArcEntry::label).toList();
        assertEquals(List.of("train[0].input", "train[0].output", "train[1].input", "train[1].output",
                "test[0].input", "test[0].output"), labels);
        assertEquals(ArcGrid.of(new int[][] {{1, 0}, {0, 2}}), set.entries().get(0).grid());
        assertEquals(ArcGrid.of(new int[][] {{4}, {5}}), set.entries().get(3).grid());
        assertEquals(ArcGrid.of(new int[][] {{6, 6}}), set.entries().get(5).grid());
        assertEquals("task", set.entries().get(0).task());
        assertEquals(ArcEntry.Split.TEST, set.entries().get(4).split());
        assertEquals(ArcEntry.Side.OUTPUT, set.entries().get(5).side());
    }

    @Test
    void aTestPairWithoutOutputContributesOnlyItsInput() throws IOException {
        write("hidden.json", """
                {"train": [{"input": [[1]], "output": [[2]]}],
                 "test": [{"input": [[3]]}, {"input": [[4]], "output": null}]}
                """);
        List<String> labels = ArcLoader.load(dir).entries().stream().map(ArcEntry::label).toList();
        assertEquals(List.of("train[0].input", "train[0].output", "test[0].input", "test[1].input"), labels);
    }

    @Test
    void onlyJsonFilesDirectlyInTheDirectoryAreReadInSortedOrder() throws IOException {
        write("b.json", GOOD);
        write("a.json", GOOD);
        write("notes.txt", "not a task");
        write(".hidden.json", "not JSON at all");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve("c.json"), "not JSON either");
        ArcSet set = ArcLoader.load(dir);
        assertEquals(List.of("a.json", "b.json"), set.files());
        assertEquals("a.json", set.entries().get(0).file());
        assertEquals("b.json", set.entries().get(6).file());
        assertEquals(12, set.entries().size());
    }

    @Test
    void aNonRectangularGridNamesFileGridAndRow() throws IOException {
        BadInputException e = loadBad("ragged.json", """
                {"train": [{"input": [[1]], "output": [[2]]},
                           {"input": [[1, 2, 3], [4, 5, 6], [7, 8]], "output": [[1]]}],
                 "test": []}
                """);
        assertMentions(e, "ragged.json", "train[1].input", "(row 2, col 2)", "row 2 has 2 cells but row 0 has 3", "rectangular");
    }

    @Test
    void thirtyOneColumnsAreRejectedWithTheAllowedRange() throws IOException {
        String row31 = "[" + "0, ".repeat(30) + "1]";
        BadInputException e = loadBad("wide.json",
                "{\"train\": [{\"input\": [[1]], \"output\": [" + row31 + "]}], \"test\": []}");
        assertMentions(e, "wide.json", "train[0].output", "(row 0, col 30)", "31 columns", "1–30");
    }

    @Test
    void thirtyColumnsAndThirtyRowsAreAccepted() throws IOException {
        String row30 = "[" + "0, ".repeat(29) + "9]";
        String grid30 = "[" + (row30 + ", ").repeat(29) + row30 + "]";
        write("max.json", "{\"train\": [{\"input\": " + grid30 + ", \"output\": [[1]]}], \"test\": []}");
        ArcGrid g = ArcLoader.load(dir).entries().get(0).grid();
        assertEquals(30, g.rows());
        assertEquals(30, g.cols());
        assertEquals(9, g.get(29, 29));
    }

    @Test
    void thirtyOneRowsAreRejectedWithTheAllowedRange() throws IOException {
        String grid31 = "[" + "[0], ".repeat(30) + "[0]]";
        BadInputException e = loadBad("tall.json",
                "{\"train\": [], \"test\": [{\"input\": " + grid31 + "}]}");
        assertMentions(e, "tall.json", "test[0].input", "(row 30, col 0)", "31 rows", "1–30");
    }

    @Test
    void theValueTenIsRejectedAtItsPosition() throws IOException {
        BadInputException e = loadBad("ten.json", """
                {"train": [], "test": [{"input": [[0, 0, 0], [0, 0, 10]]}]}
                """);
        assertMentions(e, "ten.json", "test[0].input", "(row 1, col 2)", "is 10", "integers 0–9");
    }

    @Test
    void theValueMinusOneIsRejectedAtItsPosition() throws IOException {
        BadInputException e = loadBad("negative.json", """
                {"train": [{"input": [[-1]], "output": [[0]]}], "test": []}
                """);
        assertMentions(e, "negative.json", "train[0].input", "(row 0, col 0)", "is -1", "integers 0–9");
    }

    @Test
    void aStringCellIsRejectedAtItsPosition() throws IOException {
        BadInputException e = loadBad("string.json", """
                {"train": [{"input": [[1, 2], [3, "4"]], "output": [[0]]}], "test": []}
                """);
        assertMentions(e, "string.json", "train[0].input", "(row 1, col 1)", "a string \"4\"", "integers 0–9");
    }

    @Test
    void aFractionalCellIsRejectedAtItsPosition() throws IOException {
        BadInputException e = loadBad("fraction.json", """
                {"train": [{"input": [[1]], "output": [[0, 2.5]]}], "test": []}
                """);
        assertMentions(e, "fraction.json", "train[0].output", "(row 0, col 1)", "2.5", "integers 0–9");
    }

    @Test
    void anEmptyGridOrRowIsRejected() throws IOException {
        BadInputException noRows = loadBad("norows.json", """
                {"train": [{"input": [], "output": [[0]]}], "test": []}
                """);
        assertMentions(noRows, "norows.json", "train[0].input", "(row 0, col 0)", "1–30 rows");
        Files.delete(dir.resolve("norows.json"));
        BadInputException emptyRow = loadBad("emptyrow.json", """
                {"train": [{"input": [[]], "output": [[0]]}], "test": []}
                """);
        assertMentions(emptyRow, "emptyrow.json", "train[0].input", "(row 0, col 0)", "1–30 columns");
    }

    @Test
    void aMissingTrainKeyIsNamed() throws IOException {
        BadInputException e = loadBad("notrain.json", """
                {"test": [{"input": [[1]], "output": [[2]]}]}
                """);
        assertMentions(e, "notrain.json", "missing key \"train\"");
    }

    @Test
    void aTrainPairWithoutOutputIsRejected() throws IOException {
        BadInputException e = loadBad("nooutput.json", """
                {"train": [{"input": [[1]]}], "test": []}
                """);
        assertMentions(e, "nooutput.json", "train[0]", "missing key \"output\"");
    }

    @Test
    void invalidJsonNamesTheFile() throws IOException {
        BadInputException e = loadBad("broken.json", "{\"train\": [{\"input\": [[1]], \"output\": [[2]]}");
        assertMentions(e, "broken.json", "not valid JSON");
    }

    @Test
    void aFileThatIsNotUtf8TextIsUnreadable() throws IOException {
        Files.write(dir.resolve("binary.json"), new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
        BadInputException e = assertThrows(BadInputException.class, () -> ArcLoader.load(dir));
        assertMentions(e, "binary.json", "cannot read", "not UTF-8");
    }

    @Test
    void lenientJsonIsRejected() throws IOException {
        BadInputException e = loadBad("lenient.json", "{train: [], test: []}");
        assertMentions(e, "lenient.json", "not valid JSON", "line 1 column 2", "unquoted key");
    }

    @Test
    void trailingDataAfterTheTaskIsRejected() throws IOException {
        BadInputException e = loadBad("trailing.json", "{\"train\": [], \"test\": []} {}");
        assertMentions(e, "trailing.json", "not valid JSON");
    }

    @Test
    void aTopLevelListIsRejected() throws IOException {
        BadInputException e = loadBad("list.json", "[[1]]");
        assertMentions(e, "list.json", "top level is a list");
    }

    @Test
    void anEmptyDirectoryIsAClearError() {
        BadInputException e = assertThrows(BadInputException.class, () -> ArcLoader.load(dir));
        assertMentions(e, dir.toString(), "no .json files");
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        Path missing = dir.resolve("nowhere");
        BadInputException e = assertThrows(BadInputException.class, () -> ArcLoader.load(missing));
        assertMentions(e, missing.toString(), "not a directory");
    }

    @Test
    void theRealTrainingSetLoadsWithAboutNinetyFourPercentBlackOncePadded() {
        assumeTrue(Files.isDirectory(REAL_TRAINING), "ARC-AGI-1 training set not present at " + REAL_TRAINING);
        ArcSet set = ArcLoader.load(REAL_TRAINING);
        assertEquals(400, set.files().size());
        assertEquals("007bbfb7.json", set.files().get(0));
        assertEquals(3436, set.entries().size());             // 2 grids per pair, every test output present
        ClassStats stats = ClassStats.of(set.grids());
        assertEquals(3436L * 900, stats.paddedCells());
        assertTrue(stats.blackSharePadded() >= 0.90 && stats.blackSharePadded() <= 0.97,
                "padded black share " + stats.blackSharePadded());
        GridDataset data = GridDataset.fromArc(set);
        assertEquals(400, data.groupCount());
        assertEquals("007bbfb7", data.groupName(0));
        // no grid of a validation task is in training
        TaskSplit split = TaskSplit.of(data, 0.1, 7);
        boolean[] validationTask = new boolean[data.groupCount()];
        for (int i : split.validation()) validationTask[data.groupOf(i)] = true;
        for (int i : split.train()) assertTrue(!validationTask[data.groupOf(i)], "grid " + i + " leaks");
        int heldTasks = 0;
        for (boolean held : validationTask) if (held) heldTasks++;
        assertEquals(40, heldTasks);
        assertArrayEquals(split.validation(), TaskSplit.of(data, 0.1, 7).validation());
    }

    // ------------------------------------------------------------------ helpers

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private BadInputException loadBad(String name, String content) throws IOException {
        write(name, content);
        return assertThrows(BadInputException.class, () -> ArcLoader.load(dir));
    }

    private static void assertMentions(Exception e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks \"" + f + "\": " + e.getMessage());
        }
    }
}
