package dev.kiln.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepTest {
    static final String BASE = """
            {"name": "tiny", "epochs": 2, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
             "hidden": 16, "seed": 9, "backend": "reference", "synthetic_grids": 40, "val_fraction": 0.25,
             "schedule": {"type": "linear_warmup", "warmup_epochs": 1, "max_beta": 0.2}, "free_bits": {"mode": "none"}}
            """;

    static SweepPlan plan(String configurations, String seeds) {
        return SweepPlan.parse("plan.json", """
                {"name": "t", "base": %s, "seeds": %s, "configurations": %s}
                """.formatted(BASE, seeds, configurations));
    }

    static final String TWO = """
            [{"name": "plain", "set": {"loss": "ce"}},
             {"name": "fb", "description": "free bits", "set": {"free_bits.mode": "per_dim", "free_bits.lambda": 0.05}}]
            """;

    static List<SweepRunner.Outcome> run(List<SweepPlan.Point> points, Path out, int workers, StringBuilder log) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        List<SweepRunner.Outcome> o = SweepRunner.run(points, out, null, workers,
                new PrintStream(b, true, StandardCharsets.UTF_8));
        log.append(b.toString(StandardCharsets.UTF_8));
        return o;
    }

    static List<JsonObject> metrics(Path dir) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(RunDirectory.METRICS))) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            o.remove("train_seconds");
            o.remove("epoch_seconds");
            out.add(o);
        }
        return out;
    }

    @Test
    void thePointsAreEveryConfigurationAtEverySeedEachNamedAndSeeded() {
        List<SweepPlan.Point> points = plan(TWO, "[1, 2, 7]").points("plan.json");
        assertEquals(6, points.size());
        assertEquals(List.of("plain/seed_1", "plain/seed_2", "plain/seed_7", "fb/seed_1", "fb/seed_2", "fb/seed_7"),
                points.stream().map(SweepPlan.Point::dir).toList());
        SweepPlan.Point p = points.get(5);
        assertEquals("fb", p.config().name());
        assertEquals(7, p.config().run().seed());
        assertEquals("per_dim", p.config().freeBitsMode());
        assertEquals(0.05, p.config().freeBitsLambda());
        assertEquals("weighted_ce", p.config().loss().configName(), "the base's default where the configuration is silent");
        assertEquals("ce", points.get(0).config().loss().configName());
        assertEquals("none", points.get(0).config().freeBitsMode());
    }

    @Test
    void aBadKeyInAnyConfigurationIsRefusedBeforeAnythingRunsNamingTheConfiguration() {
        SweepPlan p = plan("[{\"name\": \"ok\"}, {\"name\": \"bad\", \"set\": {\"los\": \"ce\"}}]", "[1]");
        BadInputException e = assertThrows(BadInputException.class, () -> p.points("plan.json"));
        assertTrue(e.getMessage().contains("configuration 'bad'") && e.getMessage().contains("'los'")
                && e.getMessage().contains("unknown key"), e.getMessage());
        BadInputException u = assertThrows(BadInputException.class,
                () -> SweepPlan.parse("plan.json", "{\"base\": {}, \"sedes\": [1]}"));
        assertTrue(u.getMessage().contains("'sedes'"), u.getMessage());
        BadInputException d = assertThrows(BadInputException.class, () -> plan(TWO, "[1, 1]"));
        assertTrue(d.getMessage().contains("distinct"), d.getMessage());
    }

    @Test
    void aGridCrossesItsAxesAndNamesEachPointByItsValues() {
        SweepPlan base = SweepPlan.ofBase(JsonParser.parseString(BASE).getAsJsonObject(), "tiny", List.of(1L));
        SweepPlan g = base.withGrid(List.of(SweepPlan.Axis.parse("lr=0.001,0.002"),
                SweepPlan.Axis.parse("schedule={\"type\": \"constant\", \"beta\": 0},{\"type\": \"constant\", \"beta\": 1}")));
        assertEquals(4, g.configurations().size());
        assertEquals("lr=0.001,schedule=_type_constant,beta_0_", g.configurations().get(0).name());
        List<SweepPlan.Point> pts = g.points("grid");
        assertEquals(0.002, pts.get(3).config().run().lr());
        assertEquals(1.0, ((Number) pts.get(3).config().scheduleParams().get("beta")).doubleValue());
        assertEquals(0.001, pts.get(1).config().run().lr());
        assertEquals(1.0, ((Number) pts.get(1).config().scheduleParams().get("beta")).doubleValue());
        SweepPlan crossed = plan(TWO, "[1]").withGrid(List.of(SweepPlan.Axis.parse("lr=0.001,0.002")));
        assertEquals(List.of("plain,lr=0.001", "plain,lr=0.002", "fb,lr=0.001", "fb,lr=0.002"),
                crossed.configurations().stream().map(SweepPlan.Configuration::name).toList());
    }

    @Test
    void finishedRunsAreSkippedAndInterruptedOnesResumeExactly(@TempDir Path tmp) throws Exception {
        List<SweepPlan.Point> full = plan(TWO, "[1, 2]").points("plan.json");
        StringBuilder log = new StringBuilder();
        run(full, tmp.resolve("straight"), 1, log);

        // "Killed" after epoch 1: the same plan with one epoch, then the full plan over it.
        SweepPlan shortPlan = plan(TWO, "[1, 2]").withBaseOverrides(
                List.of(dev.kiln.config.Overrides.parse("--set", "epochs=1")));
        run(shortPlan.points("plan.json"), tmp.resolve("resumed"), 1, log);
        StringBuilder second = new StringBuilder();
        List<SweepRunner.Outcome> o = run(full, tmp.resolve("resumed"), 1, second);
        assertTrue(o.stream().allMatch(x -> x.state().equals("completed")), o.toString());
        assertTrue(second.toString().contains("resuming from its checkpoint"), second.toString());
        for (SweepPlan.Point p : full) {
            assertEquals(metrics(tmp.resolve("straight").resolve(p.dir())), metrics(tmp.resolve("resumed").resolve(p.dir())),
                    p.dir());
            assertEquals(2, metrics(tmp.resolve("resumed").resolve(p.dir())).size());
        }

        String before = Files.readString(tmp.resolve("straight").resolve(full.get(0).dir()).resolve(RunDirectory.METRICS));
        StringBuilder third = new StringBuilder();
        List<SweepRunner.Outcome> again = run(full, tmp.resolve("straight"), 2, third);
        assertTrue(again.stream().allMatch(x -> x.state().equals("skipped")), again.toString());
        assertEquals(before, Files.readString(tmp.resolve("straight").resolve(full.get(0).dir()).resolve(RunDirectory.METRICS)));
    }

    @Test
    void twoWorkersSharingTheKernelThreadsTrainExactlyAsOne(@TempDir Path tmp) throws Exception {
        SweepPlan p = plan(TWO, "[1, 2]").withBaseOverrides(
                List.of(dev.kiln.config.Overrides.parse("--set", "backend=fast")));
        List<SweepPlan.Point> points = p.points("plan.json");
        StringBuilder log = new StringBuilder();
        run(points, tmp.resolve("one"), 1, log);
        run(points, tmp.resolve("two"), 2, log);
        for (SweepPlan.Point pt : points) {
            assertEquals(metrics(tmp.resolve("one").resolve(pt.dir())), metrics(tmp.resolve("two").resolve(pt.dir())), pt.dir());
        }
        assertTrue(Files.readString(tmp.resolve("two").resolve(points.get(0).dir()).resolve(SweepRunner.LOG))
                .contains("epoch 2"), "each run's console goes to its own train.log");
    }

    @Test
    void aDirectoryHoldingARunOfAnotherConfigIsRefusedBeforeAnythingRuns(@TempDir Path tmp) throws Exception {
        List<SweepPlan.Point> points = plan(TWO, "[1]").points("plan.json");
        Path dir = tmp.resolve(points.get(1).dir());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(RunDirectory.CONFIG), points.get(0).config().toPrettyJson());
        BadInputException e = assertThrows(BadInputException.class, () -> run(points, tmp, 1, new StringBuilder()));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("another config"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve(points.get(0).dir()).resolve(RunDirectory.METRICS)), "nothing ran");
    }

    @Test
    void everyRunDirectoryGetsReconstructionPictures(@TempDir Path tmp) throws Exception {
        List<SweepPlan.Point> points = plan("[{\"name\": \"a\"}]", "[1]").points("plan.json");
        run(points, tmp, 1, new StringBuilder());
        Path recon = tmp.resolve("a/seed_1").resolve(ReconPictures.DIR);
        for (String f : new String[] {"epoch_001.json", "epoch_001.png", "epoch_002.json", "epoch_002.png", "strip.png"}) {
            assertTrue(Files.size(recon.resolve(f)) > 0, f);
        }
        JsonObject e2 = JsonParser.parseString(Files.readString(recon.resolve("epoch_002.json"))).getAsJsonObject();
        assertEquals(2, e2.get("epoch").getAsInt());
        assertEquals(ReconPictures.GRIDS, e2.getAsJsonArray("reconstruction").size());
        assertEquals(900, e2.getAsJsonArray("input").get(0).getAsJsonArray().size());
        // the epoch picture has its title and row labels around the bare tiles
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(recon.resolve("epoch_002.png").toFile());
        java.awt.image.BufferedImage bare = dev.kiln.report.ImageGrid.arc(new int[2 * ReconPictures.GRIDS * 900],
                2 * ReconPictures.GRIDS, 30, 30, ReconPictures.GRIDS, dev.kiln.report.ReconStrip.SCALE);
        assertTrue(png.getWidth() > bare.getWidth() && png.getHeight() > bare.getHeight(),
                png.getWidth() + "x" + png.getHeight() + " vs bare " + bare.getWidth() + "x" + bare.getHeight());
    }
}
