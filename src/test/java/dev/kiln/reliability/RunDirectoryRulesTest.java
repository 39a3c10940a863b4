package dev.kiln.reliability;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.data.GridDataset;
import dev.kiln.data.SyntheticArc;
import dev.kiln.error.BadInputException;
import dev.kiln.io.DirectoryLock;
import dev.kiln.train.Checkpoint;
import dev.kiln.train.RunDirectory;
import dev.kiln.train.TrainConfig;
import dev.kiln.train.Trainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run directory's rules, tried on real (tiny) training runs: torn metrics repaired, every
 * disagreement between metrics and checkpoint refused, a deleted checkpoint refused, a damaged
 * one refused with the previous one offered, orphaned temporary files removed, one writer at a time.
 */
class RunDirectoryRulesTest {
    static final Counts COUNTS = new Counts("run-directory-rules");
    static final GridDataset GRIDS = GridDataset.ungrouped(SyntheticArc.generate(40, 5));

    static TrainConfig tiny(int epochs) {
        return TrainConfig.parse("tiny.json", """
                {"name": "tiny", "epochs": %d, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
                 "hidden": 16, "seed": 9, "backend": "reference", "val_fraction": 0.25, "lr": 0.003,
                 "schedule": {"type": "linear_warmup", "warmup_epochs": 2, "max_beta": 0.2}}
                """.formatted(epochs));
    }

