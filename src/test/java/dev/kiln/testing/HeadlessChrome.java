package dev.kiln.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

/**
 * Debian's headless Chromium driven through Selenium, for the tests of the HTML pages kiln writes
 * (the lesson's explorer, the experiment report). The page is opened from a {@code file://} URL: the
 * pages are self-contained and must work with no network.
 *
 * <p>Where {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing, {@link #start()}
 * skips the test with a message naming the packages to install; {@code .ci/run} installs both, so
 * CI never skips. The flags are the ones this machine needs: no sandbox (root), no GPU, and no
 * background networking (the machine has no network and Chromium's connection attempts fail loudly).
 */
public final class HeadlessChrome implements AutoCloseable {
    public static final Path CHROMIUM = Path.of(System.getProperty("kiln.chromium", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getProperty("kiln.chromedriver", "/usr/bin/chromedriver"));

    public final ChromeDriver driver;
    private final Path profile;

    private HeadlessChrome(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser of the given window size, or skips the calling test if none is installed. */
    public static HeadlessChrome start(int width, int height) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "headless browser tests need Debian's chromium and chromium-driver (apt-get install chromium "
                        + "chromium-driver); not found at " + CHROMIUM + " / " + DRIVER);
        Path profile = Files.createTempDirectory("kiln-chrome-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--allow-file-access-from-files",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new HeadlessChrome(new ChromeDriver(service, options), profile);
    }

    /** Opens a local file. */
    public void open(Path file) {
        driver.get(file.toAbsolutePath().toUri().toString());
    }

    /** The browser console's messages at level SEVERE (errors, uncaught exceptions) since the last call. */
    public List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) out.add(e.getMessage());
        }
        return out;
    }

    /** Saves a PNG screenshot of the viewport to {@code file} (its directory is created). */
    public Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(file, png);
        return file;
    }

    /** Runs JavaScript in the page and returns its result (Selenium's conversions: Long, Double, List, Map). */
    public Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
