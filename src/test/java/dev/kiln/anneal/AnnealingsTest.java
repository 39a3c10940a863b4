package dev.kiln.anneal;

import com.google.gson.Gson;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnnealingsTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return new Gson().fromJson(text, Map.class);
    }

    private static String error(String type, Map<String, ?> params) {
        return assertThrows(IllegalArgumentException.class, () -> Annealings.create(type, params)).getMessage();
    }

    @Test
    void everyListedTypeBuildsFromAJsonConfig() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("constant", "{\"beta\": 0.5}");
        configs.put("linear_warmup", "{\"warmup_epochs\": 10, \"max_beta\": 0.5}");
        configs.put("ultra_conservative", "{}");
        configs.put("cyclical", "{\"total_epochs\": 40, \"cycles\": 4, \"ratio\": 0.5, \"shape\": \"cosine\"}");
        configs.put("staged", "{\"stages\": [[0, 0], [2, 0.5]], \"interpolate\": true}");
        configs.put("factory", "{}");
        configs.put("sigmoid", "{\"ramp_epochs\": 10}");
        configs.put("cosine", "{\"warmup_epochs\": 5, \"ramp_epochs\": 10, \"max_beta\": 0.2}");
        configs.put("capacity", "{\"ramp_epochs\": 100, \"max_capacity\": 25, \"gamma\": 1000}");
        configs.put("adaptive", "{\"set_point\": 0.05, \"beta_max\": 0.5}");
        configs.put("geco", "{\"target\": 0.3}");
        assertEquals(Annealings.PARAMETERS.keySet(), configs.keySet(), "every type has a config in this test");
        for (Map.Entry<String, String> e : configs.entrySet()) {
            Annealing a = Annealings.create(e.getKey(), json(e.getValue()));
            assertTrue(a.describe().startsWith(a.name() + "(") || e.getKey().equals("factory"), a.describe());
        }
    }

    @Test
    void ultraConservativeDefaultsAreSpec001s() {
        assertEquals(UltraConservative.defaults(), Annealings.create("ultra_conservative", Map.of()));
        assertEquals(new UltraConservative(20, 60, 0.1), UltraConservative.defaults());
    }

    @Test
    void commandLineStringsWorkAsParameterValues() {
        BetaSchedule s = Annealings.schedule("staged", Map.of("stages", "0:0,2:0.5,4:2,8:4", "interpolate", "false"));
        assertEquals(StagedSchedule.factory(), s);
        BetaSchedule c = Annealings.schedule("cyclical", Map.of("total_epochs", "40", "cycles", "2", "shape", "sigmoid"));
        assertEquals(new CyclicalSchedule(40, 2, 0.5, 1.0, RampShape.SIGMOID), c);
    }

    @Test
    void unknownTypeNamesTheAllowedTypes() {
        String m = error("ultra_conservativ", Map.of());
        assertTrue(m.contains("'ultra_conservativ'") && m.contains("ultra_conservative, cyclical"), m);
    }

    @Test
    void unknownParameterNamesItAndTheAllowedOnes() {
        String m = error("cyclical", Map.of("total_epochs", 40, "cycle", 4));
        assertTrue(m.startsWith("cyclical: unknown parameter 'cycle'"), m);
        assertTrue(m.contains("total_epochs, cycles, ratio, max_beta, shape"), m);
    }

    @Test
    void missingRequiredParameterIsNamed() {
        String m = error("adaptive", Map.of());
        assertTrue(m.startsWith("adaptive: parameter 'set_point' is required"), m);
    }

    @Test
    void outOfRangeValuesNameTheParameterAndTheRange() {
        assertTrue(error("cyclical", Map.of("total_epochs", 40, "ratio", 1.5)).contains("ratio must be in (0, 1]"));
        assertTrue(error("cyclical", Map.of("total_epochs", 40, "shape", "square"))
                .contains("shape must be one of linear, sigmoid, cosine"));
        assertTrue(error("cyclical", Map.of("total_epochs", 40, "cycles", 2.5)).contains("'cycles' must be a whole number"));
        assertTrue(error("ultra_conservative", Map.of("max_beta", "NaN")).contains("'max_beta' must be a finite number"));
        assertTrue(error("ultra_conservative", Map.of("max_beta", -1)).contains("max_beta must be a finite number ≥ 0"));
        assertTrue(error("adaptive", Map.of("set_point", 0.05, "beta_min", 2)).contains("beta_max must be > beta_min"));
        assertTrue(error("staged", Map.of("stages", "0:0,2")).contains("stages must be"));
        assertTrue(error("staged", Map.of("stages", "0:0", "interpolate", "maybe")).contains("true or false"));
        assertTrue(error("geco", Map.of("target", 1, "smoothing", 1)).contains("smoothing must be in [0, 1)"));
    }

    @Test
    void scheduleRefusesControllersAndCapacitySayingWhy() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> Annealings.schedule("adaptive", Map.of("set_point", 0.05))).getMessage();
        assertTrue(m.contains("driven by measured metrics") && m.contains("ultra_conservative"), m);
        assertInstanceOf(CapacityAnnealing.class, Annealings.create("capacity", Map.of("ramp_epochs", 10)));
    }

    @Test
    void stagedAcceptsListsOfObjectsToo() {
        Map<String, Object> cfg = json("{\"stages\": [{\"start_epoch\": 0, \"beta\": 0}, {\"start_epoch\": 3, \"beta\": 1}]}");
        StagedSchedule s = (StagedSchedule) Annealings.schedule("staged", cfg);
        assertEquals(List.of(new StagedSchedule.Stage(0, 0), new StagedSchedule.Stage(3, 1)), s.stages());
    }
}
