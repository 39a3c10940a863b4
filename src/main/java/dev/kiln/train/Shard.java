package dev.kiln.train;

import dev.kiln.error.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which part of a sweep this process runs: shard {@code index} of {@code count} takes the points
 * whose position p in the plan has p mod count = index, so n processes given 0/n … (n−1)/n run
 * every point exactly once with no coordination but the shared output directory.
 *
 * <p>From {@code --shard i/n}, or inside a Slurm job array from its environment:
 * index = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN, count = SLURM_ARRAY_TASK_COUNT
 * (so {@code --array=0-7} and {@code --array=1-8} both give shards 0 … 7 of 8).
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new BadInputException("shard " + index + "/" + count + ": need 0 ≤ i < n and n ≥ 1");
        }
    }

    /** Parses {@code i/n}. */
    public static Shard parse(String text) {
        String[] parts = text.split("/", -1);
        try {
            if (parts.length == 2) return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new BadInputException("--shard '" + text + "': expected i/n with 0 ≤ i < n, e.g. 0/4");
    }

    /** The shard from {@code --shard} when given, else from a Slurm array's environment, else all points. */
    public static Shard resolve(String option, Map<String, String> env) {
        if (option != null) return parse(option);
        String id = env.get("SLURM_ARRAY_TASK_ID");
        if (id == null) return ALL;
        String count = env.get("SLURM_ARRAY_TASK_COUNT");
        String min = env.getOrDefault("SLURM_ARRAY_TASK_MIN", "0");
        if (count == null) {
            throw new BadInputException("SLURM_ARRAY_TASK_ID is " + id + " but SLURM_ARRAY_TASK_COUNT is not set; "
                    + "pass --shard i/n");
        }
        try {
            return new Shard(Integer.parseInt(id) - Integer.parseInt(min), Integer.parseInt(count));
        } catch (NumberFormatException e) {
            throw new BadInputException("Slurm array variables are not integers (SLURM_ARRAY_TASK_ID=" + id
                    + ", SLURM_ARRAY_TASK_MIN=" + min + ", SLURM_ARRAY_TASK_COUNT=" + count + "); pass --shard i/n", e);
        }
    }

    /** This shard's items, in order. */
    public <T> List<T> select(List<T> all) {
        List<T> out = new ArrayList<>();
        for (int p = index; p < all.size(); p += count) out.add(all.get(p));
        return out;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
