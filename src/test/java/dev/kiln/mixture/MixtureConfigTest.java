package dev.kiln.mixture;

import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixtureConfigTest {

    static String message(String json) {
        return assertThrows(BadInputException.class, () -> MixtureConfig.parse("c.json", json)).getMessage();
    }

    @Test
    void everyShippedMixtureConfigParsesAndSurvivesARoundTrip() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("configs", "mixture"))) {
            long n = files.filter(f -> f.toString().endsWith(".json")).peek(f -> {
                assertTrue(MixtureConfig.isMixture(f), f.toString());
                MixtureConfig c = MixtureConfig.load(f);
                MixtureConfig again = MixtureConfig.parse("round trip", c.toJson().toString());
                assertEquals(c.toJson(), again.toJson(), f.toString());
            }).count();
            assertTrue(n >= 3, "expected the curriculum, the all-pots baseline and the ARC config, found " + n);
        }
    }

    @Test
    void theCurriculumAndTheBaselineDifferOnlyInNameAndEnabled() throws Exception {
        var a = MixtureConfig.load(Path.of("configs/mixture/fashion_curriculum.json")).toJson();
        var b = MixtureConfig.load(Path.of("configs/mixture/fashion_all_pots.json")).toJson();
        assertTrue(a.getAsJsonObject("curriculum").get("enabled").getAsBoolean());
        assertFalse(b.getAsJsonObject("curriculum").get("enabled").getAsBoolean());
        a.remove("name");
        b.remove("name");
        a.getAsJsonObject("curriculum").remove("enabled");
        b.getAsJsonObject("curriculum").remove("enabled");
        assertEquals(a, b);
    }

    @Test
    void defaultsAreFilledIn() {
        MixtureConfig c = MixtureConfig.parse("c.json", "{\"model\": \"mixture\"}");
        assertEquals("fashion_mnist", c.dataset());
        assertEquals(RoutingMode.STRAIGHT_THROUGH, c.routing());
        assertEquals(0.0, c.lambda().beta(0), 0.0);
        assertTrue(c.curriculum().enabled());
        assertEquals(PotCurriculum.NewPot.SPLIT, c.curriculum().newPot());
        assertTrue(c.temperature().at(100) < c.temperature().at(0));
    }

    @Test
    void badValuesAreRefusedWithTheKeyAndWhatIsAllowed() {
        assertTrue(message("{\"model\": \"mixture\", \"routing\": \"hard\"}").contains("key 'routing'"));
        assertTrue(message("{\"model\": \"mixture\", \"routing\": \"hard\"}").contains("straight_through"));
        String lambda = message("{\"model\": \"mixture\", \"prior\": {\"lambda\": {\"type\": \"constant\", \"beta\": 0.5}}}");
        assertTrue(lambda.contains("key 'prior.lambda'") && lambda.contains("anneal from 0"), lambda);
        String kick = message("{\"model\": \"mixture\", \"curriculum\": {\"kick\": {\"lambda_scale\": 2}}}");
        assertTrue(kick.contains("curriculum.kick.lambda_scale"), kick);
        String unknown = message("{\"model\": \"mixture\", \"curriculum\": {\"patients\": 2}}");
        assertTrue(unknown.contains("curriculum.patients") && unknown.contains("patience"), unknown);
        String tau = message("{\"model\": \"mixture\", \"temperature\": {\"start\": 0.5, \"end\": 1.0}}");
        assertTrue(tau.contains("key 'temperature'"), tau);
        assertTrue(message("{\"name\": \"x\"}").contains("key 'model'"));
        assertTrue(message("{\"model\": \"mixture\", \"dataset\": \"mnist\"}").contains("fashion_mnist, arc, synthetic"));
        String sgd = message("{\"model\": \"mixture\", \"optimizer\": \"sgd\"}");
        assertTrue(sgd.contains("key 'optimizer'") && sgd.contains("allowed: adam, adamw"), sgd);
        String momentum = message("{\"model\": \"mixture\", \"momentum\": 0.5}");
        assertTrue(momentum.contains("'momentum'") && momentum.contains("unknown key"), momentum);
    }

    @Test
    void theModelKeySelectsTheTrainer(@TempDir Path tmp) throws Exception {
        Path arc = tmp.resolve("arc.json"), mixture = tmp.resolve("m.json"), other = tmp.resolve("o.json");
        Files.writeString(arc, "{\"epochs\": 2}");
        Files.writeString(mixture, "{\"model\": \"mixture\"}");
        Files.writeString(other, "{\"model\": \"vae\"}");
        assertFalse(MixtureConfig.isMixture(arc));
        assertTrue(MixtureConfig.isMixture(mixture));
        String m = assertThrows(BadInputException.class, () -> MixtureConfig.isMixture(other)).getMessage();
        assertTrue(m.contains("key 'model'") && m.contains("mixture"), m);
    }
}
