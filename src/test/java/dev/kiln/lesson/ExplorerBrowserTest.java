package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.HeadlessChrome;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lesson's {@code explorer.html} in a real browser (Debian's headless Chromium): the page is
 * built from small models trained here (synthetic shapes, 2-D latent, a decoder 2 → 16 → 32 → 784
 * so that the page's loop over layers is exercised beyond one hidden layer), then driven as a
 * student would: toggle, slider, clicks, a drag, sampling. After each, the pixels the page decoded
 * are read back and compared with kiln's Java decoder ({@link Figures#decode}) for the same z.
 * Screenshots go to {@code target/explorer-screenshots/}.
 */
class ExplorerBrowserTest {
    static final int TRAIN = 300, TEST = 120, EPOCHS = 2;
    static final int[] HIDDEN = {32, 16};
    static final double[] BETAS = {0, 1, 5};
    static final double FIT_AXIS = 3.0;
    static final Path SHOTS = Path.of("target", "explorer-screenshots");

    static Path page;
    static final Map<String, Vae> byKey = new LinkedHashMap<>();
    static double axis;
    static HeadlessChrome chrome;

    @BeforeAll
    static void buildThePageAndOpenIt() throws IOException {
        FashionMnist train = SyntheticShapes.generate(TRAIN, 3), test = SyntheticShapes.generate(TEST, 4);
        LessonData data = new LessonData(train, test, "synthetic shapes", "synthetic shapes", SyntheticShapes.CLASS_NAMES);
        Training.Settings settings = new Training.Settings(EPOCHS, 32, 1e-3f);
        LessonModels encoder = new LessonModels(data, settings, 1, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        List<Explorer.Entry> entries = new ArrayList<>();
        int[] labels = null;
        List<Double> betas = new ArrayList<>();
        betas.add(null);                                                       // the autoencoder
        for (double b : BETAS) betas.add(b);
        for (Double beta : betas) {
            Objective objective = beta == null ? Objective.autoencoder() : Objective.vae(beta);
            Vae vae = Architectures.mlp(FashionMnist.PIXELS, HIDDEN, 2, new Rng(11));
            new Training(vae, objective, settings).run(train, new Rng(12), e -> {});
            LessonModels.Encoded e = encoder.encode(vae, TEST, 0);
            labels = e.labels();
            String key = beta == null ? "ae" : "vae_" + Objective.showBeta(beta);
            byKey.put(key, vae);
            entries.add(new Explorer.Entry(key, Explorer.label(beta), beta, vae, e.mu(),
                    beta == null ? null : e.sigma(), new Explorer.Stats(500, beta == null ? Double.NaN : 3, 0.1,
                    beta == null ? Double.NaN : 0.5), FIT_AXIS));
        }
        axis = 4.0;
        page = Files.createTempDirectory("kiln-explorer-").resolve(Explorer.FILE);
        Explorer.write(page, "explorer test", entries, labels, SyntheticShapes.CLASS_NAMES, axis, 7);
        chrome = HeadlessChrome.start(1400, 1200);          // the whole map in view: Selenium aims at its visible centre
    }

    @AfterAll
    static void closeTheBrowser() throws IOException {
        if (chrome != null) chrome.close();
    }

    @Test
    void clickingTogglingAndSlidingDecodeWhatKilnsDecoderDecodes() throws IOException {
        chrome.open(page);                                                     // each test starts from a fresh load
        assertEquals(List.of(), chrome.consoleErrors(), "console errors on load");
        assertEquals("vae_1", js("return kilnExplorer.model()"), "the page opens on the VAE at β = 1");

        clickAt(0, 0);
        assertDecodesLikeKiln("vae_1", 0, 0);
        clickAt(1.5, -2.0);
        assertDecodesLikeKiln("vae_1", 1.5, -2.0);
        chrome.screenshot(SHOTS.resolve("1_vae_beta_1.png"));

        chrome.driver.findElement(By.id("mode-ae")).click();
        assertEquals("ae", js("return kilnExplorer.model()"));
        assertDecodesLikeKiln("ae", 1.5, -2.0);                              // the same z, the other decoder
        clickAt(-3.1, 2.4);
        assertDecodesLikeKiln("ae", -3.1, 2.4);
        chrome.screenshot(SHOTS.resolve("2_autoencoder.png"));

        chrome.driver.findElement(By.id("mode-vae")).click();
        WebElement slider = chrome.driver.findElement(By.id("beta"));
        slider.sendKeys(Keys.ARROW_RIGHT);                                    // β = 1 → 5
        assertEquals("vae_5", js("return kilnExplorer.model()"));
        assertDecodesLikeKiln("vae_5", -3.1, 2.4);
        slider.sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT);                    // → β = 0
        assertEquals("vae_0", js("return kilnExplorer.model()"));
        clickAt(0.6, 0.3);
        assertDecodesLikeKiln("vae_0", 0.6, 0.3);
        chrome.screenshot(SHOTS.resolve("3_vae_beta_0.png"));
        assertEquals(List.of(), chrome.consoleErrors(), "console errors while interacting");
    }

    @Test
    void draggingDecodesAlongThePathAndEndsWhereThePointerStops() {
        chrome.open(page);
        WebElement map = chrome.driver.findElement(By.id("map"));
        long[] from = offset(-1, -1), to = offset(2, 1.5);
        new Actions(chrome.driver).moveToElement(map, (int) from[0], (int) from[1]).clickAndHold()
                .moveByOffset((int) (to[0] - from[0]) / 2, (int) (to[1] - from[1]) / 2)
                .moveByOffset((int) (to[0] - from[0]) - (int) (to[0] - from[0]) / 2,
                        (int) (to[1] - from[1]) - (int) (to[1] - from[1]) / 2)
                .release().perform();
        assertDecodesLikeKiln(String.valueOf(js("return kilnExplorer.model()")), 2, 1.5);
        assertEquals(List.of(), chrome.consoleErrors());
    }

    @Test
    void samplingIsSeededDecodedAndTheSameAfterAReload() throws IOException {
        chrome.open(page);
        chrome.driver.findElement(By.id("sample")).click();
        chrome.driver.findElement(By.id("sample")).click();
        List<?> first = (List<?>) js("return kilnExplorer.samples()");
        assertEquals(2, first.size());
        List<?> last = (List<?>) first.get(1);
        double z1 = ((Number) last.get(0)).doubleValue(), z2 = ((Number) last.get(1)).doubleValue();
        assertDecodesLikeKiln("vae_1", z1, z2);
        chrome.screenshot(SHOTS.resolve("4_samples.png"));
        chrome.open(page);
        chrome.driver.findElement(By.id("sample")).click();
        chrome.driver.findElement(By.id("sample")).click();
        assertEquals(first, js("return kilnExplorer.samples()"), "the same samples after a reload");
        assertEquals(List.of(), chrome.consoleErrors());
    }

    @Test
    void theDecodedCanvasShowsTheDecodedPixels() {
        chrome.open(page);
        clickAt(0.4, -0.8);
        List<?> pixels = (List<?>) js("return kilnExplorer.pixels()");
        List<?> shown = (List<?>) js("""
                const c = document.getElementById('decoded').getContext('2d').getImageData(0, 0, 28, 28).data;
                const grey = []; for (let p = 0; p < 784; p++) grey.push(c[4 * p]); return grey;""");
        assertEquals(784, shown.size());
        for (int p = 0; p < 784; p++) {
            long want = Math.round(255 * ((Number) pixels.get(p)).doubleValue());
            assertEquals(want, ((Number) shown.get(p)).longValue(), "canvas pixel " + p);
        }
    }

    @Test
    void theViewOptionsRedrawAndFitTheAxesToOneModelOnlyWhenAsked() throws IOException {
        chrome.open(page);
        assertEquals(axis, ((Number) js("return kilnExplorer.axis()")).doubleValue(), 0, "the shared axes first");
        chrome.driver.findElement(By.id("fit")).click();
        assertEquals(FIT_AXIS, ((Number) js("return kilnExplorer.axis()")).doubleValue(), 0);
        clickAt(1, 1);                                                         // the mapping follows the view
        assertDecodesLikeKiln("vae_1", 1, 1);
        for (String id : new String[] {"show-density", "show-clouds", "show-points"}) {
            chrome.driver.findElement(By.id(id)).click();
        }
        chrome.screenshot(SHOTS.resolve("5_fit_no_layers.png"));
        chrome.driver.findElement(By.id("fit")).click();
        assertEquals(axis, ((Number) js("return kilnExplorer.axis()")).doubleValue(), 0);
        assertEquals(List.of(), chrome.consoleErrors());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Clicks the map where the page draws z = (x, y). */
    static void clickAt(double x, double y) {
        long[] o = offset(x, y);
        new Actions(chrome.driver).moveToElement(chrome.driver.findElement(By.id("map")), (int) o[0], (int) o[1])
                .click().perform();
    }

    /** The offset from the map's centre (Selenium's origin) of the point the page draws at z = (x, y). */
    static long[] offset(double x, double y) {
        List<?> xy = (List<?>) js("return kilnExplorer.toCanvas(arguments[0], arguments[1])", x, y);
        WebElement map = chrome.driver.findElement(By.id("map"));
        double scale = map.getRect().getWidth() / ((Number) js("return document.getElementById('map').width")).doubleValue();
        double cx = ((Number) xy.get(0)).doubleValue() * scale, cy = ((Number) xy.get(1)).doubleValue() * scale;
        return new long[] {Math.round(cx - map.getRect().getWidth() / 2.0), Math.round(cy - map.getRect().getHeight() / 2.0)};
    }

    /**
     * The page's current z is (x, y) to within two screen pixels, and the pixels it decoded match
     * kiln's Java decoder for that exact z (the page's float32 value) within
     * {@link Tolerances#EXPLORER_PIXEL}.
     */
    static void assertDecodesLikeKiln(String key, double x, double y) {
        assertEquals(key, js("return kilnExplorer.model()"));
        List<?> z = (List<?>) js("return kilnExplorer.z()");
        assertNotNull(z, "no z decoded");
        float z1 = ((Number) z.get(0)).floatValue(), z2 = ((Number) z.get(1)).floatValue();
        double pixel = 2 * ((Number) js("return kilnExplorer.axis()")).doubleValue() / 532;   // latent units per canvas pixel
        assertEquals(x, z1, 3 * pixel, "z₁ of the click");
        assertEquals(y, z2, 3 * pixel, "z₂ of the click");
        List<?> pixels = (List<?>) js("return kilnExplorer.pixels()");
        Tensor code = Tensor.zeros(1, 2);
        code.data[0] = z1;
        code.data[1] = z2;
        float[] want = Figures.decode(byKey.get(key), code);                  // [1, 784]
        assertEquals(want.length, pixels.size());
        double worst = 0;
        for (int p = 0; p < want.length; p++) {
            worst = Math.max(worst, Math.abs(((Number) pixels.get(p)).doubleValue() - want[p]));
        }
        assertTrue(worst <= Tolerances.EXPLORER_PIXEL, key + " at z = (" + z1 + ", " + z2 + "): the page's pixels "
                + "differ from kiln's decoder by up to " + worst);
        double spread = 0;                                                     // the image is not constant
        for (float v : want) spread = Math.max(spread, Math.abs(v - want[0]));
        assertTrue(spread > 1e-3, "a constant decoded image proves little: " + key);
    }

    static Object js(String script, Object... args) {
        return chrome.js(script, args);
    }
}
