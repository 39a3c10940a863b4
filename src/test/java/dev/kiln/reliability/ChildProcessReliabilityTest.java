package dev.kiln.reliability;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.io.DirectoryLock;
import dev.kiln.train.Checkpoint;
import dev.kiln.train.RunDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes: {@code kiln train} in a child JVM killed with SIGKILL at random moments and
 * inside the checkpoint-write window, then resumed, must end with the metrics and parameters of an
 * uninterrupted run, without losing a committed byte; two writers on one directory; a disk that
 * fills up (a small tmpfs, where this machine lets us mount one).
 *
 * <p>{@code -Dkiln.reliability.kills=N} sets the number of kills (default 5; a soak: 200).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChildProcessReliabilityTest {
    static final Counts COUNTS = new Counts("child-processes");
    static final int EPOCHS = 10;
    static final String CONFIG = """
            {"name": "tiny", "epochs": %d, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
             "hidden": 16, "seed": 9, "backend": "reference", "synthetic_grids": 80, "val_fraction": 0.25,
             "lr": 0.003, "schedule": {"type": "linear_warmup", "warmup_epochs": 4, "max_beta": 0.2}}
            """;

    Path work;
    Path config;
    Path baseline;
    long baselineMillis;

    @BeforeAll
    void uninterruptedRun() throws Exception {
        work = Files.createTempDirectory("kiln-reliability");
        config = work.resolve("tiny.json");
        Files.writeString(config, CONFIG.formatted(EPOCHS));
        baseline = work.resolve("baseline");
        long t0 = System.nanoTime();
        int code = ChildJvm.run(work.resolve("baseline.log"), 300, "train", "--config", config.toString(), "--out",
                baseline.toString());
        baselineMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, code, Files.readString(work.resolve("baseline.log")));
    }

    @AfterAll
    void cleanUp() throws IOException {
        COUNTS.write();
        ReaderFuzzProperties.deleteTree(work);
    }

    static List<JsonObject> metrics(Path dir) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (String s : Files.readAllLines(dir.resolve(RunDirectory.METRICS))) {
            JsonObject o = JsonParser.parseString(s).getAsJsonObject();
            o.remove("train_seconds");
            o.remove("epoch_seconds");
            out.add(o);
        }
        return out;
    }

    /** The run's metrics and final parameters equal the uninterrupted run's, bit for bit. */
    void assertSameAsBaseline(Path run) throws IOException {
        assertEquals(metrics(baseline), metrics(run));
        Checkpoint a = Checkpoint.read(baseline.resolve(RunDirectory.CHECKPOINT));
        Checkpoint b = Checkpoint.read(run.resolve(RunDirectory.CHECKPOINT));
        assertEquals(a.arrays().keySet(), b.arrays().keySet());
        for (String k : a.arrays().keySet()) assertArrayEquals(a.arrays().get(k), b.arrays().get(k), k);
        assertEquals(RunDirectory.epochsDone(a), RunDirectory.epochsDone(b));
    }

    private static boolean tempFilePresent(Path dir) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(".checkpoint."));
        } catch (IOException e) {
            return false;                                             // not created yet
        }
    }

    /** The committed metrics bytes: the complete lines the verified checkpoint covers. */
    private static byte[] committed(Path dir) throws IOException {
        Path ckpt = dir.resolve(RunDirectory.CHECKPOINT);
        if (!Files.exists(ckpt)) return new byte[0];
        int done = RunDirectory.epochsDone(Checkpoint.read(ckpt));   // a kill must never leave it unreadable
        byte[] m = Files.readAllBytes(dir.resolve(RunDirectory.METRICS));
        int lines = 0, end = 0;
        while (lines < done && end < m.length) {
            if (m[end++] == '\n') lines++;
        }
        return java.util.Arrays.copyOf(m, end);
    }

    @Test
    void killedAtRandomMomentsAndInTheWriteWindowTheRunResumesToTheUninterruptedResult() throws Exception {
        int kills = Integer.getInteger("kiln.reliability.kills", 5);
        Random rng = new Random(15);
        Path run = work.resolve("killed");
        List<byte[]> committedSnapshots = new ArrayList<>();
        int killed = 0, inWindow = 0, attempts = 0;
        while (killed < kills && attempts < 4 * kills) {
            attempts++;
            ChildJvm child = ChildJvm.start(work.resolve("killed-" + attempts + ".log"), "train", "--config",
                    config.toString(), "--out", run.toString(), "--resume");
            boolean window = attempts % 2 == 0;
            long deadline = System.currentTimeMillis() + (window ? 3 * baselineMillis : 100 + rng.nextInt(
                    (int) Math.max(1, 0.9 * baselineMillis)));
            boolean sawTemp = false;
            while (child.alive() && System.currentTimeMillis() < deadline) {
                if (window && tempFilePresent(run)) {
                    sawTemp = true;
                    break;
                }
                Thread.sleep(window ? 0 : 5);
            }
            if (!child.alive()) {
                int code = child.waitFor(10);
                assertEquals(0, code, "a start after a kill must succeed:\n" + child.output());
                if (Files.exists(run.resolve(RunDirectory.SUMMARY))) {              // finished first: start over
                    assertSameAsBaseline(run);
                    ReaderFuzzProperties.deleteTree(run);
                    committedSnapshots.clear();
                }
                continue;
            }
            child.kill();
            killed++;
            if (sawTemp) inWindow++;
            committedSnapshots.add(committed(run));
            if (Files.exists(run.resolve(RunDirectory.SUMMARY))) {
                // it had finished its last epoch: begin a new run so the remaining kills land in training
                assertSameAsBaseline(run);
                ReaderFuzzProperties.deleteTree(run);
                committedSnapshots.clear();
            }
        }
        int code = ChildJvm.run(work.resolve("killed-final.log"), 300, "train", "--config", config.toString(),
                "--out", run.toString(), "--resume");
        assertEquals(0, code, Files.readString(work.resolve("killed-final.log")));
        assertSameAsBaseline(run);
        byte[] last = Files.readAllBytes(run.resolve(RunDirectory.METRICS));
        long lost = 0;
        for (byte[] c : committedSnapshots) {
            int same = 0;
            while (same < c.length && same < last.length && c[same] == last[same]) same++;
            lost += c.length - same;
        }
        COUNTS.add("kills", killed);
        COUNTS.add("kills_in_checkpoint_write_window", inWindow);
        COUNTS.add("kills_survived", killed);
        COUNTS.add("committed_bytes_lost", lost);
        assertEquals(0, lost, "committed metrics bytes lost");
        assertTrue(killed >= Math.min(kills, 3), "only " + killed + " kills landed");
        try (var s = Files.list(run)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "temporary files left");
        }
    }

    @Test
    void twoWritersOnOneDirectoryOneRunsTheOtherIsRefusedNamingIt() throws Exception {
        Path run = work.resolve("shared");
        ChildJvm first = ChildJvm.start(work.resolve("first.log"), "train", "--config", config.toString(), "--out",
                run.toString());
        long deadline = System.currentTimeMillis() + 60_000;
        Path lock = run.resolve(DirectoryLock.FILE);
        while (System.currentTimeMillis() < deadline && first.alive()
                && !(Files.exists(lock) && Files.size(lock) > 0)) {
            Thread.sleep(5);
        }
        assertTrue(first.alive(), "the first writer ended before the second could start:\n" + first.output());
        int second = ChildJvm.run(work.resolve("second.log"), 120, "train", "--config", config.toString(), "--out",
                run.toString());
        int resumer = ChildJvm.run(work.resolve("resumer.log"), 120, "train", "--config", config.toString(), "--out",
                run.toString(), "--resume");
        boolean firstStillRan = first.alive();
        assertEquals(0, first.waitFor(300), first.output());
        COUNTS.add("second_writers_tried", 2);
        String secondOut = Files.readString(work.resolve("second.log"));
        String resumerOut = Files.readString(work.resolve("resumer.log"));
        if (firstStillRan) {
            assertEquals(2, second, secondOut);
            assertEquals(2, resumer, resumerOut);
            assertTrue(secondOut.contains("in use by another kiln process: pid " + first.pid()), secondOut);
            assertTrue(resumerOut.contains("in use by another kiln process: pid " + first.pid()), resumerOut);
            COUNTS.add("second_writers_refused", 2);
        }
        assertSameAsBaseline(run);                   // nothing interleaved: the first writer's run, whole
    }

    @Test
    void aFullDiskIsExitTwoWithTheOsReasonAndTheRunResumesElsewhere() throws Exception {
        Path mnt = Files.createDirectories(work.resolve("small-disk"));
        Process mount;
        try {
            mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("cannot run mount (" + e.getMessage() + "): the disk-full test needs root and tmpfs");
            return;
        }
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here (" + why
                + "): the disk-full test needs root and a kernel that allows it; skipped");
        try {
            Path run = mnt.resolve("run");
            Path log = work.resolve("full.log");
            int code = ChildJvm.run(log, 300, "train", "--config", config.toString(), "--out", run.toString());
            String out = Files.readString(log);
            COUNTS.inc("disk_full_tried");
            assertEquals(2, code, out);
            assertTrue(out.contains("No space left on device"), out);
            assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
            // nothing half-written: the checkpoint verifies, metrics hold whole lines, no temporary files
            int done = RunDirectory.epochsDone(Checkpoint.read(run.resolve(RunDirectory.CHECKPOINT)));
            assertTrue(done >= 1 && done < EPOCHS, "epochs done " + done);
            byte[] m = Files.readAllBytes(run.resolve(RunDirectory.METRICS));
            assertTrue(m.length == 0 || m[m.length - 1] == '\n', "a torn metrics line");
            try (var s = Files.list(run)) {
                assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
            }
            // the user moves the run to a disk with room and resumes it
            Path moved = work.resolve("moved");
            Files.createDirectories(moved);
            try (var s = Files.list(run)) {
                for (Path p : s.toList()) Files.copy(p, moved.resolve(p.getFileName()));
            }
            int resumed = ChildJvm.run(work.resolve("moved.log"), 300, "train", "--config", config.toString(), "--out",
                    moved.toString(), "--resume");
            assertEquals(0, resumed, Files.readString(work.resolve("moved.log")));
            assertSameAsBaseline(moved);
            COUNTS.inc("disk_full_clean");
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor();
        }
    }

    @Test
    void theBaselineIsReallyUninterrupted() throws IOException {
        assertEquals(EPOCHS, metrics(baseline).size());
        assertTrue(Files.exists(baseline.resolve(RunDirectory.SUMMARY)), "the baseline wrote its summary");
    }
}
