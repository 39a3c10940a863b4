package dev.kiln.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kiln demo --backend NAME}: the name reaches the runs' configs as {@code experiment collapse
 * --backend} does. The demo itself takes minutes, so these tests stop it at the first check; the
 * opencl-without-a-device case is in {@code dev.kiln.opencl.OpenClDevicesTest}.
 */
class DemoCommandTest {

    @Test
    void helpNamesTheBackendOptionAndItsThreeValues() {
        CliRun r = CliRun.of("demo", "--help");
        assertEquals(0, r.code(), r.err());
        String text = r.out().replaceAll("\\s+", " ");                      // picocli wraps the description
        assertTrue(text.contains("--backend=NAME Override the configs' backend: reference, fast or opencl"), r.out());
    }

    /**
     * The backend override is applied to the plan before anything else is checked: an unknown name
     * is refused (exit 2, the allowed names) ahead of the missing data directory, and nothing is
     * written. Were the flag dropped, the error would be about the data instead.
     */
    @Test
    void theBackendIsPassedToTheRunsConfigsAndAnUnknownOneIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("demo");
        CliRun r = CliRun.of("demo", "--backend", "nosuch", "--out", out.toString(),
                "--data", tmp.resolve("no-such-data").toString());
        assertEquals(2, r.code(), r.err() + r.out());
        assertTrue(r.err().contains("key 'backend': 'nosuch' is not allowed; allowed: reference, fast, opencl"),
                r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void experimentCollapseRefusesTheSameWay(@TempDir Path tmp) {
        Path out = tmp.resolve("exp");
        CliRun r = CliRun.of("experiment", "collapse", "--backend", "nosuch", "--out", out.toString(),
                "--data", tmp.resolve("no-such-data").toString());
        assertEquals(2, r.code(), r.err() + r.out());
        assertTrue(r.err().contains("'nosuch' is not allowed"), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }
}
