package dev.kiln.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.backend.opencl.OpenClDevices;
import dev.kiln.backend.opencl.OpenClDevices.DeviceInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kiln device}: the OpenCL platforms and devices this machine offers (name, kind, compute
 * units, memory), and which backend each would serve. The CPU backends ({@code fast},
 * {@code reference}) need nothing and are always listed. No OpenCL is not an error here: the
 * command says what is missing and what to install, and exits 0.
 */
@Command(name = "device",
        description = {"List OpenCL platforms and devices and the backend each would use.",
                "The opencl backend takes the first GPU, else accelerator, else CPU device;",
                "-Dkiln.opencl.device=P:D (in KILN_JAVA_OPTS) picks one by its P:D index."},
        mixinStandardHelpOptions = true)
public final class DeviceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object {\"opencl_loader\": ..., \"devices\": [...]}")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean loader = OpenClDevices.loaderPresent();
        List<DeviceInfo> devices = OpenClDevices.list();
        DeviceInfo chosen = devices.isEmpty() ? null : OpenClDevices.choose(devices);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("opencl_loader", loader);
            JsonArray list = new JsonArray();
            for (DeviceInfo d : devices) {
                JsonObject e = new JsonObject();
                e.addProperty("index", d.platformIndex() + ":" + d.deviceIndex());
                e.addProperty("platform", d.platform());
                e.addProperty("platform_version", d.platformVersion());
                e.addProperty("name", d.name());
                e.addProperty("kind", d.kind());
                e.addProperty("compute_units", d.computeUnits());
                e.addProperty("global_memory_bytes", d.globalMemBytes());
                e.addProperty("local_memory_bytes", d.localMemBytes());
                e.addProperty("backend", backendOf(d, chosen));
                list.add(e);
            }
            o.add("devices", list);
            JsonArray cpu = new JsonArray();
            cpu.add("fast");
            cpu.add("reference");
            o.add("cpu_backends", cpu);
            out.println(CliFormat.GSON.toJson(o));
            return 0;
        }
        if (devices.isEmpty()) {
            out.println(loader
                    ? "OpenCL: the loader (libOpenCL.so.1) is present but lists no platform (no ICD in /etc/OpenCL/vendors)."
                    : "OpenCL: the loader libOpenCL.so.1 (or Aparapi's native library) could not be loaded.");
            out.println("  --backend opencl is unavailable; " + OpenClDevices.INSTALL_HINT + ".");
        } else {
            out.println("OpenCL devices:");
            out.printf(Locale.ROOT, "  %-5s %-28s %-36s %-4s %5s %10s %9s  %s%n", "P:D", "platform", "device",
                    "kind", "CUs", "memory", "local", "backend");
            for (DeviceInfo d : devices) {
                out.printf(Locale.ROOT, "  %-5s %-28s %-36s %-4s %5d %7d MiB %5d KiB  %s%n",
                        d.platformIndex() + ":" + d.deviceIndex(), clip(d.platform(), 28), clip(d.name(), 36),
                        d.kind(), d.computeUnits(), d.globalMemBytes() >> 20, d.localMemBytes() >> 10,
                        backendOf(d, chosen));
            }
            if (chosen.kind().equals("CPU")) {
                out.println("  (a CPU OpenCL device such as PoCL proves the kernels; for speed on a CPU, --backend fast)");
            }
        }
        out.printf(Locale.ROOT, "CPU backends: fast (%d threads), reference (1 thread)%n",
                Runtime.getRuntime().availableProcessors());
        return 0;
    }

    private static String backendOf(DeviceInfo d, DeviceInfo chosen) {
        return d == chosen ? "opencl (chosen)"
                : "opencl with -Dkiln.opencl.device=" + d.platformIndex() + ":" + d.deviceIndex();
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
