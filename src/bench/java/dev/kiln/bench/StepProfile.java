package dev.kiln.bench;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.FastCpuBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one kiln training step spends its time: the four models of {@link KilnVsPyTorch}, each step
 * run through a proxy of the fast backend that adds up the wall time of every kernel call by name.
 * Whatever is not inside a kernel (layer bookkeeping, allocation, copies) is the "outside kernels"
 * row. Usage: {@code StepProfile [steps (30)] [threads (all cores)]}; a diagnostic, not a benchmark:
 * the proxy adds a little time per call.
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        for (KilnVsPyTorch.Model m : KilnVsPyTorch.MODELS) profile(m, steps, threads);
    }

    static void profile(KilnVsPyTorch.Model m, int steps, int threads) throws Exception {
        FastCpuBackend fast = new FastCpuBackend(threads);
        Map<String, long[]> nanos = new HashMap<>();            // name -> {total ns, calls}
        boolean[] on = {false};
        Backend timed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, a) -> {
                    long t0 = System.nanoTime();
                    try {
                        return method.invoke(fast, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (on[0]) {
                            long[] acc = nanos.computeIfAbsent(method.getName(), k -> new long[2]);
                            acc[0] += System.nanoTime() - t0;
                            acc[1]++;
                        }
                    }
                });
        Path dir = Files.createTempDirectory("kiln-profile");
        KilnVsPyTorch.KilnSide side = new KilnVsPyTorch.KilnSide(m.key(), m.batch(), threads, dir);
        try (Backends.Scope s = Backends.use(timed)) {
            side.useBackend(timed);
            for (int i = 0; i < Math.max(10, steps / 2); i++) side.step();          // warm-up
            on[0] = true;
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) side.step();
            long total = System.nanoTime() - t0;
            on[0] = false;
            System.out.printf(Locale.ROOT, "%n## %s — %.2f ms per step (%d threads)%n%n", m.label(), total / 1e6 / steps, threads);
            System.out.println("| kernel | ms per step | calls per step | share |");
            System.out.println("|---|---:|---:|---:|");
            long inside = 0;
            TreeMap<Long, String> order = new TreeMap<>();
            for (var e : nanos.entrySet()) {
                inside += e.getValue()[0];
                order.put(-e.getValue()[0] * 1000 - order.size(), e.getKey());
            }
            for (String name : order.values()) {
                long[] acc = nanos.get(name);
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.0f | %.1f%% |%n", name, acc[0] / 1e6 / steps,
                        (double) acc[1] / steps, 100.0 * acc[0] / total);
            }
            System.out.printf(Locale.ROOT, "| outside kernels | %.2f | | %.1f%% |%n", (total - inside) / 1e6 / steps,
                    100.0 * (total - inside) / total);
        }
    }
}
