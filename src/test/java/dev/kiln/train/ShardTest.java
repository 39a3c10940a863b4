package dev.kiln.train;

import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardTest {

    @Test
    void nShardsRunEveryPointExactlyOnce() {
        List<Integer> points = new ArrayList<>();
        for (int i = 0; i < 23; i++) points.add(i);
        for (int n = 1; n <= 7; n++) {
            Set<Integer> seen = new HashSet<>();
            int total = 0;
            for (int i = 0; i < n; i++) {
                List<Integer> mine = new Shard(i, n).select(points);
                total += mine.size();
                seen.addAll(mine);
                assertTrue(mine.size() >= 23 / n && mine.size() <= 23 / n + 1, "balanced");
            }
            assertEquals(23, total);
            assertEquals(23, seen.size());
        }
        assertEquals(List.of(1, 4, 7), new Shard(1, 3).select(List.of(0, 1, 2, 3, 4, 5, 6, 7)));
    }

    @Test
    void theShardComesFromTheOptionThenFromSlurmsArrayVariables() {
        assertEquals(new Shard(2, 5), Shard.resolve("2/5", Map.of("SLURM_ARRAY_TASK_ID", "0",
                "SLURM_ARRAY_TASK_COUNT", "9")));
        assertEquals(new Shard(3, 8), Shard.resolve(null, Map.of("SLURM_ARRAY_TASK_ID", "3",
                "SLURM_ARRAY_TASK_COUNT", "8")));
        // --array=1-8: ids 1 … 8 are shards 0 … 7.
        assertEquals(new Shard(0, 8), Shard.resolve(null, Map.of("SLURM_ARRAY_TASK_ID", "1",
                "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "8")));
        assertEquals(Shard.ALL, Shard.resolve(null, Map.of()));
    }

    @Test
    void badShardsAreRefusedWithTheExpectedForm() {
        for (String bad : new String[] {"3/3", "-1/2", "1", "a/b", "1/0"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> Shard.parse(bad), bad);
            assertTrue(e.getMessage().contains("i/n") || e.getMessage().contains("0 ≤ i < n"), e.getMessage());
        }
        BadInputException e = assertThrows(BadInputException.class,
                () -> Shard.resolve(null, Map.of("SLURM_ARRAY_TASK_ID", "2")));
        assertTrue(e.getMessage().contains("SLURM_ARRAY_TASK_COUNT"), e.getMessage());
    }
}
