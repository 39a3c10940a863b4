package dev.kiln.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kiln.error.BadInputException;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.DirectoryLock;
import dev.kiln.io.IoErrors;
import dev.kiln.io.StrictJson;
import dev.kiln.nn.Param;
import dev.kiln.optim.Optimizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The files of one training run and the rules that keep them consistent, shared by every trainer:
 * <pre>
 *   config.json          the resolved config
 *   metrics.jsonl        one JSON object per epoch (epoch 1, 2, …), appended as epochs finish
 *   checkpoint.bin       header + parameters + optimizer state after the last finished epoch ({@link Checkpoint})
 *   checkpoint.prev.bin  the checkpoint before it, kept so that one damaged file is not the end
 *   summary.json         written by the trainer at the end
 *   .kiln.lock           held while a process writes here ({@link DirectoryLock})
 * </pre>
 * The rules (docs/reliability.md):
 * <ol>
 *   <li>One writer: {@link #open} locks the directory until {@link #close}; a second process is
 *       refused, naming the holder.</li>
 *   <li>A fresh run needs a new or empty directory, so no file of the user's is overwritten; a
 *       directory that holds a run is refused unless the run is resumed.</li>
 *   <li>Temporary files left by killed writes are removed when the directory is opened.</li>
 *   <li>On resume the checkpoint must verify and come from the same config (only {@code epochs}
 *       may differ); metrics.jsonl must hold exactly the epochs 1…n the checkpoint covers
 *       (lines after them, from an epoch that was not checkpointed, and a torn last line are cut
 *       off, and a note says so); anything else is refused rather than guessed. A run whose
 *       checkpoint is missing but whose metrics hold epochs is refused too: restarting would wipe
 *       that history (except for one epoch and no previous checkpoint: a kill during the first
 *       checkpoint write, which starts over).</li>
 * </ol>
 */
public final class RunDirectory implements AutoCloseable {
    public static final String CHECKPOINT = "checkpoint.bin";
    public static final String PREVIOUS_CHECKPOINT = "checkpoint.prev.bin";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String CONFIG = "config.json";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().serializeSpecialFloatingPointValues().create();

    private final Path dir;
    private final PrintStream notes;
    private DirectoryLock lock;            // held between open and close

    /** A run directory whose notes (repairs, clean-ups) go to standard error. */
    public RunDirectory(Path dir) {
        this(dir, System.err);
    }

    /**
     * @param dir   the run directory; an empty path is refused (it would mean the current directory)
     * @param notes where repairs and clean-ups are reported
     */
    public RunDirectory(Path dir, PrintStream notes) {
        this.dir = requirePath(dir);
        this.notes = notes;
    }

    public Path path() {
        return dir;
    }

    /**
     * Locks and prepares the directory and returns the metrics lines already there (none for a
     * fresh run). The lock is held until {@link #close}; on failure it is released again.
     *
     * @param resume       continue from the checkpoint if there is one
     * @param config       the resolved config, written to config.json and compared with the checkpoint's
     * @param prettyConfig the same config as it is written to config.json
     * @param restore      restores the trainer's state from the checkpoint; runs only when resuming
     *                     from an existing checkpoint
     * @return the metrics lines of the epochs the checkpoint covers
     */
    public List<JsonObject> open(boolean resume, JsonObject config, String prettyConfig, Consumer<Checkpoint> restore) {
        requireDirectoryOrAbsent(dir);
        if (Files.isDirectory(dir) && !(resume && holdsRun(dir))) {
            DirectoryLock.requireFree(dir);
            requireFresh(dir, false);                // before creating anything in a directory of the user's
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw IoErrors.bad("cannot create run directory " + dir, e);
        }
        if (lock != null) throw new IllegalStateException(dir + " is already open");
        lock = DirectoryLock.acquire(dir, "kiln training run");
        try {
            lock.staleHolder().ifPresent(h -> note("took over a stale lock (" + h + ", no longer running)"));
            AtomicFiles.Removed orphans = AtomicFiles.removeOrphans(dir);
            if (!orphans.files().isEmpty()) {
                note("removed " + orphans.files().size() + " temporary file(s) (" + orphans.bytes()
                        + " bytes) left by an interrupted write");
            }
            Path checkpoint = dir.resolve(CHECKPOINT);
            Path previous = dir.resolve(PREVIOUS_CHECKPOINT);
            Path metrics = dir.resolve(METRICS);
            if (resume && Files.exists(checkpoint, LinkOption.NOFOLLOW_LINKS)) {
                Checkpoint c = readForResume(checkpoint, previous);
                requireSameConfig(c, config);
                List<JsonObject> lines = resumeMetrics(metrics, epochsDone(c));   // checked before any state changes
                restore.accept(c);
                AtomicFiles.writeString(dir.resolve(CONFIG), prettyConfig);
                return lines;
            }
            int finished = Files.exists(metrics) ? completeLines(metrics) : 0;
            if (resume && finished == 1 && !Files.exists(previous)) {
                // killed while its first checkpoint was being written: epoch 1 is trained again
                note(METRICS + ": epoch 1 finished but its checkpoint was never written (an interrupted first "
                        + "write); the run starts over");
            } else if (resume && finished > 0) {
                throw new BadInputException(checkpoint + " is missing, but " + metrics.getFileName() + " holds finished "
                        + "epochs: resuming would restart at epoch 1 and wipe that history"
                        + (Files.exists(previous) ? "; " + PREVIOUS_CHECKPOINT + " is here: to resume from it, "
                        + "rename it to " + CHECKPOINT : "; restore " + CHECKPOINT + ", or start a new run in another --out"));
            }
            if (!(resume && Files.exists(metrics))) requireFresh(dir, false);   // else: killed before its first checkpoint
            AtomicFiles.writeString(metrics, "");
            AtomicFiles.writeString(dir.resolve(CONFIG), prettyConfig);
            return new ArrayList<>();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Releases the directory's lock (a no-op when not open). */
    @Override
    public void close() {
        if (lock != null) {
            DirectoryLock l = lock;
            lock = null;
            l.close();
        }
    }

    /**
     * Appends one epoch's metrics line. A failed append (disk full) is cut back to the file's
     * previous length, so that no torn line stays behind where that is possible.
     */
    public void appendMetrics(JsonObject line) {
        Path file = dir.resolve(METRICS);
        byte[] bytes = (GSON.toJson(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long before = ch.size();
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                long at = before;
                while (b.hasRemaining()) at += ch.write(b, at);
                ch.force(false);
            } catch (IOException e) {
                try {
                    ch.truncate(before);
                } catch (IOException ignored) {
                    // the next resume cuts the torn line off
                }
                throw e;
            }
        } catch (IOException e) {
            throw IoErrors.bad("cannot append to " + file, e);
        }
    }

    /**
     * Writes the checkpoint after {@code epochsDone} epochs: the trainer's own header entries, plus
     * the epoch count, the config, every parameter and the optimizer's state and step count. The
     * checkpoint it replaces becomes checkpoint.prev.bin.
     */
    public void writeCheckpoint(int epochsDone, JsonObject config, JsonObject header, List<Param> params,
                                Optimizer optimizer) {
        JsonObject h = header.deepCopy();
        h.addProperty("epochs_done", epochsDone);
        h.addProperty("config", config.toString());
        h.addProperty("optimizer_steps", optimizer.stepCount());
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (Param p : params) arrays.put("param/" + p.name, p.value.data);
        List<float[]> state = optimizer.stateArrays();
        for (int i = 0; i < state.size(); i++) arrays.put("optimizer/" + i, state.get(i));
        new Checkpoint(h, arrays).write(dir.resolve(CHECKPOINT), dir.resolve(PREVIOUS_CHECKPOINT));
    }

    /** Copies the checkpoint's parameters and optimizer state into the live ones. */
    public static void restoreModel(Checkpoint c, List<Param> params, Optimizer optimizer) {
        for (Param p : params) c.restoreInto("param/" + p.name, p.value.data);
        List<float[]> state = optimizer.stateArrays();
        for (int i = 0; i < state.size(); i++) c.restoreInto("optimizer/" + i, state.get(i));
        optimizer.setStepCount(c.header().get("optimizer_steps").getAsLong());
    }

    /** The number of finished epochs the checkpoint holds. */
    public static int epochsDone(Checkpoint c) {
        return c.header().get("epochs_done").getAsInt();
    }

    // ------------------------------------------------------------------------------------ fresh runs

    /**
     * Checks, touching nothing, that {@code dir} can take a fresh run: absent, empty, or (with
     * {@code overwrite}) holding an earlier kiln run that {@link #prepareFresh} will move aside.
     * Commands that write several runs call it for all of them before doing anything.
     */
    public static void checkFresh(Path dir, boolean overwrite) {
        requirePath(dir);
        requireDirectoryOrAbsent(dir);
        if (Files.isDirectory(dir)) requireFresh(dir, overwrite);
    }

    /**
     * Makes {@code dir} ready for a fresh run: when it holds an earlier run and {@code overwrite}
     * is set, the whole directory is renamed aside in one step ({@code NAME.replaced-<UTC time>},
     * nothing deleted) and that path returned; otherwise null.
     */
    public static Path prepareFresh(Path dir, boolean overwrite, PrintStream notes) {
        checkFresh(dir, overwrite);
        if (!Files.isDirectory(dir) || !holdsRun(dir)) return null;
        Path aside;
        try (DirectoryLock l = DirectoryLock.acquire(dir, "kiln --overwrite (moving the run aside)")) {
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC));
            Path abs = dir.toAbsolutePath();
            aside = abs.resolveSibling(abs.getFileName() + ".replaced-" + stamp);
            for (int k = 2; Files.exists(aside, LinkOption.NOFOLLOW_LINKS); k++) {
                aside = abs.resolveSibling(abs.getFileName() + ".replaced-" + stamp + "-" + k);
            }
            Files.move(abs, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw IoErrors.bad("--overwrite: cannot move the earlier run " + dir + " aside (nothing was changed)", e);
        }
        notes.println("kiln: moved the earlier run " + dir + " aside to " + aside);
        return aside;
    }

    /** Deletes a directory tree that {@link #prepareFresh} moved aside, once its replacement has finished. */
    public static void deleteMovedAside(Path aside) {
        if (aside == null || !aside.getFileName().toString().contains(".replaced-")) return;
        try (var walk = Files.walk(aside)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw IoErrors.bad("cannot delete the earlier run moved aside to " + aside, e);
        }
    }

    /** Files kiln writes into a run directory before the run's own files: the lock, a sweep's console log. */
    private static final java.util.Set<String> KILN_SIDE_FILES = java.util.Set.of(DirectoryLock.FILE, SweepRunner.LOG);

    /** Refuses a directory that holds a run (unless {@code overwrite}) or anything else of the user's. */
    private static void requireFresh(Path dir, boolean overwrite) {
        if (holdsRun(dir)) {
            if (overwrite) return;
            throw new BadInputException(dir + " already holds a run (" + METRICS + " or " + CHECKPOINT
                    + "); pass --resume to continue it, or choose another --out");
        }
        TreeSet<String> other = new TreeSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!KILN_SIDE_FILES.contains(name) && !AtomicFiles.isTemp(name)) other.add(name);
            }
        } catch (IOException e) {
            throw IoErrors.bad("cannot list " + dir, e);
        }
        if (!other.isEmpty()) {
            List<String> shown = new ArrayList<>(other).subList(0, Math.min(5, other.size()));
            throw new BadInputException(dir + " is not empty and holds no kiln run (it holds " + String.join(", ", shown)
                    + (other.size() > 5 ? ", …" : "") + "); a new run needs a new or empty directory, so that none "
                    + "of these files is overwritten");
        }
    }

    private static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(METRICS), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(dir.resolve(CHECKPOINT), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(dir.resolve(PREVIOUS_CHECKPOINT), LinkOption.NOFOLLOW_LINKS);
    }

    private static Path requirePath(Path dir) {
        if (dir == null || dir.toString().isBlank()) {
            throw new BadInputException("the run directory (--out) is an empty path; give a directory, e.g. runs/my-run");
        }
        return dir;
    }

    /** The path is a directory or does not exist yet (and then its nearest existing ancestor is a directory). */
    private static void requireDirectoryOrAbsent(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": exists and is not a directory; --out needs a directory (new or empty)");
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new BadInputException(dir + ": cannot create it, " + p + " is a file, not a directory");
                }
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------ resume

    /** The checkpoint, verified; if it fails, the message says whether the previous one can stand in. */
    private Checkpoint readForResume(Path checkpoint, Path previous) {
        try {
            return Checkpoint.read(checkpoint);
        } catch (BadInputException e) {
            String fallback = "";
            if (Files.exists(previous)) {
                try {
                    int prevDone = epochsDone(Checkpoint.read(previous));
                    fallback = "; " + PREVIOUS_CHECKPOINT + " (after epoch " + prevDone + ") verifies: to resume from it, "
                            + "rename it to " + CHECKPOINT + " and run --resume again";
                } catch (BadInputException e2) {
                    fallback = "; " + PREVIOUS_CHECKPOINT + " fails too (" + e2.getMessage() + ")";
                }
            }
            throw new BadInputException(e.getMessage() + fallback, e);
        }
    }

    /**
     * Reads metrics.jsonl for a resume after {@code done} epochs: the complete lines of epochs
     * 1…done are kept byte for byte; later lines and a torn last line are cut off with a note.
     */
    private List<JsonObject> resumeMetrics(Path file, int done) {
        byte[] b;
        try {
            b = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        } catch (IOException e) {
            throw IoErrors.bad("cannot read " + file, e);
        }
        List<JsonObject> kept = new ArrayList<>();
        int keptBytes = 0;
        int dropped = 0;
        int start = 0;
        int lineNo = 0;
        int torn = 0;
        while (start < b.length) {
            int nl = start;
            while (nl < b.length && b[nl] != '\n') nl++;
            if (nl == b.length) {                       // no newline: an append was cut short
                torn = b.length - start;
                break;
            }
            lineNo++;
            String text = StrictJson.decodeUtf8(file + " line " + lineNo, java.util.Arrays.copyOfRange(b, start, nl));
            int epoch = epochOf(file, lineNo, text);
            int expected = kept.size() + dropped + 1;
            if (epoch != expected) {
                throw new BadInputException(file + " line " + lineNo + ": epoch " + epoch + " where epoch " + expected
                        + " should be; the file is damaged or was edited, and resume will not guess");
            }
            if (epoch <= done) {
                kept.add(JsonParser.parseString(text).getAsJsonObject());
                keptBytes = nl + 1;
            } else {
                dropped++;
            }
            start = nl + 1;
        }
        if (kept.size() != done) {
            throw new BadInputException(file + " holds epochs 1–" + kept.size() + " but " + CHECKPOINT + " was written "
                    + "after epoch " + done + ": the two disagree, and resume refuses rather than rewrite history");
        }
        if (torn > 0) {
            note(METRICS + ": its last line was torn (" + torn + " bytes without a newline at byte " + start
                    + ", from an interrupted append); cut back to the last complete line the checkpoint covers (epoch "
                    + done + ")");
        }
        if (dropped > 0) {
            note(METRICS + ": dropped " + dropped + " line(s) of epochs after the checkpoint (" + (done + 1) + "–"
                    + (done + dropped) + "); they are trained again");
        }
        if (keptBytes != b.length) {
            AtomicFiles.write(file, java.util.Arrays.copyOf(b, keptBytes));
        }
        return kept;
    }

    private static int epochOf(Path file, int lineNo, String text) {
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (JsonParseException ex) {
            throw new BadInputException(file + " line " + lineNo + ": not a JSON metrics record; the file is damaged "
                    + "in the middle, and resume will not guess", ex);
        }
        if (!e.isJsonObject() || !(e.getAsJsonObject().get("epoch") instanceof com.google.gson.JsonPrimitive p)
                || !p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble()) || p.getAsDouble() < 1
                || p.getAsDouble() > Integer.MAX_VALUE) {
            throw new BadInputException(file + " line " + lineNo + ": a metrics record needs an integer \"epoch\" ≥ 1; "
                    + "the file is damaged, and resume will not guess");
        }
        return p.getAsInt();
    }

    /** The number of complete lines of metrics.jsonl (a torn last line is not an epoch). */
    private static int completeLines(Path metrics) {
        try {
            int n = 0;
            for (byte x : Files.readAllBytes(metrics)) if (x == '\n') n++;
            return n;
        } catch (IOException e) {
            throw IoErrors.bad("cannot read " + metrics, e);
        }
    }

    private void requireSameConfig(Checkpoint c, JsonObject config) {
        JsonObject saved;
        try {
            saved = JsonParser.parseString(c.header().get("config").getAsString()).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new BadInputException(dir.resolve(CHECKPOINT) + ": header field 'config' is not a JSON object", e);
        }
        JsonObject now = config.deepCopy();
        saved.remove("epochs");
        now.remove("epochs");
        if (!saved.equals(now)) {
            throw new BadInputException(dir.resolve(CHECKPOINT) + " was written with another config; --resume "
                    + "needs the same config (only 'epochs' may change)");
        }
    }

    private void note(String what) {
        notes.println("kiln: " + dir + ": " + what);
    }
}
