package dev.kiln.data;

/**
 * One grid of an ARC task and where it came from.
 *
 * @param file  the task file name, e.g. {@code "007bbfb7.json"}; the task is the file
 * @param split {@code train} or {@code test} pairs of that task (ARC's own split, not kiln's
 *              train/validation split, which is {@link TaskSplit})
 * @param pair  the index of the pair within {@code split}
 * @param side  the pair's input or output grid
 * @param grid  the validated grid
 */
public record ArcEntry(String file, Split split, int pair, Side side, ArcGrid grid) {

    /** The two lists of pairs in an ARC task file. */
    public enum Split {
        TRAIN("train"), TEST("test");

        /** The JSON key. */
        public final String key;

        Split(String key) {
            this.key = key;
        }
    }

    /** The two grids of a pair. */
    public enum Side {
        INPUT("input"), OUTPUT("output");

        /** The JSON key. */
        public final String key;

        Side(String key) {
            this.key = key;
        }
    }

    /** The task id: the file name without {@code .json}. */
    public String task() {
        return file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
    }

    /** The grid's place in its file, e.g. {@code "train[2].output"}. */
    public String label() {
        return label(split, pair, side);
    }

    static String label(Split split, int pair, Side side) {
        return split.key + "[" + pair + "]." + side.key;
    }
}
