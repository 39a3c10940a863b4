package dev.kiln.mixture;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixturePlotsTest {
    static PotCurriculum.Config curriculum(int pots, boolean enabled) {
        return new PotCurriculum.Config(pots, enabled, PotCurriculum.Trigger.PLATEAU, 3, 0.01, 0.0, 1,
                new PotCurriculum.Kick(1, 2, 1, 0.5), PotCurriculum.NewPot.SPLIT, 2);
    }

    static JsonObject line(int epoch, String event) {
        return JsonParser.parseString("{\"epoch\": " + epoch + ", \"event\": " + event + "}").getAsJsonObject();
    }

    @Test
    void aCurriculumRunThatNeverUnlockedAPotIsWarnedAboutNamingTheTrigger() {
        List<JsonObject> none = List.of(line(1, "null"), line(2, "null"), line(3, "{\"type\": \"stop\"}"));
        String w = MixturePlots.neverUnlocked(none, curriculum(4, true));
        assertTrue(w != null && w.contains("no pot was ever unlocked in 3 epochs") && w.contains("curriculum.patience = 3"), w);
        List<JsonObject> one = List.of(line(1, "null"), line(2, "{\"type\": \"unlock\", \"pot\": 1}"));
        assertNull(MixturePlots.neverUnlocked(one, curriculum(4, true)));
        assertNull(MixturePlots.neverUnlocked(none, curriculum(4, false)), "all pots open from the start");
        assertNull(MixturePlots.neverUnlocked(none, curriculum(1, true)), "nothing to unlock");
    }

    @Test
    void rowLabelsNameEachOpenPotItsUsageAndItsMajorityLabel() {
        boolean[] active = {true, false, true};
        ChannelStats.Usage usage = new ChannelStats.Usage(new double[] {0.75, 0, 0.25}, new double[3], 0.9, 0.1);
        assertEquals(List.of("pot 0\nusage 0.75", "pot 2\nusage 0.25"), MixturePlots.rowLabels(active, usage, null, null));
        long[][] table = {{1, 6, 2}, {0, 0, 0}, {0, 0, 0}};
        ChannelStats.Purity purity = new ChannelStats.Purity(table, new int[] {1, -1, -1}, 0.6, 0.2);
        MixtureData names = new MixtureData() {
            public int size() { return 0; }
            public int inputSize() { return 0; }
            public Likelihood likelihood() { return null; }
            public MixtureBatch batch(int[] indices) { return null; }
            public int labelCount() { return 3; }
            public String labelName(int k) { return new String[] {"T-shirt", "Trouser", "Pullover"}[k]; }
        };
        assertEquals(List.of("pot 0\nusage 0.75\nTrouser 67%", "pot 2\nusage 0.25\nno samples"),
                MixturePlots.rowLabels(active, usage, purity, names));
    }
}
