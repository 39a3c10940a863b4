package dev.kiln.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.kiln.error.BadInputException;
import dev.kiln.io.IoErrors;
import dev.kiln.io.StrictJson;

import java.io.IOException;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a directory of ARC-AGI task files and collects every grid in them.
 *
 * <p>A task file is one JSON object
 * <pre>
 *   {"train": [{"input": grid, "output": grid}, ...],
 *    "test":  [{"input": grid, "output": grid}, ...]}
 * </pre>
 * where a grid is a list of rows, each a list of integers 0–9. Other keys are ignored.
 *
 * <p><b>Which files, in which order.</b> The regular files directly in the directory whose name
 * ends in {@code .json} (not in subdirectories; names starting with {@code .} are skipped),
 * sorted by name ({@link String#compareTo}, so the order does not depend on the platform or the
 * locale). Within a file: the {@code train} pairs in order, then the {@code test} pairs, and for
 * each pair its input, then its output. A test pair without an output (as in hidden evaluation
 * sets: the key is absent or {@code null}) contributes only its input; a train pair must have both.
 *
 * <p><b>Validation.</b> The JSON must be strict ({@link StrictJson}: no comments, no single quotes,
 * no duplicate keys, no trailing data), the file a regular UTF-8 file of at most
 * {@link #MAX_TASK_BYTES}.
 * {@code train} and {@code test} must be lists of objects. Every grid must be a non-empty list of
 * 1–30 rows; every row a list of as many cells as the first row, 1–30 of them; every cell a JSON
 * number whose value is an integer 0–9 ({@code 3} and {@code 3.0} are accepted, {@code 3.5},
 * {@code "3"}, {@code -1} and {@code 10} are not). The first violation stops the load with a
 * {@link BadInputException} whose message names the file, the grid (e.g. {@code train[2].output}),
 * the position {@code (row r, col c)} counted from 0, what was found and what is allowed.
 */
public final class ArcLoader {
    private ArcLoader() {}

    /**
     * The largest task file read: ARC-AGI's largest is under 100 KB; 16 MiB of JSON becomes up to
     * 8 million cells, which still fit in a default heap.
     */
    public static final long MAX_TASK_BYTES = 16L << 20;

    private static final String FORMAT =
            "an ARC task is {\"train\": [{\"input\": grid, \"output\": grid}, ...], \"test\": [...]}";

    /**
     * Loads every grid of every task file in {@code dir}.
     *
     * @throws BadInputException if {@code dir} is not a readable directory, holds no {@code .json}
     *                           file, or any file is unreadable, not JSON or not a valid ARC task
     */
    public static ArcSet load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": not a directory (expected a directory of ARC-AGI "
                    + "task files, e.g. ARC-AGI/data/training)");
        }
        List<String> files = taskFiles(dir);
        if (files.isEmpty()) {
            throw new BadInputException(dir + ": no .json files (expected ARC-AGI task files, "
                    + "e.g. ARC-AGI/data/training from https://github.com/fchollet/ARC-AGI)");
        }
        List<ArcEntry> entries = new ArrayList<>();
        for (String name : files) {
            Path file = dir.resolve(name);
            entries.addAll(parseTask(name, file.toString(), StrictJson.readText(file, MAX_TASK_BYTES)));
        }
        return new ArcSet(dir, files, entries);
    }

    /** The {@code .json} file names directly in {@code dir}, sorted. */
    private static List<String> taskFiles(Path dir) {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing
                    .filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw IoErrors.bad(dir + ": cannot list the directory", e);
        }
    }

    /**
     * Parses one task file.
     *
     * @param name  the file name recorded in each {@link ArcEntry}
     * @param where how messages name the file (its path)
     */
    static List<ArcEntry> parseTask(String name, String where, String text) {
        JsonElement root = StrictJson.parse(where, text);
        if (!root.isJsonObject()) {
            throw new BadInputException(where + ": the top level is " + describe(root)
                    + "; " + FORMAT);
        }
        JsonObject task = root.getAsJsonObject();
        List<ArcEntry> out = new ArrayList<>();
        for (ArcEntry.Split split : ArcEntry.Split.values()) {
            JsonElement pairs = task.get(split.key);
            if (pairs == null) {
                throw new BadInputException(where + ": missing key \"" + split.key + "\"; " + FORMAT);
            }
            if (!pairs.isJsonArray()) {
                throw new BadInputException(where + ": \"" + split.key + "\" is " + describe(pairs)
                        + "; allowed: a list of {\"input\": grid, \"output\": grid} objects");
            }
            JsonArray list = pairs.getAsJsonArray();
            for (int p = 0; p < list.size(); p++) {
                String pairLabel = split.key + "[" + p + "]";
                JsonElement pair = list.get(p);
                if (!pair.isJsonObject()) {
                    throw new BadInputException(where + ": " + pairLabel + " is " + describe(pair)
                            + "; allowed: an object {\"input\": grid, \"output\": grid}");
                }
                for (ArcEntry.Side side : ArcEntry.Side.values()) {
                    JsonElement grid = pair.getAsJsonObject().get(side.key);
                    boolean absent = grid == null || grid.isJsonNull();
                    if (absent && split == ArcEntry.Split.TEST && side == ArcEntry.Side.OUTPUT) {
                        continue;                       // hidden test output: keep the input only
                    }
                    if (absent) {
                        throw new BadInputException(where + ": " + pairLabel + ": missing key \""
                                + side.key + "\"; every train pair needs an input and an output grid"
                                + " (only a test output may be absent)");
                    }
                    String label = ArcEntry.label(split, p, side);
                    out.add(new ArcEntry(name, split, p, side, parseGrid(where + ": " + label, grid)));
                }
            }
        }
        return out;
    }

    /**
     * Validates one grid and converts it.
     *
     * @param where the file and grid, e.g. {@code "path/x.json: train[2].output"}
     */
    private static ArcGrid parseGrid(String where, JsonElement element) {
        if (!element.isJsonArray()) {
            throw new BadInputException(where + ": the grid is " + describe(element)
                    + "; allowed: a list of 1–30 rows, each a list of 1–30 integers 0–9");
        }
        JsonArray rowsJson = element.getAsJsonArray();
        int rows = rowsJson.size();
        if (rows == 0) {
            throw new BadInputException(where + ": (row 0, col 0): the grid has no rows; allowed 1–30 rows");
        }
        if (rows > ArcGrid.SIDE) {
            throw new BadInputException(where + ": (row " + ArcGrid.SIDE + ", col 0): the grid has "
                    + rows + " rows; allowed 1–" + ArcGrid.SIDE + " rows");
        }
        int cols = -1;
        byte[] cells = null;                           // [rows, cols], allocated once cols is known
        for (int r = 0; r < rows; r++) {
            JsonElement rowElement = rowsJson.get(r);
            if (!rowElement.isJsonArray()) {
                throw new BadInputException(where + ": (row " + r + ", col 0): row " + r + " is "
                        + describe(rowElement) + "; allowed: a list of 1–30 integers 0–9");
            }
            JsonArray row = rowElement.getAsJsonArray();
            if (r == 0) {
                cols = row.size();
                if (cols == 0) {
                    throw new BadInputException(where + ": (row 0, col 0): row 0 is empty; allowed 1–"
                            + ArcGrid.SIDE + " columns");
                }
                if (cols > ArcGrid.SIDE) {
                    throw new BadInputException(where + ": (row 0, col " + ArcGrid.SIDE + "): the grid has "
                            + cols + " columns; allowed 1–" + ArcGrid.SIDE + " columns");
                }
                cells = new byte[rows * cols];
            } else if (row.size() != cols) {
                throw new BadInputException(where + ": (row " + r + ", col " + Math.min(cols, row.size())
                        + "): row " + r + " has " + row.size() + " cells but row 0 has " + cols
                        + "; grids must be rectangular");
            }
            int rowOff = r * cols;
            for (int c = 0; c < cols; c++) {
                cells[rowOff + c] = (byte) parseCell(where, r, c, row.get(c));
            }
        }
        return new ArcGrid(rows, cols, cells);
    }

    /** A cell's colour, or a {@link BadInputException} naming the position and what is allowed. */
    private static int parseCell(String where, int r, int c, JsonElement cell) {
        String at = where + ": (row " + r + ", col " + c + "): ";
        if (!(cell instanceof JsonPrimitive p) || !p.isNumber()) {
            throw new BadInputException(at + "the cell is " + describe(cell) + "; allowed: integers 0–9");
        }
        if (p.getAsNumber() instanceof Integer small && small >= 0 && small <= 9) return small;   // StrictJson's shared 0–255
        String text = p.getAsString();
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new BadInputException(at + "the cell is " + text + "; allowed: integers 0–9", e);
        }
        boolean integral = value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
        if (!integral || value.compareTo(BigDecimal.ZERO) < 0 || value.compareTo(BigDecimal.valueOf(9)) > 0) {
            throw new BadInputException(at + "the cell is " + text + "; allowed: integers 0–9");
        }
        return value.intValue();
    }

    /** A short description of a JSON value for messages: {@code a string "a"}, {@code a list}, ... */
    private static String describe(JsonElement e) {
        if (e == null || e.isJsonNull()) return "null";
        if (e.isJsonArray()) return "a list";
        if (e.isJsonObject()) return "an object";
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isString()) return "a string \"" + p.getAsString() + "\"";
        if (p.isBoolean()) return "the boolean " + p.getAsBoolean();
        return "the number " + p.getAsString();
    }
}
