package dev.kiln.train;

import dev.kiln.data.ArcLoader;
import dev.kiln.data.GridDataset;
import dev.kiln.data.SyntheticArc;

import java.nio.file.Path;

/** The grids a training run uses: an ARC directory when one is given, else the synthetic default. */
public record ArcData(GridDataset grids, String description) {

    /**
     * @param dir            a directory of ARC-AGI task files, or null for the synthetic generator
     * @param syntheticGrids how many synthetic grids to draw when {@code dir} is null
     */
    public static ArcData load(Path dir, int syntheticGrids) {
        if (dir == null) {
            return new ArcData(GridDataset.ungrouped(SyntheticArc.generate(syntheticGrids, SyntheticArc.DEFAULT_SEED)),
                    "synthetic ARC-like grids, " + syntheticGrids + ", seed " + SyntheticArc.DEFAULT_SEED);
        }
        var set = ArcLoader.load(dir);
        return new ArcData(GridDataset.fromArc(set), dir + " (" + set.files().size() + " tasks, "
                + set.entries().size() + " grids)");
    }
}
