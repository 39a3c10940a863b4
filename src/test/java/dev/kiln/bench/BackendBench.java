package dev.kiln.bench;

import dev.kiln.backend.Backend;
import dev.kiln.backend.ConvShape;
import dev.kiln.backend.FastCpuBackend;
import dev.kiln.backend.ReferenceBackend;
import dev.kiln.rand.Rng;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times the reference backend against the fast one on the shapes a convolutional VAE on 30×30 ARC
 * grids uses, and prints a Markdown table of medians and ratios. A plain main class, not a test
 * (no timing is ever asserted):
 * <pre>
 *   mvn -B -q test-compile
 *   java -cp target/classes:target/test-classes dev.kiln.bench.BackendBench [runs]
 * </pre>
 * Each case is warmed up on each backend (at least {@link #WARMUP_RUNS} runs and one second), then
 * run {@code runs} times (default 11) with the backends taking turns; the table shows the medians.
 * Inputs are seeded Gaussians.
 */
public final class BackendBench {
    private static final int WARMUP_RUNS = 5;
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final int BATCH = 32;

    private BackendBench() {}

    /** One timed operation: runs the kernels of one case on the given backend. */
    private record Case(String name, long multiplyAdds, Consumer<Backend> op) {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        int threads = Runtime.getRuntime().availableProcessors();
        Backend reference = ReferenceBackend.INSTANCE;
        Backend fastOne = new FastCpuBackend(1);
        Backend fastAll = FastCpuBackend.INSTANCE;

        List<Case> cases = new ArrayList<>();
        cases.add(gemmCase("GEMM 256×256×256, A·B", false, false, 256, 256, 256));
        cases.add(gemmCase("GEMM 256×256×256, A·Bᵀ", false, true, 256, 256, 256));
        cases.add(gemmCase("GEMM 256×256×256, Aᵀ·B", true, false, 256, 256, 256));

        ConvShape conv1 = ConvShape.conv(BATCH, 10, 30, 30, 32, 3, 2, 1);           // 30×30 → 15×15
        ConvShape conv2 = ConvShape.conv(BATCH, 32, 15, 15, 64, 3, 2, 1);           // 15×15 → 8×8
        ConvShape deconv1 = ConvShape.transposed(BATCH, 64, 8, 8, 32, 3, 2, 1, 0);  // 8×8 → 15×15
        ConvShape deconv2 = ConvShape.transposed(BATCH, 32, 15, 15, 10, 3, 2, 1, 1); // 15×15 → 30×30
        addConvCases(cases, "Conv2d 10→32 k3 s2 p1, 30×30", conv1, false);
        addConvCases(cases, "Conv2d 32→64 k3 s2 p1, 15×15", conv2, false);
        addConvCases(cases, "ConvT2d 64→32 k3 s2 p1, 8×8→15×15", deconv1, true);
        addConvCases(cases, "ConvT2d 32→10 k3 s2 p1 op1, 15×15→30×30", deconv2, true);

        cases.add(gemmCase("Linear 4096→32 forward, batch 32 (x·Wᵀ)", false, true, BATCH, 32, 4096));
        cases.add(new Case("Linear 4096→32 backward, batch 32 (dyᵀ·x, dy·W)", 2L * BATCH * 32 * 4096,
                linearBackward(BATCH, 4096, 32)));

        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        System.out.printf("# BackendBench: %s, %s %s, %d processors, median of %d interleaved runs%n",
                System.getProperty("os.arch"), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), threads, runs);
        System.out.printf("# system load average at start: %.2f%n%n", os.getSystemLoadAverage());
        System.out.printf("| case | reference ms | fast, 1 thread ms | fast, %d threads ms | ratio 1 thread"
                + " | ratio %d threads | fast GFLOP/s | cores used, %d threads |%n", threads, threads, threads);
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        Backend[] backends = {reference, fastOne, fastAll};
        for (Case c : cases) {
            Timing[] t = time(c, backends, runs);
            double ref = t[0].medianMillis(), one = t[1].medianMillis(), all = t[2].medianMillis();
            System.out.printf("| %s | %.2f | %.2f | %.2f | %.1f× | %.1f× | %.1f | %.2f |%n", c.name(), ref, one, all,
                    ref / one, ref / all, 2.0 * c.multiplyAdds() / (all * 1e6), t[2].coresUsed());
        }
        System.out.printf("%n# system load average at end: %.2f%n", os.getSystemLoadAverage());
    }

    private static Case gemmCase(String name, boolean transA, boolean transB, int m, int n, int k) {
        Rng rng = new Rng(1);
        float[] a = gaussian(rng, m * k);
        float[] b = gaussian(rng, k * n);
        float[] c = new float[m * n];
        return new Case(name, (long) m * n * k, be -> be.gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false));
    }

    /** dW += dyᵀ·x and dx = dy·W for a Linear in → out layer at this batch. */
    private static Consumer<Backend> linearBackward(int batch, int in, int out) {
        Rng rng = new Rng(2);
        float[] x = gaussian(rng, batch * in);       // [batch, in]
        float[] w = gaussian(rng, out * in);         // [out, in]
        float[] dy = gaussian(rng, batch * out);     // [batch, out]
        float[] dw = new float[out * in];            // [out, in]
        float[] dx = new float[batch * in];          // [batch, in]
        return be -> {
            be.gemm(true, false, out, in, batch, dy, 0, x, 0, dw, 0, true);
            be.gemm(false, false, batch, in, out, dy, 0, w, 0, dx, 0, false);
        };
    }

    /**
     * Forward and backward of one layer. A Conv2d runs forward = conv2dForward and backward =
     * backwardData + backwardWeights; a ConvTranspose2d, described by the shape of the convolution
     * it transposes, runs forward = backwardData and backward = conv2dForward (its input gradient)
     * + backwardWeights (with the roles of x and dy swapped).
     */
    private static void addConvCases(List<Case> cases, String name, ConvShape s, boolean transposed) {
        Rng rng = new Rng(3);
        float[] x = gaussian(rng, s.xSize());        // the convolution's input  [B, inC, inH, inW]
        float[] y = gaussian(rng, s.ySize());        // the convolution's output [B, outC, outH, outW]
        float[] w = gaussian(rng, s.wSize());        // [outC, inC, kH, kW]
        float[] bias = gaussian(rng, s.outC());
        float[] dw = new float[s.wSize()];
        long macs = (long) s.batch() * s.outC() * s.inC() * s.kH() * s.kW() * s.outH() * s.outW();
        if (!transposed) {
            float[] dx = new float[s.xSize()];
            float[] dbias = new float[s.outC()];
            cases.add(new Case(name + " forward", macs, be -> be.conv2dForward(s, x, w, bias, y.clone())));
            cases.add(new Case(name + " backward", 2 * macs, be -> {
                be.conv2dBackwardData(s, y, w, dx);
                be.conv2dBackwardWeights(s, x, y, dw, dbias);
            }));
        } else {
            float[] out = new float[s.xSize()];      // the transposed layer's output = the convolution's x
            float[] dIn = new float[s.ySize()];      // its input gradient = the convolution's y
            cases.add(new Case(name + " forward", macs, be -> be.conv2dBackwardData(s, y, w, out)));
            cases.add(new Case(name + " backward", 2 * macs, be -> {
                be.conv2dForward(s, x, w, null, dIn);
                be.conv2dBackwardWeights(s, x, y, dw, null);
            }));
        }
    }

    /**
     * One backend's timing of one case: the median wall time, and the process CPU time over the
     * wall time of its runs (about 1 for one thread; below the thread count when other processes
     * hold the cores, NaN where the JVM does not report process CPU time).
     */
    private record Timing(double medianMillis, double coresUsed) {}

    /**
     * Times {@code c} on each backend. The backends take turns run by run, so that a machine
     * shared with other work slows all of them alike and the ratios stay meaningful.
     */
    private static Timing[] time(Case c, Backend[] backends, int runs) {
        for (Backend backend : backends) {
            long warmStart = System.nanoTime();
            for (int r = 0; r < WARMUP_RUNS || System.nanoTime() - warmStart < WARMUP_NANOS; r++) {
                c.op().accept(backend);
            }
        }
        double[][] millis = new double[backends.length][runs];
        long[] cpuNanos = new long[backends.length];
        long[] wallNanos = new long[backends.length];
        for (int r = 0; r < runs; r++) {
            for (int be = 0; be < backends.length; be++) {
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                c.op().accept(backends[be]);
                long wall = System.nanoTime() - t0;
                cpuNanos[be] += processCpuNanos() - cpu0;
                wallNanos[be] += wall;
                millis[be][r] = wall / 1e6;
            }
        }
        Timing[] timings = new Timing[backends.length];
        for (int be = 0; be < backends.length; be++) {
            Arrays.sort(millis[be]);
            double cores = processCpuNanos() < 0 ? Double.NaN : (double) cpuNanos[be] / wallNanos[be];
            timings[be] = new Timing(millis[be][runs / 2], cores);
        }
        return timings;
    }

    /**
     * CPU time of all live threads of this JVM, in ns (per-thread clocks: the process-wide figure
     * some JVMs report in 10 ms ticks is too coarse for millisecond runs); −1 where unsupported.
     */
    private static long processCpuNanos() {
        ThreadMXBean threadsBean = ManagementFactory.getThreadMXBean();
        if (!threadsBean.isThreadCpuTimeSupported()) return -1;
        long total = 0;
        for (long id : threadsBean.getAllThreadIds()) {
            long t = threadsBean.getThreadCpuTime(id);
            if (t > 0) total += t;                        // −1: the thread ended meanwhile
        }
        return total;
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] out = new float[n];
        rng.fillGaussian(out, n);
        return out;
    }
}