    /** Runs training and returns what it printed. */
    static String train(int epochs, Path dir, boolean resume) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new Trainer(tiny(epochs), GRIDS, "test grids", dir, console, false).run(resume);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static List<JsonObject> metrics(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(RunDirectory.METRICS)).stream()
                .map(s -> withoutTiming(JsonParser.parseString(s).getAsJsonObject())).toList();
    }

    static JsonObject withoutTiming(JsonObject line) {
        JsonObject o = line.deepCopy();
        o.remove("train_seconds");
        o.remove("epoch_seconds");
        return o;
    }

    @AfterAll
    static void writeCounts() {
        COUNTS.write();
    }

    private <T extends Throwable> T refused(Class<T> type, org.junit.jupiter.api.function.Executable run) {
        COUNTS.inc("tried");
        T e = assertThrows(type, run);
        COUNTS.inc("clean");
        return e;
    }

    @Test
    void aTornLastMetricsLineIsCutBackAndTheRunResumesExactly(@TempDir Path tmp) throws IOException {
        Path straight = tmp.resolve("straight");
        train(3, straight, false);
        Path run = tmp.resolve("run");
        train(2, run, false);
        byte[] committed = Files.readAllBytes(run.resolve(RunDirectory.METRICS));
        Files.write(run.resolve(RunDirectory.METRICS), "{\"epoch\": 3, \"loss\": 0.12".getBytes(),
                java.nio.file.StandardOpenOption.APPEND);                   // disk full mid-append
        String said = train(3, run, true);
        assertTrue(said.contains("torn") && said.contains("epoch 2"), said);
        assertEquals(metrics(straight), metrics(run));
        byte[] after = Files.readAllBytes(run.resolve(RunDirectory.METRICS));
        assertArrayEquals(committed, java.util.Arrays.copyOf(after, committed.length), "no committed byte is lost");
    }

    @Test
    void linesOfAnEpochAfterTheCheckpointAreDroppedAndRetrained(@TempDir Path tmp) throws IOException {
        Path straight = tmp.resolve("straight");
        train(3, straight, false);
        Path run = tmp.resolve("run");
        train(2, run, false);
        String line3 = Files.readAllLines(straight.resolve(RunDirectory.METRICS)).get(2);
        Files.writeString(run.resolve(RunDirectory.METRICS), line3 + "\n", java.nio.file.StandardOpenOption.APPEND);
        String said = train(3, run, true);
        assertTrue(said.contains("dropped 1 line"), said);
        assertEquals(metrics(straight), metrics(run));
    }

    @Test
    void metricsMissingAnEpochTheCheckpointCoversAreRefused(@TempDir Path tmp) throws IOException {
        train(2, tmp, false);
        List<String> lines = Files.readAllLines(tmp.resolve(RunDirectory.METRICS));
        Files.writeString(tmp.resolve(RunDirectory.METRICS), lines.get(0) + "\n");
        byte[] ckpt = Files.readAllBytes(tmp.resolve(RunDirectory.CHECKPOINT));
        BadInputException e = refused(BadInputException.class, () -> train(3, tmp, true));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
        assertArrayEquals(ckpt, Files.readAllBytes(tmp.resolve(RunDirectory.CHECKPOINT)));
        assertEquals(1, Files.readAllLines(tmp.resolve(RunDirectory.METRICS)).size(), "nothing rewritten");
    }

    @Test
    void aMetricsLineDamagedInTheMiddleIsRefused(@TempDir Path tmp) throws IOException {
        train(2, tmp, false);
        List<String> lines = Files.readAllLines(tmp.resolve(RunDirectory.METRICS));
        Files.writeString(tmp.resolve(RunDirectory.METRICS), "{\"epo\n" + lines.get(1) + "\n");
        BadInputException e = refused(BadInputException.class, () -> train(3, tmp, true));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void anEditedEpochCountFailsTheChecksum(@TempDir Path tmp) throws IOException {
        train(2, tmp, false);
        Path ckpt = tmp.resolve(RunDirectory.CHECKPOINT);
        byte[] b = Files.readAllBytes(ckpt);
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"epochs_done\":2");
        assertTrue(at > 0, "the header holds epochs_done");
        b[at + "\"epochs_done\":".length()] = '1';
        Files.write(ckpt, b);
        BadInputException e = refused(BadInputException.class, () -> train(3, tmp, true));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(ckpt.toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains(RunDirectory.PREVIOUS_CHECKPOINT) && e.getMessage().contains("verifies"),
                "the previous checkpoint is offered: " + e.getMessage());
        assertEquals(2, Files.readAllLines(tmp.resolve(RunDirectory.METRICS)).size(), "history kept");
    }

    @Test
    void thePreviousCheckpointIsKeptAndCanStandIn(@TempDir Path tmp) throws IOException {
        Path straight = tmp.resolve("straight");
        train(3, straight, false);
        Path run = tmp.resolve("run");
        train(2, run, false);
        Checkpoint prev = Checkpoint.read(run.resolve(RunDirectory.PREVIOUS_CHECKPOINT));
        assertEquals(1, RunDirectory.epochsDone(prev));
        assertEquals(2, RunDirectory.epochsDone(Checkpoint.read(run.resolve(RunDirectory.CHECKPOINT))));
        // the newest is damaged; the user follows the message and puts the previous one in its place
        Files.move(run.resolve(RunDirectory.PREVIOUS_CHECKPOINT), run.resolve(RunDirectory.CHECKPOINT),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String said = train(3, run, true);
        assertTrue(said.contains("dropped 1 line"), said);
        assertEquals(metrics(straight), metrics(run));
    }

    @Test
    void resumingWithoutTheCheckpointRefusesInsteadOfWipingHistory(@TempDir Path tmp) throws IOException {
        train(2, tmp, false);
        Files.delete(tmp.resolve(RunDirectory.CHECKPOINT));
        byte[] history = Files.readAllBytes(tmp.resolve(RunDirectory.METRICS));
        BadInputException e = refused(BadInputException.class, () -> train(3, tmp, true));
        assertTrue(e.getMessage().contains("wipe that history") && e.getMessage().contains("checkpoint.prev.bin"),
                e.getMessage());
        assertArrayEquals(history, Files.readAllBytes(tmp.resolve(RunDirectory.METRICS)));
    }

    @Test
    void resumeOfARunKilledBeforeItsFirstEpochStartsFresh(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve(RunDirectory.METRICS), "{\"epoch\": 1, \"lo");      // torn, no checkpoint
        Files.writeString(tmp.resolve(RunDirectory.CONFIG), "{}");
        train(2, tmp, true);
        assertEquals(2, metrics(tmp).size());
    }

    @Test
    void aKillDuringTheFirstCheckpointWriteStartsOverAndEndsExact(@TempDir Path tmp) throws IOException {
        Path straight = tmp.resolve("straight");
        train(2, straight, false);
        Path run = Files.createDirectories(tmp.resolve("run"));
        String line1 = Files.readAllLines(straight.resolve(RunDirectory.METRICS)).get(0);
        Files.writeString(run.resolve(RunDirectory.METRICS), line1 + "\n");           // epoch 1 appended, then killed
        Files.write(run.resolve(".checkpoint.bin.4242.tmp"), new byte[100]);          // mid-write
        String said = train(2, run, true);
        assertTrue(said.contains("never written") && said.contains("removed 1 temporary file"), said);
        assertEquals(metrics(straight), metrics(run));
    }

    @Test
    void orphanedTemporaryFilesAreRemovedOnTheNextStart(@TempDir Path tmp) throws IOException {
        train(1, tmp, false);
        Files.write(tmp.resolve(".checkpoint.bin.8812345.tmp"), new byte[1 << 20]);
        Files.write(tmp.resolve(".metrics.jsonl.77.tmp"), new byte[10]);
        Files.writeString(tmp.resolve("notes.tmp"), "not ours: no leading dot");
        String said = train(2, tmp, true);
        assertTrue(said.contains("removed 2 temporary file(s) (" + ((1 << 20) + 10) + " bytes)"), said);
        assertFalse(Files.exists(tmp.resolve(".checkpoint.bin.8812345.tmp")));
        assertTrue(Files.exists(tmp.resolve("notes.tmp")));
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(".tmp")
                    && p.getFileName().toString().startsWith(".")).count());
        }
    }

    @Test
    void aSecondWriterInTheSameProcessIsRefusedNamingTheHolder(@TempDir Path tmp) {
        RunDirectory first = new RunDirectory(tmp, new PrintStream(new ByteArrayOutputStream()));
        first.open(false, new JsonObject(), "{}", c -> { });
        try {
            BadInputException e = refused(BadInputException.class, () -> train(1, tmp, true));
            assertTrue(e.getMessage().contains("in use") && e.getMessage().contains("pid "
                    + ProcessHandle.current().pid()), e.getMessage());
        } finally {
            first.close();
        }
        train(1, tmp, true);                                          // released: the directory is usable again
    }

    @Test
    void aStaleLockOfADeadProcessIsTakenOverAndReported(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve(DirectoryLock.FILE), "pid=2147483000\nhost=elsewhere\nstarted=then\n");
        String said = train(1, tmp, true);
        assertTrue(said.contains("stale lock") && said.contains("pid 2147483000"), said);
        assertEquals("", Files.readString(tmp.resolve(DirectoryLock.FILE)), "emptied on release");
    }

    @Test
    void moveAsideKeepsTheEarlierRunWholeAndRefusesALockedOne(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("naive");
        train(1, run, false);
        byte[] metrics = Files.readAllBytes(run.resolve(RunDirectory.METRICS));
        RunDirectory holder = new RunDirectory(run, new PrintStream(new ByteArrayOutputStream()));
        holder.open(true, tiny(1).toJson(), "{}", c -> { });
        try {
            refused(BadInputException.class,
                    () -> RunDirectory.prepareFresh(run, true, new PrintStream(new ByteArrayOutputStream())));
        } finally {
            holder.close();
        }
        Path aside = RunDirectory.prepareFresh(run, true, new PrintStream(new ByteArrayOutputStream()));
        assertFalse(Files.exists(run));
        assertArrayEquals(metrics, Files.readAllBytes(aside.resolve(RunDirectory.METRICS)));
        RunDirectory.deleteMovedAside(aside);
        assertFalse(Files.exists(aside));
    }
}
