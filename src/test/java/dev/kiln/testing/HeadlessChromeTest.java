package dev.kiln.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser harness itself: it must see an uncaught error, and see none on a clean page. */
class HeadlessChromeTest {

    @Test
    void reportsUncaughtErrorsAndNothingOnACleanPage(@TempDir Path tmp) throws Exception {
        Path clean = Files.writeString(tmp.resolve("clean.html"),
                "<!doctype html><meta charset=utf-8><title>t</title><p id=p>ok</p><script>document.title='ran'</script>");
        Path broken = Files.writeString(tmp.resolve("broken.html"),
                "<!doctype html><meta charset=utf-8><title>t</title><script>undefinedFunction()</script>");
        try (HeadlessChrome chrome = HeadlessChrome.start(800, 600)) {
            chrome.open(clean);
            assertEquals("ran", chrome.driver.getTitle());
            assertEquals(0, chrome.consoleErrors().size());
            chrome.open(broken);
            assertTrue(chrome.consoleErrors().stream().anyMatch(m -> m.contains("undefinedFunction")));
        }
    }
}
