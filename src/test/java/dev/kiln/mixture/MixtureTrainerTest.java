package dev.kiln.mixture;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.train.Loop;
import dev.kiln.train.RunDirectory;
import dev.kiln.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test-sized runs on synthetic labelled blobs (no download needed) and on synthetic ARC grids. */
class MixtureTrainerTest {

    /** Four 6×6 binary prototypes, 5 % of pixels flipped; K_max 4, D 2: small enough for a few seconds. */
    static String blobs(int epochs, boolean curriculum) {
        return """
                {"model": "mixture", "name": "blobs", "dataset": "synthetic", "train_size": 480, "val_size": 160,
                 "synthetic": {"classes": 4, "side": 6, "flip": 0.05}, "backend": "reference",
                 "seed": 3, "epochs": %d, "batch_size": 32, "k_max": 4, "latent_dim": 2, "hidden": [16], "lr": 0.005,
                 "temperature": {"start": 1.0, "end": 0.3, "schedule": {"type": "cosine", "ramp_epochs": 10}},
                 "prior": {"separation": 5, "sigma": 1, "lambda": {"type": "linear_warmup", "warmup_epochs": 3, "max_beta": 0.5}},
                 "curriculum": {"enabled": %b, "patience": 1, "min_rel_improvement": 0.01, "min_gain": 0.0,
                                "kick": {"epochs": 1, "temperature": 2.0, "logit_bias": 0.0, "lambda_scale": 0.5}},
                 "decode_samples": 4}
                """.formatted(epochs, curriculum);
    }

    static Loop.Result train(String json, Path dir, boolean resume) {
        MixtureConfig cfg = MixtureConfig.parse("blobs.json", json);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new MixtureTrainer(cfg, MixtureSplit.load(cfg, null), dir, quiet).run(resume);
    }

    static JsonObject withoutTiming(JsonObject line) {
        JsonObject o = line.deepCopy();
        o.remove("train_seconds");
        o.remove("epoch_seconds");
        return o;
    }

    @Test
    void theCurriculumGrowsPotsOnLabelledBlobsAndEndsWithMeasuredPurity(@TempDir Path tmp) throws Exception {
        Loop.Result r = train(blobs(16, true), tmp, false);
        assertEquals("completed", r.summary().get("status").getAsString());
        List<JsonObject> m = r.metrics();
        JsonObject first = m.get(0), last = m.get(m.size() - 1);
        assertEquals(1, first.get("open_pots").getAsInt());
        int unlocks = 0;
        for (JsonObject line : m) {
            if (!line.get("event").isJsonNull() && line.getAsJsonObject("event").get("type").getAsString().equals("unlock")) {
                unlocks++;
            }
        }
        assertTrue(unlocks >= 2, "the curriculum opened " + unlocks + " pots: " + m);
        assertTrue(last.get("open_pots").getAsInt() >= 3);
        assertTrue(first.get("nmi").getAsDouble() == 0.0, "one pot carries no information about the labels");
        assertTrue(last.get("nmi").getAsDouble() > 0.6, "NMI " + last.get("nmi"));
        assertTrue(last.get("purity").getAsDouble() > 0.6, "purity " + last.get("purity"));
        for (String key : new String[] {"epoch", "stage", "open_pots", "active", "kick", "routing", "temperature", "lambda",
                "beta", "recon", "kl", "penalty", "loss", "val_objective", "val_recon", "val_kl", "val_penalty", "usage",
                "soft_usage", "mean_max_responsibility", "entropy", "mean_logit", "nmi", "purity", "majority_label",
                "label_table", "jb_per_sample", "normality_fails", "plateau_counter", "event", "epoch_seconds"}) {
            assertTrue(last.has(key), "metrics.jsonl lacks " + key);
        }
        for (String file : new String[] {"config.json", RunDirectory.METRICS, RunDirectory.CHECKPOINT,
                RunDirectory.SUMMARY, MixtureTrainer.USAGE_PLOT, MixtureTrainer.DECODINGS, MixtureTrainer.MEMBERS,
                MixtureTrainer.PURITY}) {
            assertTrue(Files.size(tmp.resolve(file)) > 0, file);
        }
        assertEquals(16, Files.readAllLines(tmp.resolve(RunDirectory.METRICS)).size());
        assertTrue(Files.readString(tmp.resolve(MixtureTrainer.PURITY)).contains("| pot | samples | majority label"));
    }

