package dev.kiln.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainCommandTest {
    static final String TINY = """
            {"name": "tiny", "epochs": 1, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
             "hidden": 16, "seed": 9, "backend": "reference", "synthetic_grids": 40, "val_fraction": 0.25,
             "schedule": {"type": "constant", "beta": 0.1}, "free_bits": {"mode": "none"}}
            """;

    static Path config(Path tmp) throws Exception {
        return Files.writeString(tmp.resolve("tiny.json"), TINY);
    }

    static JsonObject resolved(Path run) throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
    }

    @Test
    void seedAndSetReachTheResolvedConfig(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CliRun r = CliRun.of("train", "--config", config(tmp).toString(), "--out", run.toString(), "--seed", "3",
                "--set", "free_bits.mode=per_dim", "--set", "free_bits.lambda=0.05", "--set", "loss=focal");
        assertEquals(0, r.code(), r.err());
        JsonObject c = resolved(run);
        assertEquals(3, c.get("seed").getAsLong());
        assertEquals("focal", c.get("loss").getAsString());
        assertEquals("per_dim", c.getAsJsonObject("free_bits").get("mode").getAsString());
        assertEquals(0.05, c.getAsJsonObject("free_bits").get("lambda").getAsDouble());
    }

    @Test
    void twoSeedsGiveDifferentRunsAndTheSameSeedTheSameRun(@TempDir Path tmp) throws Exception {
        Path cfg = config(tmp);
        for (String[] a : new String[][] {{"a", "3"}, {"b", "3"}, {"c", "4"}}) {
            CliRun r = CliRun.of("train", "--config", cfg.toString(), "--out", tmp.resolve(a[0]).toString(),
                    "--seed", a[1]);
            assertEquals(0, r.code(), r.err());
        }
        String a = recon(tmp.resolve("a")), b = recon(tmp.resolve("b")), c = recon(tmp.resolve("c"));
        assertEquals(a, b);
        assertFalse(a.equals(c), "seed 4 trains like seed 3");
    }

    static String recon(Path run) throws Exception {
        String line = Files.readAllLines(run.resolve("metrics.jsonl")).get(0);
        return JsonParser.parseString(line).getAsJsonObject().get("recon").getAsString();
    }

    @Test
    void anUnknownKeyIsRefusedWithExitCode2NamingItAndTheEdit(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("train", "--config", config(tmp).toString(), "--out", tmp.resolve("r").toString(),
                "--set", "free_bits.lamda=0.1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("free_bits.lamda") && r.err().contains("unknown key")
                && r.err().contains("with free_bits.lamda=0.1"), r.err());
        assertFalse(Files.exists(tmp.resolve("r").resolve("metrics.jsonl")), "nothing is trained");
    }

    @Test
    void aBadValueIsRefusedWithExitCode2NamingTheKeyAndWhatIsAllowed(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("train", "--config", config(tmp).toString(), "--out", tmp.resolve("r").toString(),
                "--set", "loss=mse");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'loss'") && r.err().contains("ce, weighted_ce, focal"), r.err());
        CliRun s = CliRun.of("train", "--config", config(tmp).toString(), "--out", tmp.resolve("r").toString(),
                "--set", "epochs=0");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("'epochs'") && s.err().contains("out of range"), s.err());
    }

    @Test
    void aMalformedSetIsRefusedWithExitCode2(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("train", "--config", config(tmp).toString(), "--out", tmp.resolve("r").toString(),
                "--set", "epochs");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--set 'epochs'") && r.err().contains("key.path=value"), r.err());
    }
}
