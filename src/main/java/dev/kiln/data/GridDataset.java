package dev.kiln.data;

import dev.kiln.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N grids padded to 30×30, ready to batch, each tagged with the group (ARC task) it came from so
 * that {@link TaskSplit} can keep a task's grids together.
 *
 * <p>Storage is one {@code byte[N·900]}: grid i, cell {@code s = r·30 + c} at {@code i·900 + s}.
 * A batch is encoded as
 * <pre>
 *   oneHot[b, k, s]  = 1 if grid indices[b] has colour k at cell s, else 0     [B, 10, 30, 30]
 *   targets[b·900 + s] = colour of grid indices[b] at cell s                   [B·900]
 * </pre>
 * which is the layout of per-class logits {@code [B, C, S]} with C = 10, S = 900: the target of
 * logit fibre (b, ·, s) is {@code targets[b·S + s]}. Padding cells are colour 0 in both.
 */
public final class GridDataset {
    /** Side of the padded canvas. */
    public static final int SIDE = ArcGrid.SIDE;
    /** Cells per padded grid, S = 900. */
    public static final int CELLS = ArcGrid.PADDED_CELLS;
    /** Classes (colours), C = 10. */
    public static final int CLASSES = ArcGrid.COLOURS;

    private final int n;
    private final byte[] cells;         // [N, 900]  padded colours
    private final int[] group;          // [N]       group (task) index of each grid
    private final String[] groupNames;  // [G]       group names, in first-appearance order

    private GridDataset(int n, byte[] cells, int[] group, String[] groupNames) {
        this.n = n;
        this.cells = cells;
        this.group = group;
        this.groupNames = groupNames;
    }

    /** The grids of an ARC load, grouped by task file, in the loader's order. */
    public static GridDataset fromArc(ArcSet set) {
        List<ArcGrid> grids = new ArrayList<>(set.entries().size());
        List<String> names = new ArrayList<>(set.entries().size());
        for (ArcEntry e : set.entries()) {
            grids.add(e.grid());
            names.add(e.task());
        }
        return of(grids, names);
    }

    /**
     * Pads {@code grids}; grid i belongs to the group named {@code groups.get(i)}. Group indices
     * are assigned in order of first appearance.
     */
    public static GridDataset of(List<ArcGrid> grids, List<String> groups) {
        if (grids.size() != groups.size()) {
            throw new IllegalArgumentException("GridDataset: " + grids.size() + " grids but "
                    + groups.size() + " group names");
        }
        int n = grids.size();
        byte[] cells = new byte[Math.multiplyExact(n, CELLS)];   // [N, 900]
        int[] group = new int[n];                                   // [N]
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            grids.get(i).padInto(cells, i * CELLS);
            Integer g = index.putIfAbsent(groups.get(i), index.size());
            group[i] = g == null ? index.size() - 1 : g;
        }
        return new GridDataset(n, cells, group, index.keySet().toArray(new String[0]));
    }

    /** Pads {@code grids}, each grid its own group (for independent draws such as {@link SyntheticArc}). */
    public static GridDataset ungrouped(List<ArcGrid> grids) {
        List<String> names = new ArrayList<>(grids.size());
        for (int i = 0; i < grids.size(); i++) names.add("grid-" + i);
        return of(grids, names);
    }

    /** N, the number of grids. */
    public int size() {
        return n;
    }

    /** G, the number of groups. */
    public int groupCount() {
        return groupNames.length;
    }

    /** The group index (0..G) of grid i. */
    public int groupOf(int i) {
        return group[i];
    }

    /** The name of group g (for ARC, the task id). */
    public String groupName(int g) {
        return groupNames[g];
    }

    /** The padded colour of grid i at cell s = r·30 + c. */
    public int cell(int i, int s) {
        return cells[i * CELLS + s];
    }

    /** The grids at {@code indices}, in that order, with their groups. */
    public GridDataset subset(int[] indices) {
        byte[] sub = new byte[Math.multiplyExact(indices.length, CELLS)];   // [B, 900]
        List<String> names = new ArrayList<>(indices.length);
        for (int b = 0; b < indices.length; b++) {
            int i = checkIndex(indices[b]);
            System.arraycopy(cells, i * CELLS, sub, b * CELLS, CELLS);
            names.add(groupNames[group[i]]);
        }
        // Re-index the groups in first-appearance order within the subset.
        Map<String, Integer> index = new LinkedHashMap<>();
        int[] subGroup = new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            Integer g = index.putIfAbsent(names.get(b), index.size());
            subGroup[b] = g == null ? index.size() - 1 : g;
        }
        return new GridDataset(indices.length, sub, subGroup, index.keySet().toArray(new String[0]));
    }

    /** A one-hot batch and its targets; see the class comment for the layouts. */
    public record Batch(Tensor oneHot, int[] targets) {}   // oneHot [B, 10, 30, 30], targets [B·900]

    /** Encodes the grids at {@code indices} into a new one-hot tensor and target array. */
    public Batch batch(int[] indices) {
        int b = indices.length;
        Tensor oneHot = Tensor.zeros(b, CLASSES, SIDE, SIDE);   // [B, 10, 30, 30]
        int[] targets = new int[b * CELLS];                     // [B·900]
        encode(indices, oneHot.data, targets, false);
        return new Batch(oneHot, targets);
    }

    /**
     * Encodes the grids at {@code indices} into caller-owned buffers, so that a training loop can
     * reuse them: {@code oneHot[0 .. B·10·900)} is overwritten (zeroed, then the ones set) and
     * {@code targets[0 .. B·900)} is overwritten. Either may be longer than needed.
     */
    public void batchInto(int[] indices, float[] oneHot, int[] targets) {
        int b = indices.length;
        if (oneHot.length < b * CLASSES * CELLS || targets.length < b * CELLS) {
            throw new IllegalArgumentException("batchInto: a batch of " + b + " needs oneHot["
                    + b * CLASSES * CELLS + "] and targets[" + b * CELLS + "], got oneHot["
                    + oneHot.length + "] and targets[" + targets.length + "]");
        }
        encode(indices, oneHot, targets, true);
    }

    private void encode(int[] indices, float[] oneHot, int[] targets, boolean clear) {
        int batch = indices.length;
        if (clear) Arrays.fill(oneHot, 0, batch * CLASSES * CELLS, 0f);
        for (int b = 0; b < batch; b++) {
            int src = checkIndex(indices[b]) * CELLS;   // grid i in cells
            int tOff = b * CELLS;                       // row b of targets
            int xOff = b * CLASSES * CELLS;             // sample b of oneHot
            for (int s = 0; s < CELLS; s++) {
                int k = cells[src + s];
                targets[tOff + s] = k;
                oneHot[xOff + k * CELLS + s] = 1f;      // oneHot[b, k, s]
            }
        }
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("GridDataset: grid index " + i + " outside [0, " + n + ")");
        }
        return i;
    }
}