    @Test
    void theEpochAfterAnUnlockIsASoftKickAndTemperatureOtherwiseAnneals(@TempDir Path tmp) {
        List<JsonObject> m = train(blobs(16, true), tmp, false).metrics();
        boolean sawKick = false;
        for (int e = 1; e < m.size(); e++) {
            JsonObject before = m.get(e - 1), line = m.get(e);
            boolean unlockedBefore = !before.get("event").isJsonNull()
                    && before.getAsJsonObject("event").get("type").getAsString().equals("unlock");
            assertEquals(unlockedBefore, line.get("kick").getAsBoolean(), "epoch " + (e + 1));
            if (unlockedBefore) {
                sawKick = true;
                assertEquals("gumbel", line.get("routing").getAsString(), "no straight-through during a kick");
                assertTrue(line.get("temperature").getAsDouble() >= 2.0 - 1e-9);
                assertEquals(before.get("open_pots").getAsInt() + 1, line.get("open_pots").getAsInt());
            } else {
                assertEquals("straight_through", line.get("routing").getAsString());
            }
        }
        assertTrue(sawKick);
        List<JsonObject> base = train(blobs(12, false), tmp.resolve("base"), false).metrics();
        for (int e = 1; e < base.size(); e++) {
            assertTrue(base.get(e).get("temperature").getAsDouble() < base.get(e - 1).get("temperature").getAsDouble()
                    || Math.abs(base.get(e).get("temperature").getAsDouble() - 0.3) < 1e-12,
                    "τ must fall until it reaches its end");
            assertEquals(4, base.get(e).get("open_pots").getAsInt(), "the baseline opens every pot from the start");
            assertTrue(base.get(e).get("event").isJsonNull());
        }
        assertEquals(0.3, base.get(base.size() - 1).get("temperature").getAsDouble(), 1e-9);
    }

    @Test
    void aKilledAndResumedRunEndsWithTheMetricsOfAnUninterruptedOne(@TempDir Path tmp) {
        // killed right after the first unlock (epoch 9: split, moments copied, re-centred), so the
        // resumed run starts with the kick and the restored curriculum
        Loop.Result straight = train(blobs(12, true), tmp.resolve("straight"), false);
        JsonObject ninth = straight.metrics().get(8);
        assertEquals("unlock", ninth.getAsJsonObject("event").get("type").getAsString(), "the scenario needs an unlock at 9");
        train(blobs(9, true), tmp.resolve("resumed"), false);
        Loop.Result resumed = train(blobs(12, true), tmp.resolve("resumed"), true);
        assertEquals(12, resumed.metrics().size());
        assertTrue(resumed.metrics().get(9).get("kick").getAsBoolean());
        for (int e = 0; e < 12; e++) {
            assertEquals(withoutTiming(straight.metrics().get(e)), withoutTiming(resumed.metrics().get(e)), "epoch " + (e + 1));
        }
        assertEquals(straight.summary().get("events"), resumed.summary().get("events"));
    }

    @Test
    void kilnTrainRunsAMixtureConfigOnSyntheticArcGrids(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("arc.json");
        Files.writeString(config, """
                {"model": "mixture", "name": "arc-tiny", "dataset": "arc", "synthetic_grids": 60, "val_fraction": 0.25,
                 "backend": "reference", "epochs": 3, "batch_size": 16, "k_max": 3, "latent_dim": 2, "hidden": [8],
                 "curriculum": {"patience": 1, "min_rel_improvement": 0.5}, "decode_samples": 2}
                """);
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("train", "--config", config.toString(), "--out", tmp.resolve("run").toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("arc-tiny"), out.toString());
        JsonObject summary = JsonParser.parseString(Files.readString(tmp.resolve("run").resolve(RunDirectory.SUMMARY)))
                .getAsJsonObject();
        assertEquals("completed", summary.get("status").getAsString());
        assertTrue(Files.size(tmp.resolve("run").resolve(MixtureTrainer.DECODINGS)) > 0);
        assertTrue(!Files.exists(tmp.resolve("run").resolve(MixtureTrainer.PURITY)), "ARC grids have no labels");
    }
}
