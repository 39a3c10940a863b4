package dev.kiln.opencl;

import dev.kiln.backend.opencl.OpenClDevices;
import dev.kiln.cli.Main;
import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device discovery, {@code kiln device}, and the error when OpenCL is missing. */
class OpenClDevicesTest {

    /** Output and exit code of a child JVM on this test classpath whose OpenCL loader finds no ICD. */
    private record Child(int code, String out) {}

    private static Child withoutIcd(String mainClass, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("kiln-no-icd", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OCL_ICD_VENDORS", "/nonexistent-kiln-test");   // ocl-icd: look for ICDs there only
        pb.environment().put("OCL_ICD_FILENAMES", "");
        Process p = pb.start();
        boolean finished = p.waitFor(60, TimeUnit.SECONDS);                  // a file, not a pipe: never blocks on output
        if (!finished) p.destroyForcibly().waitFor();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertTrue(finished, "child JVM finished within 60 s; its output:\n" + out);
        return new Child(p.exitValue(), out);
    }

    @Test
    void openClWithoutAPlatformIsABadInputErrorNamingWhatToInstall() throws Exception {
        Child c = withoutIcd(NoDeviceProbe.class.getName());
        assertEquals(2, c.code(), c.out());
        assertTrue(c.out().contains("backend 'opencl' needs an OpenCL device"), c.out());
        assertTrue(c.out().contains("pocl-opencl-icd"), c.out());
        assertTrue(c.out().contains("backend 'fast' or 'reference'"), c.out());
    }

    /**
     * {@code kiln demo --backend opencl} and {@code kiln experiment collapse --backend opencl} with no
     * OpenCL platform: the exit-2 error naming what to install, before any run directory, plan or
     * summary is written (not one failed run per configuration and seed).
     */
    @Test
    void demoAndExperimentOnOpenClWithoutAPlatformStopBeforeWritingAnything(@TempDir Path tmp) throws Exception {
        for (String[] command : new String[][] {{"demo"}, {"experiment", "collapse", "--epochs", "1", "--seeds", "1"}}) {
            Path out = tmp.resolve(command[0]);
            List<String> args = new java.util.ArrayList<>(List.of(command));
            args.addAll(List.of("--backend", "opencl", "--out", out.toString()));
            Child c = withoutIcd(Main.class.getName(), args.toArray(String[]::new));
            assertEquals(2, c.code(), c.out());
            assertTrue(c.out().contains("kiln " + String.join(" ", List.of(command).subList(0, command[0].equals("demo")
                    ? 1 : 2)) + ": backend 'opencl' needs an OpenCL device"), c.out());
            assertTrue(c.out().contains("pocl-opencl-icd"), c.out());
            assertFalse(Files.exists(out), command[0] + " wrote " + out);
        }
    }

    @Test
    void deviceCommandWithoutAPlatformSaysWhatIsMissingAndStillListsTheCpuBackends() throws Exception {
        Child c = withoutIcd(Main.class.getName(), "device");
        assertEquals(0, c.code(), c.out());
        assertTrue(c.out().contains("--backend opencl is unavailable"), c.out());
        assertTrue(c.out().contains("pocl-opencl-icd"), c.out());
        assertTrue(c.out().contains("CPU backends: fast"), c.out());
    }

    @Test
    void deviceCommandListsEveryDeviceWithItsKindUnitsMemoryAndBackend() {
        List<OpenClDevices.DeviceInfo> devices = OpenClDevices.list();
        OpenClTesting.backend();                                             // skips without a device
        StringWriter out = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("device"));
        String text = out.toString();
        for (OpenClDevices.DeviceInfo d : devices) {
            String row = text.lines().filter(l -> l.contains(d.platformIndex() + ":" + d.deviceIndex() + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("no row for " + d.name() + " in\n" + text));
            assertTrue(row.contains(d.kind()) && row.contains(" " + d.computeUnits() + " ")
                    && row.contains((d.globalMemBytes() >> 20) + " MiB") && row.contains("opencl"), row);
        }
        assertEquals(1, text.lines().filter(l -> l.contains("opencl (chosen)")).count(), text);

        StringWriter json = new StringWriter();
        cl = Main.commandLine();
        cl.setOut(new PrintWriter(json, true));
        assertEquals(0, cl.execute("device", "--json"));
        assertTrue(json.toString().contains("\"compute_units\":" + devices.get(0).computeUnits()), json.toString());
    }

    @Test
    void aDeviceIndexThatNamesNoDeviceIsRefusedWithTheAllowedIndices() {
        List<OpenClDevices.DeviceInfo> devices = OpenClDevices.list();
        OpenClTesting.backend();
        String before = System.getProperty("kiln.opencl.device");
        System.setProperty("kiln.opencl.device", "97:3");
        try {
            BadInputException e = assertThrows(BadInputException.class, OpenClDevices::requireDevice);
            assertTrue(e.getMessage().contains("97:3") && e.getMessage().contains("0:0 (" + devices.get(0).name()),
                    e.getMessage());
            System.setProperty("kiln.opencl.device", "0:0");
            assertEquals(devices.get(0).name(), OpenClDevices.requireDevice().name());
        } finally {
            if (before == null) System.clearProperty("kiln.opencl.device");
            else System.setProperty("kiln.opencl.device", before);
        }
    }
}
