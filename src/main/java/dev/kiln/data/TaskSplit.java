package dev.kiln.data;

import dev.kiln.rand.Rng;

/**
 * A deterministic train/validation split of a {@link GridDataset} by group (for ARC: by task
 * file), so that the grids of one task never sit on both sides.
 *
 * <p>The rule, given G groups, a validation fraction f in [0, 1) and a seed:
 * <ol>
 *   <li>Number the groups 0..G−1 in the dataset's order (for ARC: sorted file names).</li>
 *   <li>Shuffle the numbers 0..G−1 with Fisher–Yates driven by {@code new Rng(seed)}.</li>
 *   <li>The first {@code v = round(f·G)} shuffled groups are validation, the rest training, where
 *       v is raised to 1 if f &gt; 0 and lowered to G−1 so that training is never empty.</li>
 *   <li>Each side lists its grid indices in increasing order.</li>
 * </ol>
 * The same dataset, fraction and seed always give the same split, on every JDK (SplitMix64 is
 * written out in {@link Rng}). f counts tasks, not grids: tasks differ in size, so the share of
 * grids in validation is only about f.
 */
public final class TaskSplit {
    private final int[] train;        // [N_train] grid indices, increasing
    private final int[] validation;   // [N_val]   grid indices, increasing

    private TaskSplit(int[] train, int[] validation) {
        this.train = train;
        this.validation = validation;
    }

    /**
     * Splits {@code data} by group.
     *
     * @param validationFraction share of groups held out, in [0, 1)
     * @param seed               seeds the shuffle of the groups
     */
    public static TaskSplit of(GridDataset data, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction is " + validationFraction
                    + "; allowed: a number in [0, 1)");
        }
        int groups = data.groupCount();
        // 1–2. shuffle the group numbers
        int[] order = new int[groups];                    // [G]
        for (int g = 0; g < groups; g++) order[g] = g;
        new Rng(seed).shuffle(order);
        // 3. the first v shuffled groups are validation
        int v = (int) Math.round(validationFraction * groups);
        if (validationFraction > 0) v = Math.max(v, 1);
        v = Math.min(v, Math.max(groups - 1, 0));
        boolean[] held = new boolean[groups];              // [G] true for validation groups
        for (int j = 0; j < v; j++) held[order[j]] = true;
        // 4. grid indices in increasing order on each side
        int n = data.size();
        int nVal = 0;
        for (int i = 0; i < n; i++) if (held[data.groupOf(i)]) nVal++;
        int[] train = new int[n - nVal];
        int[] validation = new int[nVal];
        int t = 0;
        int w = 0;
        for (int i = 0; i < n; i++) {
            if (held[data.groupOf(i)]) validation[w++] = i;
            else train[t++] = i;
        }
        return new TaskSplit(train, validation);
    }

    /** The training grid indices, increasing (a copy). */
    public int[] train() {
        return train.clone();
    }

    /** The validation grid indices, increasing (a copy). */
    public int[] validation() {
        return validation.clone();
    }
}
