package dev.kiln.cli;

import dev.kiln.testing.HeadlessChrome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepCommandTest {

    static Path sweep(Path tmp) throws Exception {
        Path cfg = Files.writeString(tmp.resolve("tiny.json"), TrainCommandTest.TINY.replace("\"epochs\": 1", "\"epochs\": 2"));
        Path out = tmp.resolve("sweep");
        CliRun r = CliRun.of("sweep", "--config", cfg.toString(), "--grid", "loss=ce,weighted_ce", "--seeds", "1,2",
                "--workers", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        return out;
    }

    @Test
    void aGridSweepWritesOneRunPerPointAndItsSummary(@TempDir Path tmp) throws Exception {
        Path out = sweep(tmp);
        for (String d : new String[] {"loss=ce/seed_1", "loss=ce/seed_2", "loss=weighted_ce/seed_1", "loss=weighted_ce/seed_2"}) {
            assertTrue(Files.exists(out.resolve(d).resolve("summary.json")), d);
        }
        for (String f : new String[] {"sweep.json", "comparison.md", "comparison.json", "runs.csv", "metrics.csv",
                "beta.png", "kl_per_dim.png", "non_black_acc.png", "report.html"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String md = Files.readString(out.resolve("comparison.md"));
        assertTrue(md.contains("| loss=ce | 2 |") && md.contains("| loss=weighted_ce | 2 |"), md);

        CliRun again = CliRun.of("sweep", "--config", tmp.resolve("tiny.json").toString(), "--grid", "loss=ce,weighted_ce",
                "--seeds", "1,2", "--out", out.toString(), "--shard", "1/2");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("this process: 2 (shard 1/2)") && again.out().contains("skipped"), again.out());

        CliRun compare = CliRun.of("compare", out.resolve("loss=ce").toString(), out.resolve("loss=weighted_ce/seed_1").toString());
        assertEquals(0, compare.code(), compare.err());
        assertTrue(compare.out().contains("| loss=ce | 2 |") && compare.out().contains("| loss=weighted_ce | 1 |"),
                compare.out());
    }

    @Test
    void theReportLoadsInAHeadlessBrowserWithEveryImageOnPhoneAndLaptop(@TempDir Path tmp) throws Exception {
        Path out = sweep(tmp);
        Path shots = Path.of("target", "report-screenshots");
        for (int[] size : new int[][] {{390, 844}, {1280, 900}}) {
            try (HeadlessChrome chrome = HeadlessChrome.start(size[0], size[1])) {
                chrome.open(out.resolve("report.html"));
                assertEquals(List.of(), chrome.consoleErrors());
                long images = (Long) chrome.js("return document.images.length");
                assertEquals(3 + 2, images, "three plots and one strip per configuration");
                long broken = (Long) chrome.js("return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length");
                assertEquals(0, broken);
                long external = (Long) chrome.js("return Array.from(document.querySelectorAll('[src],[href]'))"
                        + ".filter(e => !(e.getAttribute('src') || e.getAttribute('href') || '').startsWith('data:')).length");
                assertEquals(0, external, "self-contained: every source is a data: URI");
                boolean fits = (Boolean) chrome.js("return document.documentElement.scrollWidth <= window.innerWidth + 1");
                assertTrue(fits, "no sideways scrolling of the page at " + size[0] + " px (the table scrolls in its box)");
                long rows = (Long) chrome.js("return document.querySelectorAll('tbody tr').length");
                assertEquals(2, rows);
                chrome.screenshot(shots.resolve("sweep_report_" + size[0] + ".png"));
            }
        }
    }

    @Test
    void exactlyOneOfConfigAndPlanIsRequired(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("sweep", "--out", tmp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("exactly one of --config FILE or --plan FILE"), r.err());
    }

    @Test
    void aBadGridValueExitsWith2NamingTheConfigurationAndKey(@TempDir Path tmp) throws Exception {
        Path cfg = Files.writeString(tmp.resolve("tiny.json"), TrainCommandTest.TINY);
        CliRun r = CliRun.of("sweep", "--config", cfg.toString(), "--grid", "lr=0.001,-1", "--out", tmp.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("configuration 'lr=-1'") && r.err().contains("'lr'"), r.err());
        assertTrue(!Files.exists(tmp.resolve("o").resolve("lr=0.001")), "nothing ran");
    }
}
