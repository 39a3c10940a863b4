package dev.kiln.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.data.GridDataset;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Json;
import dev.kiln.model.Vae;
import dev.kiln.report.ImageGrid;
import dev.kiln.report.ReconStrip;

import java.nio.file.Path;
import java.util.List;

/**
 * Reconstruction pictures of an ARC run, so that collapse is seen and not only measured: at the
 * chosen epochs ({@link #due}), the same {@link #GRIDS} fixed validation grids are encoded, decoded
 * with z = μ, and their argmax colours written as
 * <pre>
 *   RUN/recon/epoch_NNN.json   {"epoch", "beta", "grids": [dataset indices], "input": [[900]…], "reconstruction": [[900]…]}
 *   RUN/recon/epoch_NNN.png    inputs above reconstructions, ARC palette, titled, rows labelled
 *   RUN/recon/strip.png        inputs, then one row per epoch so far ({@link ReconStrip})
 * </pre>
 * The grids are spread evenly over the validation split, so they depend only on the data and
 * the split seed: every run of an experiment shows the same grids. Evaluation uses no random
 * draw, so writing pictures cannot change a run's numbers (resume stays bit-identical).
 */
public final class ReconPictures {
    public static final String DIR = "recon";
    public static final int GRIDS = 6;
    /** Rows of reconstructions in a strip at most (first and last epoch always among them). */
    public static final int STRIP_ROWS = 8;
    private static final int CELLS = GridDataset.CELLS;

    private ReconPictures() {}

    /** Whether epoch {@code epoch} (1-based) of {@code epochs} gets pictures: the first, the last, and about ten between. */
    public static boolean due(int epoch, int epochs) {
        int every = Math.max(1, (epochs + 9) / 10);
        return epoch == 1 || epoch == epochs || epoch % every == 0;
    }

    /** The validation grids shown: {@link #GRIDS} of them (fewer if the split is smaller), evenly spread. */
    static int[] chosen(int[] valIdx) {
        int k = Math.min(GRIDS, valIdx.length);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = valIdx[(int) ((long) i * valIdx.length / k)];
        return out;
    }

    /** Writes the epoch's pictures and refreshes the strip; {@code line} is the epoch's metrics line (for β). */
    public static void write(Vae vae, GridDataset data, int[] valIdx, int epoch, JsonObject line, Path runDir,
                             String name) {
        int[] idx = chosen(valIdx);
        GridDataset.Batch batch = data.batch(idx);
        Vae.Pass pass = vae.forward(batch.oneHot(), false);
        int[] predicted = Trainer.argmax(pass.out().reshape(idx.length, GridDataset.CLASSES, CELLS));   // [k·900]
        Path dir = runDir.resolve(DIR);
        JsonObject o = new JsonObject();
        o.addProperty("epoch", epoch);
        o.addProperty("beta", line.get("beta").getAsDouble());
        o.add("grids", Json.tree(idx));
        o.add("input", rows(batch.targets(), idx.length));
        o.add("reconstruction", rows(predicted, idx.length));
        String stem = String.format("epoch_%03d", epoch);
        AtomicFiles.writeString(dir.resolve(stem + ".json"), Json.pretty(o));
        // the epoch's picture is a strip of one row: titled, rows labelled "input" and "epoch N / β"
        ImageGrid.write(ReconStrip.render(name + ", epoch " + epoch, idx.length, batch.targets(),
                List.of(new ReconStrip.Frame(epoch, line.get("beta").getAsDouble(), predicted)), 2),
                dir.resolve(stem + ".png"));
        ImageGrid.write(ReconStrip.fromRunDir(runDir, name, STRIP_ROWS), dir.resolve("strip.png"));
    }

    private static JsonArray rows(int[] cells, int n) {
        JsonArray a = new JsonArray();
        for (int i = 0; i < n; i++) {
            JsonArray row = new JsonArray();
            for (int s = 0; s < CELLS; s++) row.add(cells[i * CELLS + s]);
            a.add(row);
        }
        return a;
    }
}
