package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.nn.Linear;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.Tanh;
import dev.kiln.rand.Rng;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code explorer.html} is built, without a browser ({@link ExplorerBrowserTest} runs it). */
class ExplorerTest {

    @Test
    void floatsAreWrittenLittleEndianAsThePageReadsThem() {
        // 1.0f = 0x3F800000 → bytes 00 00 80 3F; −2.5f = 0xC0200000 → 00 00 20 C0
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0x20, (byte) 0xC0},
                Base64.getDecoder().decode(Explorer.base64(new float[] {1f, -2.5f})));
    }

    @Test
    void theDecoderLayersAreTheModelsOwnLinearLayersInOrder() {
        Vae vae = Architectures.mlp(FashionMnist.PIXELS, new int[] {12, 5}, 2, new Rng(3));
        List<Explorer.Dense> layers = Explorer.decoderLayers(vae);
        assertEquals(3, layers.size(), "2 → 5 → 12 → 784");
        int[][] shapes = {{2, 5}, {5, 12}, {12, FashionMnist.PIXELS}};
        Sequential decoder = (Sequential) vae.decoder();
        for (int l = 0; l < 3; l++) {
            assertEquals(shapes[l][0], layers.get(l).in());
            assertEquals(shapes[l][1], layers.get(l).out());
            Linear lin = (Linear) decoder.layers().get(2 * l);
            assertArrayEquals(lin.weight().value.data, layers.get(l).weight());
            assertArrayEquals(lin.bias().value.data, layers.get(l).bias());
        }
    }

    @Test
    void aDecoderThePageCannotRunIsRefused() {
        Rng rng = new Rng(5);
        Vae tanh = new Vae(new Sequential(new Linear(FashionMnist.PIXELS, 8, rng), new ReLU()), 8, 2,
                new Sequential(new Linear(2, 8, rng), new Tanh(), new Linear(8, FashionMnist.PIXELS, rng)), rng);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Explorer.decoderLayers(tanh));
        assertTrue(e.getMessage().contains("Linear, ReLU"), e.getMessage());
        Vae reluLast = new Vae(new Sequential(new Linear(FashionMnist.PIXELS, 8, rng), new ReLU()), 8, 2,
                new Sequential(new Linear(2, FashionMnist.PIXELS, rng), new ReLU()), rng);
        assertThrows(IllegalArgumentException.class, () -> Explorer.decoderLayers(reluLast));
    }

    @Test
    void thePageIsSelfContainedAndHoldsEveryModel() {
        Rng rng = new Rng(9);
        Vae ae = Architectures.mlp(FashionMnist.PIXELS, new int[] {4}, 2, rng);
        Vae vae = Architectures.mlp(FashionMnist.PIXELS, new int[] {4}, 2, rng);
        float[] mu = {0.5f, -1f, 2f, 0f}, sigma = {0.1f, 0.2f, 0.3f, 0.4f};      // [2, 2]
        Explorer.Stats stats = new Explorer.Stats(200, Double.NaN, 0.5, Double.NaN);
        String page = Explorer.html("t </script> t", List.of(
                new Explorer.Entry("ae_2", "autoencoder", null, ae, mu, null, stats, 3),
                new Explorer.Entry("vae_2", "VAE, β = 1", 1.0, vae, mu, sigma, stats, 3)),
                new int[] {3, 7}, SyntheticShapes.CLASS_NAMES, 4, 1);
        assertFalse(page.contains("@KILN_DATA@"));
        assertFalse(page.contains("http://") || page.contains("https://"), "no network address in the page");
        assertFalse(page.contains(" src="), "no external script or image");
        assertEquals(2, count(page, "</script>"), "a title holding </script> must not end the data element");
        assertTrue(page.contains("\"key\":\"ae_2\"") && page.contains("\"key\":\"vae_2\""));
        assertTrue(page.contains("\"sigma\":null") && page.contains("\"beta\":null"), "the autoencoder's nulls are kept");
        assertTrue(page.contains(Explorer.base64(mu)));
    }

    @Test
    void codesThatDoNotMatchTheLabelsAreRefused() {
        Vae vae = Architectures.mlp(FashionMnist.PIXELS, new int[] {4}, 2, new Rng(1));
        Explorer.Stats stats = new Explorer.Stats(1, 1, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> Explorer.html("t", List.of(
                new Explorer.Entry("v", "v", 1.0, vae, new float[6], new float[6], stats, 3)),
                new int[2], SyntheticShapes.CLASS_NAMES, 3, 1));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + 1)) n++;
        return n;
    }
}
