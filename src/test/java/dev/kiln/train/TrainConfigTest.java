package dev.kiln.train;

import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {

    static String error(String json) {
        return assertThrows(BadInputException.class, () -> TrainConfig.parse("c.json", json)).getMessage();
    }

    @Test
    void anEmptyObjectGivesTheDocumentedDefaults() {
        TrainConfig c = TrainConfig.parse("c.json", "{}");
        assertEquals(32, c.latentDim());
        assertEquals("constant", c.scheduleType());
        assertEquals("none", c.freeBitsMode());
        assertEquals(c, TrainConfig.parse("again.json", c.toJson().toString()));
    }

    @Test
    void unknownKeysAreRejectedByNameWithTheAllowedOnes() {
        String m = error("{\"epochz\": 3}");
        assertTrue(m.contains("'epochz'") && m.contains("unknown key") && m.contains("epochs"), m);
        m = error("{\"free_bits\": {\"mode\": \"per_dim\", \"lamda\": 0.1}}");
        assertTrue(m.contains("'free_bits.lamda'") && m.contains("lambda"), m);
    }

    @Test
    void wrongTypesAndRangesNameTheKeyAndWhatIsAllowed() {
        String m = error("{\"epochs\": \"ten\"}");
        assertTrue(m.contains("'epochs'") && m.contains("integer"), m);
        m = error("{\"epochs\": 2.5}");
        assertTrue(m.contains("'epochs'"), m);
        m = error("{\"lr\": -1}");
        assertTrue(m.contains("'lr'") && m.contains("allowed"), m);
        m = error("{\"optimizer\": \"rmsprop\"}");
        assertTrue(m.contains("'optimizer'") && m.contains("adam, adamw, sgd"), m);
        m = error("{\"backend\": \"gpu\"}");
        assertTrue(m.contains("'backend'") && m.contains("reference, fast"), m);
        m = error("{\"loss\": \"hinge\"}");
        assertTrue(m.contains("'loss'") && m.contains("weighted_ce") && m.contains("focal"), m);
        m = error("{\"free_bits\": {\"mode\": \"per_dim\", \"lambda\": -0.1}}");
        assertTrue(m.contains("'free_bits.lambda'"), m);
    }

    @Test
    void scheduleErrorsComeFromTheToolkitWithTheKeyPrefixed() {
        String m = error("{\"schedule\": {\"type\": \"exponential\"}}");
        assertTrue(m.contains("'schedule'") && m.contains("ultra_conservative"), m);
        m = error("{\"schedule\": {\"type\": \"linear_warmup\", \"max_beta\": 0.1, \"warmup\": 3}}");
        assertTrue(m.contains("'warmup'") && m.contains("warmup_epochs"), m);
        m = error("{\"schedule\": {\"max_beta\": 0.1}}");
        assertTrue(m.contains("'schedule.type'"), m);
    }

    @Test
    void invalidJsonIsReportedWithTheFileName() {
        String m = error("{\"epochs\": ");
        assertTrue(m.startsWith("c.json"), m);
    }

    @Test
    void everyShippedConfigParses() throws Exception {
        for (String size : CollapseExperiment.SIZES) {
            for (String run : CollapseExperiment.RUNS) {
                TrainConfig c = CollapseExperiment.preset(size, run);
                assertEquals(run, c.name());
            }
        }
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("configs"))) {
            for (var f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                TrainConfig c = TrainConfig.load(f);
                assertEquals(f.getFileName().toString().replace(".json", ""), c.name());
            }
        }
    }
}
