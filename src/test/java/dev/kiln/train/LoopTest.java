package dev.kiln.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.kiln.monitor.LossShares;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopTest {

    @Test
    void theConsoleLineLabelsEachValueWithItsMetricsKeyAndSkipsAbsentKeys() {
        JsonObject line = new JsonObject();
        line.addProperty("epoch", 3);
        line.addProperty("beta", 0.1);
        line.addProperty("free_bits_verdict", "watch");
        JsonArray usage = new JsonArray();
        usage.add(0.75);
        usage.add(0.25);
        line.add("usage", usage);
        JsonObject event = new JsonObject();
        event.addProperty("type", "unlock");
        event.addProperty("pot", 2);
        line.add("event", event);
        line.add("nmi", JsonNull.INSTANCE);
        assertEquals("epoch 3  beta 0.1000  free_bits_verdict watch  usage [0.75 0.25]  event unlock(pot 2)  nmi null",
                Loop.format(line, List.of("epoch", "beta", "kl_raw", "free_bits_verdict", "usage", "event", "nmi")));
    }

    @Test
    void lossSharesAreLoggedWithTheHealthOfBandedTermsOnly() {
        JsonObject line = new JsonObject();
        // seed 003's example: answer 0.3, KL 0.3, teacher 0.015 of a total of 0.615: teacher 2.4 %, below 3–10 %
        Loop.addShares(line, List.of(new Loop.Term("answer", 0.3 * 1.0, null), new Loop.Term("kl", 0.1 * 3.0, null),
                new Loop.Term("teacher", 0.05 * 0.3, LossShares.TEACHER_BAND)));
        assertEquals(100 * 0.3 / 0.615, line.get("share_answer_pct").getAsDouble(), 1e-9);
        assertEquals(2.4, Math.round(line.get("share_teacher_pct").getAsDouble() * 10) / 10.0);
        assertEquals("below_band", line.get("share_teacher_health").getAsString());
        assertTrue(!line.has("share_answer_health") && !line.has("share_kl_health"));
    }

    @Test
    void aNegativeTermMakesEveryShareUndefinedInsteadOfStoppingTheRun() {
        JsonObject line = new JsonObject();
        Loop.addShares(line, List.of(new Loop.Term("recon", 40, null),
                new Loop.Term("penalty", -3, LossShares.TEACHER_BAND)));
        assertTrue(Double.isNaN(line.get("share_recon_pct").getAsDouble()));
        assertEquals("undefined", line.get("share_penalty_health").getAsString());
    }
}
