package dev.kiln.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ArcLoader#load} read from a directory: the task files, in sorted order, and every grid
 * they hold, in the order described there.
 *
 * @param dir     the directory read
 * @param files   the task file names, sorted ({@code [T]})
 * @param entries every grid with its origin ({@code [N]})
 */
public record ArcSet(Path dir, List<String> files, List<ArcEntry> entries) {

    public ArcSet {
        files = List.copyOf(files);
        entries = List.copyOf(entries);
    }

    /** The grids alone, in entry order. */
    public List<ArcGrid> grids() {
        List<ArcGrid> out = new ArrayList<>(entries.size());
        for (ArcEntry e : entries) out.add(e.grid());
        return out;
    }
}
