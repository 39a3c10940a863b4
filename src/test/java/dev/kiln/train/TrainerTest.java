package dev.kiln.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.error.BadInputException;
import dev.kiln.data.GridDataset;
import dev.kiln.data.SyntheticArc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    static final GridDataset GRIDS = GridDataset.ungrouped(SyntheticArc.generate(48, 5));

    static final String CYCLICAL = "{\"type\": \"cyclical\", \"total_epochs\": 4, \"cycles\": 2, \"ratio\": 0.5,"
            + " \"max_beta\": 0.2}";
    static final String ADAPTIVE = "{\"type\": \"adaptive\", \"set_point\": 0.2, \"beta_max\": 0.5}";

    static TrainConfig tiny(int epochs, String extra) {
        return tiny(epochs, CYCLICAL, extra);
    }

    static TrainConfig tiny(int epochs, String schedule, String extra) {
        return TrainConfig.parse("tiny.json", """
                {"name": "tiny", "epochs": %d, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
                 "hidden": 16, "seed": 9, "backend": "reference", "val_fraction": 0.25, "lr": 0.003,
                 "schedule": %s,
                 "free_bits": {"mode": "per_dim", "lambda": 0.05}%s}
                """.formatted(epochs, schedule, extra));
    }

    static Loop.Result train(TrainConfig cfg, Path dir, boolean resume) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Trainer(cfg, GRIDS, "test grids", dir, quiet, false).run(resume);
    }

    /** A metrics line without its wall-clock fields, which legitimately differ between runs. */
    static JsonObject withoutTiming(JsonObject line) {
        JsonObject o = line.deepCopy();
        o.remove("train_seconds");
        o.remove("epoch_seconds");
        return o;
    }

    @Test
    void killedAndResumedRunEndsWithTheMetricsOfAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        assertResumeIsExact(tmp, CYCLICAL);
    }

    @Test
    void aResumedAdaptiveControllerContinuesExactly(@TempDir Path tmp) throws Exception {
        assertResumeIsExact(tmp, ADAPTIVE);
    }

    static void assertResumeIsExact(Path tmp, String schedule) throws Exception {
        Loop.Result straight = train(tiny(4, schedule, ""), tmp.resolve("straight"), false);
        train(tiny(2, schedule, ""), tmp.resolve("resumed"), false);       // "killed" after epoch 2
        Loop.Result resumed = train(tiny(4, schedule, ""), tmp.resolve("resumed"), true);
        assertEquals(4, straight.metrics().size());
        assertEquals(4, resumed.metrics().size());
        for (int e = 0; e < 4; e++) {
            assertEquals(withoutTiming(straight.metrics().get(e)), withoutTiming(resumed.metrics().get(e)),
                    "epoch " + (e + 1));
        }
        List<String> lines = Files.readAllLines(tmp.resolve("resumed").resolve(Trainer.METRICS));
        assertEquals(4, lines.size());
        var a = Checkpoint.read(tmp.resolve("straight").resolve(Trainer.CHECKPOINT));
        var b = Checkpoint.read(tmp.resolve("resumed").resolve(Trainer.CHECKPOINT));
        assertEquals(a.arrays().keySet(), b.arrays().keySet());
        for (String k : a.arrays().keySet()) assertArrayEquals(a.arrays().get(k), b.arrays().get(k), k);
    }

    @Test
    void aDetectorWarningCountsAsCollapseOnlyWhileTheKlTermIsOn(@TempDir Path tmp) throws Exception {
        String alwaysFires = ", \"collapse\": {\"min_kl_per_dim\": 100, \"patience\": 1}";
        for (double beta : new double[] {0.0, 0.5}) {
            Path dir = tmp.resolve("beta" + beta);
            Loop.Result r = train(tiny(2, "{\"type\": \"constant\", \"beta\": " + beta + "}", alwaysFires), dir, false);
            for (String l : Files.readAllLines(dir.resolve(Trainer.METRICS))) {
                assertTrue(JsonParser.parseString(l).getAsJsonObject().get("collapse").getAsBoolean(),
                        "the detector fires at every evaluation (β = " + beta + ")");
            }
            if (beta == 0) assertTrue(r.summary().get("collapse_epoch").isJsonNull(), "β = 0 is never a collapse");
            else assertEquals(1, r.summary().get("collapse_epoch").getAsInt(), "β > 0: the first firing epoch");
        }
    }

    @Test
    void metricsLinesCarryEveryDocumentedKey(@TempDir Path tmp) throws Exception {
        Loop.Result r = train(tiny(1, ""), tmp, false);
        JsonObject line = JsonParser.parseString(Files.readAllLines(tmp.resolve(Trainer.METRICS)).get(0))
                .getAsJsonObject();
        for (String k : new String[] {"epoch", "beta", "recon", "kl_raw", "kl_after", "kl_per_dim", "kl_per_dim_mean",
                "active_units", "per_class_acc", "non_black_acc", "majority_share", "collapse", "free_bits_verdict",
                "share_recon_pct", "share_kl_pct", "share_kl_health"}) {
            assertTrue(line.has(k), "metrics.jsonl lacks " + k);
        }
        assertEquals(4, line.getAsJsonArray("kl_per_dim").size());
        assertEquals(10, line.getAsJsonArray("per_class_acc").size());
        assertTrue(Files.exists(tmp.resolve("config.json")));
        assertEquals("completed", r.summary().get("status").getAsString());
        JsonObject resolved = JsonParser.parseString(Files.readString(tmp.resolve("config.json"))).getAsJsonObject();
        assertEquals(0.9, resolved.get("momentum").getAsDouble());   // defaults are filled in
    }

    @Test
    void aCheckpointHoldingNanIsRefusedAsCorruptNotReportedAsDivergence(@TempDir Path tmp) throws Exception {
        train(tiny(1, ""), tmp, false);
        Path ckpt = tmp.resolve(Trainer.CHECKPOINT);
        Checkpoint good = Checkpoint.read(ckpt);
        // poison one decoder weight: the trainer never saves a diverged state, so this file is damaged
        String name = good.arrays().keySet().stream().filter(k -> k.startsWith("param/decoder")).findFirst().orElseThrow();
        good.arrays().get(name)[0] = Float.NaN;
        good.write(ckpt);
        byte[] before = Files.readAllBytes(ckpt);
        BadInputException e = assertThrows(BadInputException.class, () -> train(tiny(3, ""), tmp, true));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("NaN"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(ckpt), "the checkpoint must not be overwritten");
        assertEquals(1, Files.readAllLines(tmp.resolve(Trainer.METRICS)).size());
    }

    @Test
    void aRunDirectoryIsNeverSilentlyOverwritten(@TempDir Path tmp) {
        train(tiny(1, ""), tmp, false);
        BadInputException e = assertThrows(BadInputException.class, () -> train(tiny(1, ""), tmp, false));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void resumeRefusesACheckpointOfAnotherConfig(@TempDir Path tmp) {
        train(tiny(1, ""), tmp, false);
        BadInputException e = assertThrows(BadInputException.class,
                () -> train(tiny(2, ", \"weight_decay\": 0.1"), tmp, true));
        assertTrue(e.getMessage().contains("another config"), e.getMessage());
    }

    @Test
    void inverseFrequencyWeightsAverageToOneOverCells() {
        long[] counts = {940, 30, 20, 10, 0, 0, 0, 0, 0, 0};
        float[] w = Trainer.inverseFrequencyWeights(counts, 0.5);
        double avg = 0;
        for (int c = 0; c < 4; c++) avg += counts[c] / 1000.0 * w[c];
        assertEquals(1.0, avg, 1e-6);
        assertTrue(w[3] > w[1] && w[1] > w[0]);
        assertEquals(w[3], w[9]);                                  // absent colours get the largest weight
        float[] flat = Trainer.inverseFrequencyWeights(counts, 0);
        for (int c = 0; c < 10; c++) assertEquals(1f, flat[c], 1e-6f);
        assertFalse(Float.isNaN(w[0]));
    }

    @Test
    void everyJsonFileIsStrictJsonWithoutHtmlEscapesAndTheRunLeavesNoBackendBehind(@TempDir Path tmp) throws Exception {
        Backend before = Backends.current();
        train(tiny(1, ""), tmp, false);                                    // a "reference" run
        assertSame(before, Backends.current());
        for (String file : new String[] {Trainer.METRICS, Trainer.SUMMARY, RunDirectory.CONFIG}) {
            String text = Files.readString(tmp.resolve(file));
            assertFalse(text.contains("NaN") || text.contains("Infinity"), file + " holds a bare non-finite number");
            assertFalse(text.contains("\\u003d"), file + " is HTML-escaped");
            for (String line : file.equals(Trainer.METRICS) ? text.split("\n") : new String[] {text}) {
                JsonParser.parseString(line);
            }
        }
        assertTrue(Files.readString(tmp.resolve(Trainer.SUMMARY)).contains("λ=0.05"));
        JsonObject line = JsonParser.parseString(Files.readAllLines(tmp.resolve(Trainer.METRICS)).get(0)).getAsJsonObject();
        double recon = line.get("recon").getAsDouble(), kl = line.get("loss").getAsDouble() - recon;
        assertEquals(100 * kl / line.get("loss").getAsDouble(), line.get("share_kl_pct").getAsDouble(), 1e-9);
    }
}
