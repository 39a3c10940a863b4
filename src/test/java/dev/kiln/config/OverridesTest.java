package dev.kiln.config;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverridesTest {
    static final JsonObject BASE = JsonParser.parseString("""
            {"name": "n", "lr": 0.001, "loss": "ce", "free_bits": {"mode": "none"}, "schedule": {"type": "constant", "beta": 0}}
            """).getAsJsonObject();

    static JsonObject apply(String... sets) {
        List<Overrides.Override> list = new java.util.ArrayList<>();
        for (String s : sets) list.add(Overrides.parse("--set", s));
        return Overrides.apply(BASE, list);
    }

    @Test
    void numbersBooleansObjectsAndQuotedStringsAreReadAsJsonAndTheRestAsStrings() {
        JsonObject o = apply("lr=0.003", "loss=focal", "name=\"12\"", "epochs=7", "flag=true",
                "schedule={\"type\": \"linear_warmup\", \"warmup_epochs\": 2, \"max_beta\": 0.5}");
        assertEquals(0.003, o.get("lr").getAsDouble());
        assertTrue(o.get("lr").getAsJsonPrimitive().isNumber());
        assertEquals("focal", o.get("loss").getAsString());
        assertTrue(o.get("name").getAsJsonPrimitive().isString());
        assertEquals("12", o.get("name").getAsString());
        assertEquals(7, o.get("epochs").getAsInt());
        assertTrue(o.get("flag").getAsBoolean());
        assertEquals("linear_warmup", o.getAsJsonObject("schedule").get("type").getAsString());
        assertFalse(o.getAsJsonObject("schedule").has("beta"), "an object value replaces the whole object");
    }

    @Test
    void aDottedPathEditsOneKeyOfANestedObjectAndCreatesMissingObjects() {
        JsonObject o = apply("free_bits.lambda=0.1", "collapse.patience=3");
        assertEquals("none", o.getAsJsonObject("free_bits").get("mode").getAsString());
        assertEquals(0.1, o.getAsJsonObject("free_bits").get("lambda").getAsDouble());
        assertEquals(3, o.getAsJsonObject("collapse").get("patience").getAsInt());
    }

    @Test
    void nullRemovesTheKeyAndLaterEditsWin() {
        JsonObject o = apply("lr=null", "loss=weighted_ce", "loss=focal");
        assertFalse(o.has("lr"));
        assertEquals("focal", o.get("loss").getAsString());
    }

    @Test
    void theBaseIsNotChanged() {
        apply("lr=5");
        assertEquals(0.001, BASE.get("lr").getAsDouble());
    }

    @Test
    void aPathThroughANonObjectIsRefusedNamingIt() {
        BadInputException e = assertThrows(BadInputException.class, () -> apply("lr.x=1"));
        assertTrue(e.getMessage().contains("'lr'") && e.getMessage().contains("not an object"), e.getMessage());
    }

    @Test
    void malformedArgumentsAreRefusedWithTheExpectedForm() {
        for (String bad : new String[] {"lr", "=3", "a..b=1", "a b=1"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> Overrides.parse("--set", bad), bad);
            assertTrue(e.getMessage().startsWith("--set '" + bad + "'"), e.getMessage());
        }
        for (String noKey : new String[] {"lr", "=3"}) {      // no '=' at all, or nothing before it
            String m = assertThrows(BadInputException.class, () -> Overrides.parse("--set", noKey)).getMessage();
            assertTrue(m.contains("expected key.path=value"), m);
        }
        BadInputException e = assertThrows(BadInputException.class, () -> Overrides.parse("--set", "s={\"a\": }"));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void aPlansSetObjectGivesTheSameEditsAsTheCommandLine() {
        JsonObject set = JsonParser.parseString("{\"free_bits.lambda\": 0.1, \"loss\": \"focal\"}").getAsJsonObject();
        List<Overrides.Override> fromPlan = Overrides.fromObject("plan.json", set);
        List<Overrides.Override> fromCli = Overrides.parseAll("--set", List.of("free_bits.lambda=0.1", "loss=focal"));
        assertEquals(List.of("free_bits.lambda", "loss"), fromPlan.stream().map(Overrides.Override::key).toList());
        assertEquals(fromCli.size(), fromPlan.size());
        assertEquals(Overrides.apply(BASE, fromCli), Overrides.apply(BASE, fromPlan));
        assertEquals(0.1, Overrides.apply(BASE, fromPlan).getAsJsonObject("free_bits").get("lambda").getAsDouble());
        String m = assertThrows(BadInputException.class, () -> Overrides.fromObject("plan.json",
                JsonParser.parseString("{\"a..b\": 1}").getAsJsonObject())).getMessage();
        assertTrue(m.startsWith("plan.json: key 'a..b'"), m);
    }

    @Test
    void readObjectReadsAConfigTreeAndNamesAMissingFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path f = tmp.resolve("c.json");
        java.nio.file.Files.writeString(f, "{\"lr\": 0.5}");
        assertEquals(0.5, Overrides.readObject(f).get("lr").getAsDouble());
        BadInputException e = assertThrows(BadInputException.class, () -> Overrides.readObject(tmp.resolve("none.json")));
        assertTrue(e.getMessage().contains("none.json"), e.getMessage());
    }

    @Test
    void anEmptyValueIsTheEmptyString() {
        assertEquals("", apply("name=").get("name").getAsString());
    }

    @Test
    void theSourceNamesEveryEdit() {
        assertEquals("c.json with lr=1, seed=4",
                Overrides.describe("c.json", List.of(Overrides.parse("--set", "lr=1"), Overrides.seed(4))));
        assertEquals("c.json", Overrides.describe("c.json", List.of()));
    }
}
