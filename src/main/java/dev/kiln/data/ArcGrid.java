package dev.kiln.data;

import java.util.Arrays;

/**
 * One ARC grid: {@code rows × cols} cells, each a colour 0–9 (0 is black, the background), held as
 * row-major bytes. Immutable and always valid: 1–30 rows, 1–30 columns, every cell in 0–9.
 *
 * <p>The model sees every grid padded to {@link #SIDE}×{@link #SIDE} with colour 0 in the
 * bottom-right; {@link #padInto} writes that padded form, cell {@code s = r·30 + c}.
 */
public final class ArcGrid {
    /** The largest side an ARC grid may have, and the side of the padded canvas. */
    public static final int SIDE = 30;
    /** Cells of the padded canvas, S = 30·30 = 900. */
    public static final int PADDED_CELLS = SIDE * SIDE;
    /** Colours 0–9; colour 0 is black (background and padding). */
    public static final int COLOURS = 10;
    /** The padding and background colour. */
    public static final byte BLACK = 0;

    private final int rows;
    private final int cols;
    private final byte[] cells;   // [rows, cols], cell (r, c) at r·cols + c

    /**
     * Wraps {@code cells} (copied) as a {@code rows × cols} grid.
     *
     * @throws IllegalArgumentException naming the offending size or cell (row, col) and the allowed
     *                                  range, if the grid is not valid
     */
    public ArcGrid(int rows, int cols, byte[] cells) {
        if (rows < 1 || rows > SIDE) {
            throw new IllegalArgumentException("ArcGrid: " + rows + " rows; allowed 1–" + SIDE);
        }
        if (cols < 1 || cols > SIDE) {
            throw new IllegalArgumentException("ArcGrid: " + cols + " columns; allowed 1–" + SIDE);
        }
        if (cells.length != rows * cols) {
            throw new IllegalArgumentException("ArcGrid: " + cells.length + " cells cannot form "
                    + rows + "×" + cols + " (needs " + rows * cols + ")");
        }
        for (int r = 0; r < rows; r++) {
            int rowOff = r * cols;
            for (int c = 0; c < cols; c++) {
                byte v = cells[rowOff + c];
                if (v < 0 || v >= COLOURS) {
                    throw new IllegalArgumentException("ArcGrid: cell (row " + r + ", col " + c
                            + ") is " + v + "; allowed colours 0–9");
                }
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.cells = cells.clone();
    }

    /** A grid from a list of rows ({@code grid[r][c]}); the rows must all have the same length. */
    public static ArcGrid of(int[][] grid) {
        int rows = grid.length;
        int cols = rows == 0 ? 0 : grid[0].length;
        byte[] cells = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            if (grid[r].length != cols) {
                throw new IllegalArgumentException("ArcGrid: row " + r + " has " + grid[r].length
                        + " cells but row 0 has " + cols + "; grids must be rectangular");
            }
            for (int c = 0; c < cols; c++) {
                int v = grid[r][c];
                if (v < 0 || v >= COLOURS) {
                    throw new IllegalArgumentException("ArcGrid: cell (row " + r + ", col " + c
                            + ") is " + v + "; allowed colours 0–9");
                }
                cells[r * cols + c] = (byte) v;
            }
        }
        return new ArcGrid(rows, cols, cells);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** rows·cols, the real (unpadded) cells. */
    public int area() {
        return rows * cols;
    }

    /** The colour at (r, c). */
    public int get(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("cell (row " + r + ", col " + c + ") outside a "
                    + rows + "×" + cols + " grid");
        }
        return cells[r * cols + c];
    }

    /** A copy of the cells, row-major {@code [rows, cols]}. */
    public byte[] cells() {
        return cells.clone();
    }

    /** Adds this grid's per-colour cell counts into {@code counts[0..10)}. */
    public void countColours(long[] counts) {
        for (byte v : cells) counts[v]++;
    }

    /**
     * Writes the grid padded to 30×30 into {@code dst[off .. off + 900)}: cell (r, c) goes to
     * {@code off + r·30 + c}; every cell outside the grid (r ≥ rows or c ≥ cols) is 0.
     */
    public void padInto(byte[] dst, int off) {
        Arrays.fill(dst, off, off + PADDED_CELLS, BLACK);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(cells, r * cols, dst, off + r * SIDE, cols);
        }
    }

    /** The padded 30×30 form as a new array {@code [900]}. */
    public byte[] padded() {
        byte[] out = new byte[PADDED_CELLS];
        padInto(out, 0);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArcGrid g && g.rows == rows && g.cols == cols && Arrays.equals(g.cells, cells);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(cells);
    }

    /** The grid as rows of digits, e.g. {@code "ArcGrid 2×3 [012/300]"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ArcGrid ").append(rows).append('×').append(cols).append(" [");
        for (int r = 0; r < rows; r++) {
            if (r > 0) sb.append('/');
            for (int c = 0; c < cols; c++) sb.append(cells[r * cols + c]);
        }
        return sb.append(']').toString();
    }
}
