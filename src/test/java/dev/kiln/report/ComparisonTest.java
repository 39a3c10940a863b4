package dev.kiln.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.error.BadInputException;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {

    /**
     * A fabricated run: config {name, seed, lr}, two evaluated epochs with the given KL/dim and
     * the last epoch's non-black accuracy, and a collapse epoch (0 for none).
     */
    static Path run(Path root, String name, long seed, double lr, double kl1, double kl2, double nb, int collapse)
            throws Exception {
        Path d = Files.createDirectories(root.resolve(name + "_" + seed + "_" + lr));
        Files.writeString(d.resolve("config.json"),
                "{\"name\": \"" + name + "\", \"seed\": " + seed + ", \"lr\": " + lr + "}");
        String e1 = "{\"epoch\": 1, \"beta\": 0.0, \"kl_per_dim_mean\": " + kl1 + ", \"non_black_acc\": 0.1, "
                + "\"collapse\": false}";
        String e2 = "{\"epoch\": 2, \"beta\": 0.5, \"kl_per_dim_mean\": " + kl2 + ", \"active_units\": 4, "
                + "\"non_black_acc\": " + nb + ", \"majority_share\": 0.9, \"collapse\": " + (collapse > 0) + "}";
        Files.writeString(d.resolve("metrics.jsonl"), e1 + "\n" + e2 + "\n");
        Files.writeString(d.resolve("summary.json"), "{\"status\": \"completed\", \"collapse_epoch\": "
                + (collapse > 0 ? collapse : "null") + ", \"final\": " + e2 + "}");
        return d;
    }

    @Test
    void runsAreGroupedByTheirConfigWithoutTheSeed(@TempDir Path tmp) throws Exception {
        List<Comparison.Run> runs = Comparison.read(List.of(
                run(tmp, "a", 1, 0.1, 2.0, 0.5, 0.2, 0),
                run(tmp, "b", 1, 0.1, 1.0, 0.03, 0.0, 2),
                run(tmp, "a", 2, 0.1, 1.5, 0.7, 0.4, 2),
                run(tmp, "a", 3, 0.1, 0.2, 0.6, 0.6, 0),
                run(tmp, "a", 1, 0.2, 3.0, 3.0, 0.9, 0)));
        Comparison c = Comparison.of(runs);
        assertEquals(List.of("a", "b", "a (2)"), c.groups().stream().map(Comparison.Group::name).toList());
        Comparison.Group a = c.groups().get(0);
        assertEquals(List.of(1L, 2L, 3L), a.seeds());
        Stats nb = a.stats("non_black_acc");
        assertEquals(0.4, nb.mean(), Tolerances.F32);
        assertEquals(0.2, nb.sd(), Tolerances.F32);
        assertEquals(0.4 - 4.303 * 0.2 / Math.sqrt(3), nb.ciLow(), Tolerances.F32);
        // min over epochs: seed 1 min(2.0, 0.5) = 0.5, seed 2 0.7, seed 3 0.2 → mean 0.4667.
        assertEquals((0.5 + 0.7 + 0.2) / 3, a.stats("kl_per_dim_min").mean(), Tolerances.F32);
        assertEquals((0.5 + 0.7 + 0.6) / 3, a.stats("kl_per_dim_mean").mean(), Tolerances.F32);
        assertEquals(1, a.collapsed());
        assertEquals(2.0, a.collapseEpoch().mean(), 0);
        assertEquals(1, c.groups().get(1).runs().size());
        assertEquals(1, c.groups().get(1).collapsed());
    }

    @Test
    void theTablesCarryEveryGroupAndStatistic(@TempDir Path tmp) throws Exception {
        Comparison c = Comparison.of(Comparison.read(List.of(run(tmp, "a", 1, 0.1, 2.0, 0.5, 0.2, 0),
                run(tmp, "a", 2, 0.1, 1.5, 0.7, 0.4, 2))));
        String md = c.markdown();
        assertTrue(md.contains("| a | 2 |"), md);
        assertTrue(md.contains("30.0% ± 14.1 [-97.1, 157.1]"), md);   // 0.2, 0.4: mean 0.3, sd 0.1414, t(1) = 12.706
        assertTrue(md.contains("| 1/2 | 2.0 |"), md);
        JsonArray j = c.json();
        JsonObject g = j.get(0).getAsJsonObject();
        assertEquals(0.5, g.get("collapsed_fraction").getAsDouble());
        assertEquals(2, g.getAsJsonObject("non_black_acc").get("n").getAsInt());
        assertEquals(0.3 + 12.706 * Math.sqrt(0.02) / Math.sqrt(2),
                g.getAsJsonObject("non_black_acc").getAsJsonArray("ci95").get(1).getAsDouble(), Tolerances.F32);
        String runsCsv = c.runsCsv();
        assertEquals(3, runsCsv.split("\n").length, runsCsv);
        assertTrue(runsCsv.startsWith("configuration,seed,dir,status,epochs,beta,kl_per_dim_mean,kl_per_dim_min,"), runsCsv);
        String metricsCsv = c.metricsCsv();
        assertEquals(5, metricsCsv.split("\n").length, "a header and two epochs of two runs");
        assertTrue(metricsCsv.contains("\na,2,1,0,,,,,1.5,"), "<<" + metricsCsv + ">>");
    }

    @Test
    void csvFieldsWithCommasOrQuotesAreQuoted() {
        assertEquals("plain", Comparison.csv("plain"));
        assertEquals("\"lr=0.1,loss=ce\"", Comparison.csv("lr=0.1,loss=ce"));
        assertEquals("\"say \"\"hi\"\"\"", Comparison.csv("say \"hi\""));
    }

    @Test
    void aSweepDirectoryStandsForTheRunsBelowIt(@TempDir Path tmp) throws Exception {
        run(tmp.resolve("sweep"), "a", 1, 0.1, 2.0, 0.5, 0.2, 0);
        run(tmp.resolve("sweep"), "a", 2, 0.1, 2.0, 0.5, 0.2, 0);
        assertEquals(2, Comparison.read(List.of(tmp.resolve("sweep"))).size());
        BadInputException e = assertThrows(BadInputException.class,
                () -> Comparison.read(List.of(Files.createDirectories(tmp.resolve("empty")))));
        assertTrue(e.getMessage().contains("no summary.json"), e.getMessage());
    }
}
