package dev.kiln.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What one kiln training step costs in memory: bytes allocated per step (all threads, from
 * {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}), collections and their time per
 * step, the step time, and the process's peak RSS (VmHWM). Usage:
 * {@code StepMemory [model (arc)] [batch (128)] [threads (all cores)] [steps (40)]}; run it under
 * different JVM flags (e.g. {@code -XX:G1HeapRegionSize=8m}) to compare them. One line of output,
 * so runs under several flag sets can be interleaved and collected.
 */
public final class StepMemory {
    private StepMemory() {}

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "arc";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        Path dir = Files.createTempDirectory("kiln-memory");
        KilnVsPyTorch.KilnSide side = new KilnVsPyTorch.KilnSide(model, batch, threads, dir);
        for (int i = 0; i < Math.max(10, steps / 2); i++) side.step();          // warm-up
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] ms = new double[steps];
        long allocated = -allocatedByAllThreads(mx);
        long gcCount = -gcCount(), gcMillis = -gcMillis();
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            side.step();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        allocated += allocatedByAllThreads(mx);
        gcCount += gcCount();
        gcMillis += gcMillis();
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT,
                "%s b%d, %d threads, %s: step %.2f ms (%.2f–%.2f), allocated %.1f MiB/step, GC %.2f/step %.2f ms/step,"
                        + " peak RSS %d MiB, heap committed %d MiB, load %.2f%n",
                model, batch, threads, ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-X")).toList(),
                sorted[steps / 2], sorted[0], sorted[steps - 1], allocated / (double) steps / (1 << 20),
                gcCount / (double) steps, gcMillis / (double) steps, status("VmHWM:") / 1024,
                Runtime.getRuntime().totalMemory() >> 20,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Bytes allocated so far by every live thread (the backend's helper threads included). */
    private static long allocatedByAllThreads(com.sun.management.ThreadMXBean mx) {
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) sum += b;
        return sum;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionCount());
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionTime());
        return n;
    }

    /** A value in KiB from /proc/self/status (e.g. "VmHWM:"), or -1 where there is none. */
    private static long status(String key) throws java.io.IOException {
        Path p = Path.of("/proc/self/status");
        if (!Files.exists(p)) return -1;
        for (String line : Files.readAllLines(p)) {
            if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
