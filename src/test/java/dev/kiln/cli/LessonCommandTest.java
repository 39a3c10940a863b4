package dev.kiln.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.lesson.Lesson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kiln lesson}: end to end on a synthetic stand-in for Fashion-MNIST, and its argument errors. */
class LessonCommandTest {

    @Test
    void quickLessonOnSyntheticShapesWritesEveryFileAndTheElbo(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("new").resolve("lesson");                 // created by the command
        CliRun run = CliRun.of("lesson", "--quick", "--synthetic", "100", "--epochs", "1", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        for (String name : Lesson.OUTPUTS) {
            Path f = out.resolve(name);
            assertTrue(Files.isRegularFile(f) && Files.size(f) > 0, name + " missing or empty");
        }
        try (Stream<Path> files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file was left");
        }
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve(Lesson.SUMMARY))).getAsJsonObject();
        double elbo = summary.get("test_negative_elbo_nats").getAsDouble();
        assertTrue(Double.isFinite(elbo) && elbo > 0, "test_negative_elbo_nats " + elbo);
        assertEquals(Lesson.BETAS.length, summary.getAsJsonObject("trade_off").getAsJsonArray("beta_sweep").size());
        JsonObject wall = summary.getAsJsonObject("wall_seconds");
        for (String part : new String[] {"1_hook", "5_trade_off", "7_smooth_terrain", "total"}) {
            assertTrue(wall.has(part), "wall_seconds lacks " + part + ": " + wall);
        }
        String report = Files.readString(out.resolve(Lesson.REPORT), StandardCharsets.UTF_8);
        for (String name : Lesson.OUTPUTS) {
            if (name.endsWith(".png")) assertTrue(report.contains("](" + name + ")"), "report.md does not show " + name);
        }
        assertTrue(report.contains("quick version"), "the report says what --quick does");
        assertTrue(report.contains("](explorer.html)"), "report.md links the explorer");
        JsonObject explorer = summary.getAsJsonObject("explorer");
        assertEquals(1 + Lesson.BETAS.length, explorer.getAsJsonArray("models").size(), "the autoencoder and every β");
        String page = Files.readString(out.resolve(Lesson.EXPLORER), StandardCharsets.UTF_8);
        for (double beta : Lesson.BETAS) {
            assertTrue(page.contains("\"beta\":" + beta), "explorer.html lacks the 2-D VAE at β = " + beta);
        }
        assertTrue(page.contains("\"beta\":null"), "explorer.html lacks the autoencoder");
    }

    @Test
    void epochsBelowOneExitWithTwoNamingTheOption(@TempDir Path tmp) {
        CliRun run = CliRun.of("lesson", "--synthetic", "100", "--epochs", "0", "--out", tmp.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--epochs"), run.err());
    }

    @Test
    void anOutputPathThatIsAFileExitsWithTwo(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        CliRun run = CliRun.of("lesson", "--synthetic", "100", "--out", file.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--out") && run.err().contains("not a directory"), run.err());
    }

    @Test
    void aMissingFashionDirectoryExitsWithTwoAndTheLoadersMessage(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-dir");
        CliRun run = CliRun.of("lesson", "--fashion-dir", missing.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("no such file or directory") && run.err().contains("kiln data fetch fashion-mnist"),
                run.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing is written when the data is missing");
    }

    @Test
    void theSyntheticOptionIsHiddenFromHelp() {
        CliRun run = CliRun.of("lesson", "--help");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("--quick") && run.out().contains("--fashion-dir"), run.out());
        assertFalse(run.out().contains("--synthetic"), run.out());
    }
}
