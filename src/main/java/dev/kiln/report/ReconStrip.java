package dev.kiln.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The reconstruction strip of one ARC run: the same fixed validation grids as inputs in the top
 * row, then their reconstructions (argmax colour per cell, z = μ) at each chosen epoch, one row per
 * epoch labelled with the epoch and its β, in the ARC palette. Collapse shows as rows turning black.
 */
public final class ReconStrip {
    /** Cells per padded grid and its side: canvases are 30×30. */
    public static final int SIDE = 30;
    public static final int CELLS = SIDE * SIDE;
    /** Pixels per cell. */
    public static final int SCALE = 3;

    /** One row: the reconstructions of the strip's grids after {@code epoch}, [grids·900] colour ids. */
    public record Frame(int epoch, double beta, int[] cells) {}

    private ReconStrip() {}

    /**
     * @param title  drawn above the strip (the run's name)
     * @param inputs [grids·900] colour ids of the input grids
     * @param frames the rows, in epoch order; at most {@code maxRows} of them are drawn, spread evenly
     *               from the first to the last
     */
    public static BufferedImage render(String title, int grids, int[] inputs, List<Frame> frames, int maxRows) {
        if (inputs.length != grids * CELLS) {
            throw new IllegalArgumentException("inputs: expected " + grids * CELLS + " cells, got " + inputs.length);
        }
        List<Frame> rows = spread(frames, maxRows);
        int[] cells = new int[(rows.size() + 1) * grids * CELLS];
        System.arraycopy(inputs, 0, cells, 0, inputs.length);
        List<String> labels = new ArrayList<>();
        labels.add("input");
        for (int r = 0; r < rows.size(); r++) {
            Frame f = rows.get(r);
            if (f.cells().length != grids * CELLS) {
                throw new IllegalArgumentException("epoch " + f.epoch() + ": expected " + grids * CELLS + " cells");
            }
            System.arraycopy(f.cells(), 0, cells, (r + 1) * grids * CELLS, f.cells().length);
            labels.add(String.format(Locale.ROOT, "epoch %d\nβ %.3f", f.epoch(), f.beta()));
        }
        BufferedImage tiles = ImageGrid.arc(cells, (rows.size() + 1) * grids, SIDE, SIDE, grids, SCALE);
        return Labels.around(tiles, title, labels, SIDE * SCALE + 1);
    }

    /**
     * The strip of a run directory from its {@code recon/epoch_NNN.json} files (written by
     * {@code train.ReconPictures}), in epoch order; null when there are none.
     */
    public static BufferedImage fromRunDir(Path runDir, String title, int maxRows) {
        Path dir = runDir.resolve("recon");
        if (!Files.isDirectory(dir)) return null;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("epoch_[0-9]+\\.json"))
                    .sorted(Comparator.comparingInt(ReconStrip::epochOf)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (files.isEmpty()) return null;
        int[] inputs = null;
        int grids = 0;
        List<Frame> frames = new ArrayList<>();
        for (Path f : files) {
            JsonObject o;
            try {
                o = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            if (inputs == null) {
                grids = o.getAsJsonArray("input").size();
                inputs = flat(o.getAsJsonArray("input"));
            }
            frames.add(new Frame(o.get("epoch").getAsInt(), o.get("beta").getAsDouble(),
                    flat(o.getAsJsonArray("reconstruction"))));
        }
        return render(title, grids, inputs, frames, maxRows);
    }

    private static int epochOf(Path file) {
        String n = file.getFileName().toString();
        return Integer.parseInt(n.substring("epoch_".length(), n.length() - ".json".length()));
    }

    private static int[] flat(JsonArray rows) {
        int[] out = new int[rows.size() * CELLS];
        for (int i = 0; i < rows.size(); i++) {
            JsonArray r = rows.get(i).getAsJsonArray();
            for (int s = 0; s < CELLS; s++) out[i * CELLS + s] = r.get(s).getAsInt();
        }
        return out;
    }

    /** At most {@code max} frames, the first and the last always among them, the rest evenly between. */
    static List<Frame> spread(List<Frame> frames, int max) {
        if (max < 2) throw new IllegalArgumentException("max rows must be ≥ 2, got " + max);
        if (frames.size() <= max) return List.copyOf(frames);
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < max; i++) out.add(frames.get((int) Math.round((double) i * (frames.size() - 1) / (max - 1))));
        return out;
    }
}
