package dev.kiln.lesson;

import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lesson's run-time check of the KL worked example against {@code fixtures/kl_worked_examples.json}. */
class KlWorkedExampleTest {

    @Test
    void theRepositoryFixtureIsFoundAndAgreesWithGaussianKl() {
        List<KlWorkedExample.Row> rows = KlWorkedExample.read(KlWorkedExample.locate()).check();
        assertEquals(3, rows.size(), "T-shirt, sneaker, cheating");
        assertEquals(2.29, rows.get(0).total(), Tolerances.WORKED_EXAMPLE, "the T-shirt, as the lesson quotes it");
        assertEquals(1.469, rows.get(0).perDim()[0], Tolerances.WORKED_EXAMPLE);
        assertEquals(0.816, rows.get(0).perDim()[1], Tolerances.WORKED_EXAMPLE);
        assertEquals(1.597120, rows.get(1).total(), Tolerances.WORKED_EXAMPLE, "the sneaker, μ = [0.5, −0.9], σ = [0.5, 0.3]");
        assertEquals(0.443147, rows.get(1).perDim()[0], Tolerances.WORKED_EXAMPLE, "½(0.25 + 0.25 − 1 − ln 0.25)");
        assertEquals(9.25, rows.get(2).total(), Tolerances.WORKED_EXAMPLE, "the cheating encoder");
    }

    @Test
    void aFixtureThatDisagreesStopsTheLessonNamingTheExampleAndBothNumbers(@TempDir Path tmp) throws IOException {
        String real = Files.readString(KlWorkedExample.FIXTURE);
        Path wrong = Files.writeString(tmp.resolve("kl.json"), real.replace("\"total\": 9.250440", "\"total\": 9.350440"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KlWorkedExample.read(wrong).check());
        assertTrue(e.getMessage().contains("cheating_small_sigma total") && e.getMessage().contains("9.350440")
                && e.getMessage().contains("9.25044"), e.getMessage());
    }

    @Test
    void aMissingOrMalformedFixtureIsALoudError(@TempDir Path tmp) throws IOException {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> KlWorkedExample.read(tmp.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("absent.json"), missing.getMessage());
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"examples\": [");
        assertThrows(IllegalStateException.class, () -> KlWorkedExample.read(bad));
    }
}
