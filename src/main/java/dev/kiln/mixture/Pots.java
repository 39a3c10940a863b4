package dev.kiln.mixture;

/**
 * Small helpers for the active set A ⊆ {0..K−1}, held as a {@code boolean[K]} mask: the form the
 * routing ops ({@link dev.kiln.loss.GumbelSoftmax}) and the prior take.
 */
public final class Pots {
    private Pots() {}

    /** |A|, the number of open pots. */
    public static int count(boolean[] active) {
        int n = 0;
        for (boolean open : active) if (open) n++;
        return n;
    }

    /** The open pots in increasing order, [|A|]. */
    public static int[] list(boolean[] active) {
        int[] out = new int[count(active)];
        int a = 0;
        for (int k = 0; k < active.length; k++) if (active[k]) out[a++] = k;
        return out;
    }

    /** The mask with pots 0..open−1 open and the rest closed, [K]. */
    public static boolean[] firstOpen(int pots, int open) {
        if (open < 1 || open > pots) {
            throw new IllegalArgumentException("pots: cannot open " + open + " of " + pots + " (need 1 ≤ open ≤ K)");
        }
        boolean[] mask = new boolean[pots];
        for (int k = 0; k < open; k++) mask[k] = true;
        return mask;
    }

    /** Throws unless at least one pot is open. */
    static void requireOpen(String where, boolean[] active) {
        if (count(active) == 0) {
            throw new IllegalArgumentException(where + ": the mask opens no pot; at least one must be open");
        }
    }
}
