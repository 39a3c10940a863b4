package dev.kiln.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.Arrays;

/**
 * How often each colour occurs, counted two ways:
 * <ul>
 *   <li><b>raw</b>: over the real cells of each grid only, Σ rows·cols cells in all;</li>
 *   <li><b>padded</b>: over the 30×30 canvas the model sees, 900 cells per grid, where every
 *       padding cell is colour 0: {@code padded[0] = raw[0] + Σ (900 − rows·cols)} and
 *       {@code padded[k] = raw[k]} for k = 1..9.</li>
 * </ul>
 * The padded black share is the accuracy of a model that predicts black everywhere, the
 * all-black collapse of spec 001.
 *
 * @param grids  the number of grids counted
 * @param raw    cells per colour over the real cells ({@code [10]})
 * @param padded cells per colour over the padded canvases ({@code [10]})
 */
public record ClassStats(int grids, long[] raw, long[] padded) {

    public ClassStats {
        if (raw.length != ArcGrid.COLOURS || padded.length != ArcGrid.COLOURS) {
            throw new IllegalArgumentException("ClassStats: counts need " + ArcGrid.COLOURS + " colours, got "
                    + raw.length + " and " + padded.length);
        }
        raw = raw.clone();
        padded = padded.clone();
    }

    /** Counts the colours of {@code grids}. */
    public static ClassStats of(Iterable<ArcGrid> grids) {
        long[] raw = new long[ArcGrid.COLOURS];     // [10]
        long padding = 0;                          // padding cells, all colour 0
        int n = 0;
        for (ArcGrid g : grids) {
            g.countColours(raw);
            padding += ArcGrid.PADDED_CELLS - g.area();
            n++;
        }
        long[] padded = raw.clone();                // [10]
        padded[ArcGrid.BLACK] += padding;
        return new ClassStats(n, raw, padded);
    }

    @Override
    public long[] raw() {
        return raw.clone();
    }

    @Override
    public long[] padded() {
        return padded.clone();
    }

    /** Σ raw, the real cells. */
    public long rawCells() {
        return sum(raw);
    }

    /** Σ padded = 900 · grids. */
    public long paddedCells() {
        return sum(padded);
    }

    /** raw[colour] / Σ raw (0 when there are no cells). */
    public double rawShare(int colour) {
        return share(raw, colour);
    }

    /** padded[colour] / Σ padded (0 when there are no grids). */
    public double paddedShare(int colour) {
        return share(padded, colour);
    }

    /** The share of colour 0 among the real cells. */
    public double blackShareRaw() {
        return rawShare(ArcGrid.BLACK);
    }

    /** The share of colour 0 once padded: the all-black predictor's accuracy. */
    public double blackSharePadded() {
        return paddedShare(ArcGrid.BLACK);
    }

    /**
     * The statistics as one JSON object with the keys {@code grids}, {@code cells_raw},
     * {@code cells_padded}, {@code counts_raw}, {@code counts_padded}, {@code share_raw},
     * {@code share_padded} (arrays of 10, indexed by colour), {@code black_share_raw} and
     * {@code black_share_padded}.
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("grids", grids);
        o.addProperty("cells_raw", rawCells());
        o.addProperty("cells_padded", paddedCells());
        JsonArray countsRaw = new JsonArray();
        JsonArray countsPadded = new JsonArray();
        JsonArray shareRaw = new JsonArray();
        JsonArray sharePadded = new JsonArray();
        for (int k = 0; k < ArcGrid.COLOURS; k++) {
            countsRaw.add(raw[k]);
            countsPadded.add(padded[k]);
            shareRaw.add(rawShare(k));
            sharePadded.add(paddedShare(k));
        }
        o.add("counts_raw", countsRaw);
        o.add("counts_padded", countsPadded);
        o.add("share_raw", shareRaw);
        o.add("share_padded", sharePadded);
        o.addProperty("black_share_raw", blackShareRaw());
        o.addProperty("black_share_padded", blackSharePadded());
        return o;
    }

    /** Equal when the grid count and both count arrays are equal (records compare arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ClassStats s && s.grids == grids
                && Arrays.equals(s.raw, raw) && Arrays.equals(s.padded, padded);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * grids + Arrays.hashCode(raw)) + Arrays.hashCode(padded);
    }

    @Override
    public String toString() {
        return "ClassStats[grids=" + grids + ", raw=" + Arrays.toString(raw) + ", padded="
                + Arrays.toString(padded) + "]";
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) s += v;
        return s;
    }

    private static double share(long[] counts, int colour) {
        long total = sum(counts);
        return total == 0 ? 0.0 : (double) counts[colour] / total;
    }
}
