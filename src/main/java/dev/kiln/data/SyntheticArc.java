package dev.kiln.data;

import dev.kiln.rand.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic ARC-like grids: coloured objects, lines and fills on a black background. kiln's
 * embedded default dataset, so that a machine without ARC-AGI can still run the demo. Tuned so
 * that, padded to 30×30, about as many cells are black as in the real ARC-AGI-1 training set
 * (see docs/data.md for the measured numbers).
 *
 * <p>What one grid is, step by step (every draw from the grid's own {@link Rng}, split off a
 * generator seeded with {@code seed}, so grid i is the same whatever the count asked for):
 * <ol>
 *   <li><b>Size.</b> With probability 0.05 a tiny grid: rows and cols each uniform in 1–3.
 *       Otherwise rows = {@link #side}, and cols = rows with probability 0.6 (square, as 66% of
 *       ARC grids are), else an independent {@link #side}. {@code side} is
 *       {@code 3 + ⌊28·u³⌋} for u uniform in [0, 1): 3–30, most often small (median 6, mean 9.6, as in ARC),
 *       which gives a mean area near ARC's 129 cells.</li>
 *   <li><b>Palette.</b> 1–4 colours (uniform count), drawn without replacement from 1–9.</li>
 *   <li><b>Coverage target.</b> d uniform in [{@value #MIN_COVER}, {@value #MAX_COVER}).</li>
 *   <li><b>Objects.</b> Starting from all black, objects are drawn one after another, each in a
 *       palette colour, until at least d·rows·cols cells are non-black (or 4 + rows·cols/4
 *       objects were drawn). Later objects paint over earlier ones. Each object is, with
 *       probability
 *       <ul>
 *         <li>0.30 a <i>filled rectangle</i>: height uniform in 1–⌈rows/2⌉, width in 1–⌈cols/2⌉,
 *             anywhere inside the grid;</li>
 *         <li>0.20 an <i>outlined rectangle</i> (one-cell border) of the same size law but at least
 *             3×3 where the grid allows, whose interior is, with probability 0.5, <i>filled</i> with
 *             a second palette colour (left black otherwise);</li>
 *         <li>0.25 a <i>line</i>: horizontal, vertical or diagonal (↘ or ↙) with probability 0.4,
 *             0.4, 0.2; horizontal and vertical lines span the whole grid with probability 0.5,
 *             otherwise a segment of uniform length 2–max(2, ⌊side/2⌋) (at most the side), at a
 *             uniform position; diagonals start at a uniform cell and run to the grid's edge;</li>
 *         <li>0.25 a <i>sprite</i>: a box of 2–4 × 2–4 cells, each cell coloured with probability
 *             0.6 and the top-left cell always, placed anywhere inside the grid.</li>
 *       </ul></li>
 *   <li><b>Symmetry.</b> With probability 0.25 the grid is made symmetric: the left half mirrored
 *       onto the right (probability 0.4), the top half onto the bottom (0.4), or both (0.2).</li>
 * </ol>
 * Nothing else: no noise cells, no non-black backgrounds, no task structure (grids are independent
 * draws, not input/output pairs). Colours are uniform among 1–9, unlike ARC where 1, 2, 3 and 8
 * are more common.
 */
public final class SyntheticArc {
    private SyntheticArc() {}

    /** Lowest coverage target d. */
    public static final double MIN_COVER = 0.10;
    /** Highest coverage target d (exclusive). */
    public static final double MAX_COVER = 0.65;

    /** Grids in the embedded default dataset. */
    public static final int DEFAULT_GRIDS = 2000;
    /** Seed of the embedded default dataset. */
    public static final long DEFAULT_SEED = 20251023L;

    /** {@code n} grids from {@code seed}; the first k grids do not depend on n. */
    public static List<ArcGrid> generate(int n, long seed) {
        if (n < 0) throw new IllegalArgumentException("SyntheticArc: n is " + n + "; allowed: n ≥ 0");
        Rng master = new Rng(seed);
        List<ArcGrid> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(grid(master.split()));
        return out;
    }

    /** The embedded default dataset: {@link #DEFAULT_GRIDS} grids from {@link #DEFAULT_SEED}, each its own group. */
    public static GridDataset defaultDataset() {
        return GridDataset.ungrouped(generate(DEFAULT_GRIDS, DEFAULT_SEED));
    }

    /** One grid, all draws from {@code rng}. */
    public static ArcGrid grid(Rng rng) {
        // 1. size
        int rows;
        int cols;
        if (rng.nextDouble() < 0.05) {
            rows = 1 + rng.nextInt(3);
            cols = 1 + rng.nextInt(3);
        } else {
            rows = side(rng);
            cols = rng.nextDouble() < 0.6 ? rows : side(rng);
        }
        byte[] cells = new byte[rows * cols];   // [rows, cols], all black
        // 2. palette
        byte[] palette = palette(rng, 1 + rng.nextInt(4));
        // 3. coverage target
        double cover = MIN_COVER + (MAX_COVER - MIN_COVER) * rng.nextDouble();
        long target = (long) Math.ceil(cover * rows * cols);
        // 4. objects until the target is met
        int maxObjects = 4 + rows * cols / 4;
        for (int drawn = 0; drawn < maxObjects && coloured(cells) < target; drawn++) {
            byte colour = palette[rng.nextInt(palette.length)];
            double kind = rng.nextDouble();
            if (kind < 0.30) filledRectangle(rng, cells, rows, cols, colour);
            else if (kind < 0.50) outlinedRectangle(rng, cells, rows, cols, colour, palette);
            else if (kind < 0.75) line(rng, cells, rows, cols, colour);
            else sprite(rng, cells, rows, cols, colour);
        }
        // 5. symmetry
        if (rng.nextDouble() < 0.25) {
            double how = rng.nextDouble();
            if (how < 0.6) mirrorLeftToRight(cells, rows, cols);
            if (how >= 0.4) mirrorTopToBottom(cells, rows, cols);
        }
        return new ArcGrid(rows, cols, cells);
    }

    /** 3 + ⌊28·u³⌋, in 3–30. */
    static int side(Rng rng) {
        double u = rng.nextDouble();
        return 3 + (int) (28 * u * u * u);
    }

    private static byte[] palette(Rng rng, int k) {
        int[] colours = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        rng.shuffle(colours);
        byte[] out = new byte[k];
        for (int j = 0; j < k; j++) out[j] = (byte) colours[j];
        return out;
    }

    private static long coloured(byte[] cells) {
        long n = 0;
        for (byte v : cells) if (v != ArcGrid.BLACK) n++;
        return n;
    }

    private static void filledRectangle(Rng rng, byte[] cells, int rows, int cols, byte colour) {
        int h = 1 + rng.nextInt(ceilHalf(rows));
        int w = 1 + rng.nextInt(ceilHalf(cols));
        int top = rng.nextInt(rows - h + 1);
        int left = rng.nextInt(cols - w + 1);
        fill(cells, cols, top, left, h, w, colour);
    }

    private static void outlinedRectangle(Rng rng, byte[] cells, int rows, int cols, byte colour, byte[] palette) {
        int h = Math.min(rows, Math.max(3, 1 + rng.nextInt(ceilHalf(rows))));
        int w = Math.min(cols, Math.max(3, 1 + rng.nextInt(ceilHalf(cols))));
        int top = rng.nextInt(rows - h + 1);
        int left = rng.nextInt(cols - w + 1);
        fill(cells, cols, top, left, h, w, colour);
        boolean filled = rng.nextDouble() < 0.5;
        byte inside = filled ? palette[rng.nextInt(palette.length)] : ArcGrid.BLACK;
        if (h > 2 && w > 2) fill(cells, cols, top + 1, left + 1, h - 2, w - 2, inside);
    }

    private static void line(Rng rng, byte[] cells, int rows, int cols, byte colour) {
        double dir = rng.nextDouble();
        if (dir < 0.8) {
            boolean horizontal = dir < 0.4;
            int length = horizontal ? cols : rows;
            int span = rng.nextDouble() < 0.5 ? length : Math.min(length, 2 + rng.nextInt(Math.max(1, length / 2 - 1)));
            int start = rng.nextInt(length - span + 1);
            if (horizontal) fill(cells, cols, rng.nextInt(rows), start, 1, span, colour);
            else fill(cells, cols, start, rng.nextInt(cols), span, 1, colour);
        } else {
            boolean down = rng.nextDouble() < 0.5;           // ↘ if true, ↙ otherwise
            int r = rng.nextInt(rows);
            int c = rng.nextInt(cols);
            while (r < rows && c >= 0 && c < cols) {
                cells[r * cols + c] = colour;
                r++;
                c += down ? 1 : -1;
            }
        }
    }

    private static void sprite(Rng rng, byte[] cells, int rows, int cols, byte colour) {
        int h = Math.min(rows, 2 + rng.nextInt(3));
        int w = Math.min(cols, 2 + rng.nextInt(3));
        int top = rng.nextInt(rows - h + 1);
        int left = rng.nextInt(cols - w + 1);
        for (int dr = 0; dr < h; dr++) {
            for (int dc = 0; dc < w; dc++) {
                boolean on = (dr == 0 && dc == 0) || rng.nextDouble() < 0.6;
                if (on) cells[(top + dr) * cols + left + dc] = colour;
            }
        }
    }

    /** Sets the h×w block at (top, left) to {@code colour}. */
    private static void fill(byte[] cells, int cols, int top, int left, int h, int w, byte colour) {
        for (int r = top; r < top + h; r++) {
            int rowOff = r * cols;
            for (int c = left; c < left + w; c++) cells[rowOff + c] = colour;
        }
    }

    /** cell (r, cols−1−c) = cell (r, c) for c &lt; cols/2. */
    private static void mirrorLeftToRight(byte[] cells, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int rowOff = r * cols;
            for (int c = 0; c < cols / 2; c++) cells[rowOff + cols - 1 - c] = cells[rowOff + c];
        }
    }

    /** row rows−1−r = row r for r &lt; rows/2. */
    private static void mirrorTopToBottom(byte[] cells, int rows, int cols) {
        for (int r = 0; r < rows / 2; r++) {
            System.arraycopy(cells, r * cols, cells, (rows - 1 - r) * cols, cols);
        }
    }

    private static int ceilHalf(int n) {
        return (n + 1) / 2;
    }
}
