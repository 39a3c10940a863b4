package dev.kiln.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.anneal.UltraConservative;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleCommandTest {

    @Test
    void ultraConservativeJsonHasBetaAtTheStartOfEachEpoch() {
        CliRun r = CliRun.of("schedule", "--type", "ultra_conservative", "--epochs", "100", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = new Gson().fromJson(r.out(), JsonObject.class);
        JsonArray beta = o.getAsJsonArray("beta");
        assertEquals(100, beta.size());
        UltraConservative s = UltraConservative.defaults();
        for (int e = 0; e < 100; e++) assertEquals(s.beta(e), beta.get(e).getAsDouble(), 0.0, "epoch " + e);
        assertEquals(0.0, beta.get(20).getAsDouble());
        assertEquals(0.05, beta.get(50).getAsDouble(), 1e-15);
        assertEquals(0.1, beta.get(80).getAsDouble());
    }

    @Test
    void parametersOverrideTheDefaults() {
        CliRun r = CliRun.of("schedule", "--type", "ultra_conservative", "--epochs", "4", "--param", "warmup_epochs=1",
                "--param", "ramp_epochs=2", "--param", "max_beta=0.4", "--json");
        assertEquals("{\"beta\":[0.0,0.0,0.2,0.4]}", r.out().trim());
    }

    @Test
    void factoryPresetAsCsv() {
        CliRun r = CliRun.of("schedule", "--type", "factory", "--epochs", "10", "--csv");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().trim().split("\\R");
        assertEquals("epoch,beta", lines[0]);
        assertEquals(11, lines.length);
        assertEquals("2,0.5", lines[3]);
        assertEquals("9,4.0", lines[10]);
    }

    @Test
    void cyclicalTakesTotalEpochsFromEpochs() {
        CliRun r = CliRun.of("schedule", "--type", "cyclical", "--epochs", "8", "--param", "cycles=2", "--json");
        assertEquals("{\"beta\":[0.0,0.5,1.0,1.0,0.0,0.5,1.0,1.0]}", r.out().trim());
        CliRun table = CliRun.of("schedule", "--type", "cyclical", "--epochs", "8");
        assertTrue(table.out().startsWith("cyclical(total_epochs=8, cycles=4"), table.out());
    }

    @Test
    void plotIsWrittenAsAPngWithNoTemporaryFileLeft(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("beta.png");
        CliRun r = CliRun.of("schedule", "--type", "ultra_conservative", "--epochs", "100", "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        byte[] head = new byte[4];
        System.arraycopy(Files.readAllBytes(png), 0, head, 0, 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the PNG remains");
        }
    }

    @Test
    void plotIntoAMissingDirectoryExitsTwo(@TempDir Path dir) {
        CliRun r = CliRun.of("schedule", "--type", "factory", "--epochs", "3", "--plot",
                dir.resolve("nope").resolve("b.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--plot"), r.err());
    }

    @Test
    void badArgumentsExitTwoNamingTheArgumentAndTheAllowedValues() {
        CliRun unknown = CliRun.of("schedule", "--type", "ultra", "--epochs", "10");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown schedule type 'ultra'")
                && unknown.err().contains("constant, linear_warmup, ultra_conservative"), unknown.err());

        CliRun param = CliRun.of("schedule", "--type", "cyclical", "--epochs", "10", "--param", "ratio=NaN");
        assertEquals(2, param.code());
        assertTrue(param.err().contains("'ratio' must be a finite number"), param.err());

        CliRun unknownParam = CliRun.of("schedule", "--type", "factory", "--epochs", "10", "--param", "max_beta=1");
        assertEquals(2, unknownParam.code());
        assertTrue(unknownParam.err().contains("unknown parameter 'max_beta'"), unknownParam.err());

        CliRun controller = CliRun.of("schedule", "--type", "adaptive", "--epochs", "10");
        assertEquals(2, controller.code());
        assertTrue(controller.err().contains("driven by measured metrics"), controller.err());

        assertEquals(2, CliRun.of("schedule", "--type", "factory", "--epochs", "0").code());
        assertEquals(2, CliRun.of("schedule", "--type", "factory", "--epochs", "3", "--json", "--csv").code());
    }
}
