package dev.kiln.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.error.BadInputException;
import dev.kiln.io.AtomicFiles;
import dev.kiln.nn.Param;
import dev.kiln.optim.Optimizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The files of one training run and the rules that keep them consistent, shared by every trainer:
 * <pre>
 *   config.json      the resolved config
 *   metrics.jsonl    one JSON object per epoch, appended as epochs finish
 *   checkpoint.bin   header + parameters + optimizer state after the last finished epoch (atomic)
 *   summary.json     written by the trainer at the end
 * </pre>
 * A directory that already holds a run is refused unless the run is resumed; on resume the
 * checkpoint must come from the same config (only {@code epochs} may differ), and metrics.jsonl is
 * cut back to the checkpoint's epoch so that the resumed run appends where it left off.
 */
public final class RunDirectory {
    public static final String CHECKPOINT = "checkpoint.bin";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String CONFIG = "config.json";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().serializeSpecialFloatingPointValues().create();

    private final Path dir;

    public RunDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    /**
     * Prepares the directory and returns the metrics lines already there (none for a fresh run).
     *
     * @param resume     continue from the checkpoint if there is one
     * @param config     the resolved config, written to config.json and compared with the checkpoint's
     * @param prettyConfig the same config as it is written to config.json
     * @param restore    restores the trainer's state from the checkpoint; returns nothing, and runs
     *                   only when resuming from an existing checkpoint
     * @return the metrics lines of the epochs the checkpoint covers
     */
    public List<JsonObject> open(boolean resume, JsonObject config, String prettyConfig, Consumer<Checkpoint> restore) {
        List<JsonObject> lines = new ArrayList<>();
        Path metrics = dir.resolve(METRICS);
        Path checkpoint = dir.resolve(CHECKPOINT);
        try {
            Files.createDirectories(dir);
            if (resume && Files.exists(checkpoint)) {
                Checkpoint c = Checkpoint.read(checkpoint);
                requireSameConfig(c, config);
                restore.accept(c);
                int done = epochsDone(c);
                if (Files.exists(metrics)) {
                    for (String s : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                        if (s.isBlank()) continue;
                        JsonObject o = JsonParser.parseString(s).getAsJsonObject();
                        if (o.get("epoch").getAsInt() <= done) lines.add(o);
                    }
                }
            } else if (!resume && (Files.exists(metrics) || Files.exists(checkpoint))) {
                throw new BadInputException(dir + " already holds a run (" + METRICS + " or " + CHECKPOINT
                        + "); pass --resume to continue it, or choose another --out");
            }
            StringBuilder sb = new StringBuilder();
            for (JsonObject o : lines) sb.append(GSON.toJson(o)).append('\n');
            AtomicFiles.writeString(metrics, sb.toString());
            AtomicFiles.writeString(dir.resolve(CONFIG), prettyConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run directory " + dir, e);
        }
        return lines;
    }

    /** Appends one epoch's metrics line. */
    public void appendMetrics(JsonObject line) {
        try {
            Files.writeString(dir.resolve(METRICS), GSON.toJson(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve(METRICS), e);
        }
    }

    /**
     * Writes the checkpoint after {@code epochsDone} epochs: the trainer's own header entries, plus
     * the epoch count, the config, every parameter and the optimizer's state and step count.
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
        new Checkpoint(h, arrays).write(dir.resolve(CHECKPOINT));
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

    private void requireSameConfig(Checkpoint c, JsonObject config) {
        JsonObject saved = JsonParser.parseString(c.header().get("config").getAsString()).getAsJsonObject();
        JsonObject now = config.deepCopy();
        saved.remove("epochs");
        now.remove("epochs");
        if (!saved.equals(now)) {
            throw new BadInputException(dir.resolve(CHECKPOINT) + " was written with another config; --resume "
                    + "needs the same config (only 'epochs' may change)");
        }
    }
}
