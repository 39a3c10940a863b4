package dev.kiln.data;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kiln data stats}: exit codes, JSON keys, and that the numbers are {@link ClassStats}'s. */
class DataStatsCommandTest {

    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one CLI run. */
    record Run(int code, String out, String err) {}

    static Run kiln(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void syntheticStatsAsJsonHaveEveryKeyAndTheGeneratorsNumbers() {
        Run run = kiln("data", "stats", "--synthetic", "50", "--seed", "9", "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
        for (String key : List.of("source", "seed", "grids", "cells_raw", "cells_padded", "counts_raw",
                "counts_padded", "share_raw", "share_padded", "black_share_raw", "black_share_padded")) {
            assertTrue(o.has(key), "missing key " + key + " in " + run.out());
        }
        ClassStats expected = ClassStats.of(SyntheticArc.generate(50, 9));
        assertEquals("synthetic", o.get("source").getAsString());
        assertEquals(50, o.get("grids").getAsInt());
        assertEquals(50L * 900, o.get("cells_padded").getAsLong());
        assertEquals(expected.padded()[0], o.getAsJsonArray("counts_padded").get(0).getAsLong());
        assertEquals(expected.blackSharePadded(), o.get("black_share_padded").getAsDouble());
    }

    @Test
    void arcStatsReadTheDirectory() throws IOException {
        Files.writeString(dir.resolve("t.json"), """
                {"train": [{"input": [[1, 0]], "output": [[2]]}], "test": [{"input": [[0]]}]}
                """);
        Run run = kiln("data", "stats", "--arc", dir.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals("arc", o.get("source").getAsString());
        assertEquals(1, o.get("task_files").getAsInt());
        assertEquals(3, o.get("grids").getAsInt());
        assertEquals(4, o.get("cells_raw").getAsLong());
        assertEquals(2, o.getAsJsonArray("counts_raw").get(0).getAsLong());
    }

    @Test
    void theTableShowsGridCountAndBothDistributions() {
        Run run = kiln("data", "stats", "--synthetic", "20");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("grids: 20"), run.out());
        assertTrue(run.out().contains("0 (black)"), run.out());
        assertTrue(run.out().contains("raw %") && run.out().contains("padded %"), run.out());
        assertTrue(run.out().contains("black share:"), run.out());
    }

    @Test
    void aMissingDirectoryExitsWithTwoAndNamesIt() {
        Path missing = dir.resolve("absent");
        Run run = kiln("data", "stats", "--arc", missing.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains(missing.toString()) && run.err().contains("not a directory"), run.err());
    }

    @Test
    void aBadTaskFileExitsWithTwoAndNamesFileGridAndPosition() throws IOException {
        Files.writeString(dir.resolve("bad.json"), "{\"train\": [{\"input\": [[1, 12]], \"output\": [[0]]}], \"test\": []}");
        Run run = kiln("data", "stats", "--arc", dir.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("bad.json") && run.err().contains("train[0].input")
                && run.err().contains("(row 0, col 1)"), run.err());
    }

    @Test
    void conflictingOrMissingSourcesExitWithTwo() {
        assertEquals(2, kiln("data", "stats").code());
        assertEquals(2, kiln("data", "stats", "--arc", dir.toString(), "--synthetic", "5").code());
        assertEquals(2, kiln("data", "stats", "--arc", dir.toString(), "--seed", "5").code());
        assertEquals(2, kiln("data", "stats", "--synthetic", "0").code());
        assertEquals(2, kiln("data", "stats", "--synthetic", "many").code());
    }
}
