package dev.kiln.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The twelve convolution calls of one ARC conv VAE step ({@code arcConv(32, 64, 256, 32)}), timed
 * on the fast backend of one or more builds of kiln in the same JVM, so that an old and a new
 * build can be compared in alternating rounds within the same minutes.
 *
 * <p>Usage: {@code ConvLayerBench threads rounds classesDir...} (e.g. {@code 2 7 /tmp/old
 * target/classes}). Each classes directory is loaded in a class loader of its own. Per shape and
 * batch (32 and 128), every build is warmed up ({@link #warmUp}); then each round times every build (the order of
 * builds alternates between rounds), a round's figure being the median of 5 calls. Printed per
 * build: the median and the range over rounds, in ms, and the GFLOP/s of the median; with two
 * builds, the ratio of the medians and of the minima (on a shared machine the minimum is the
 * least disturbed figure). {@code -Dbench.only=REGEX} keeps only the shapes whose label matches.
 *
 * <p>The layers and the convolution each call runs (a ConvTranspose2d is given by the shape of
 * the convolution it transposes: its forward is backward data, its backward is forward + backward
 * weights):
 * <pre>
 *   Conv2d 10→32  30×30 → 15×15   fwd, bwdData (not in the step: x is the input), bwdW
 *   Conv2d 32→64  15×15 → 8×8     fwd, bwdData, bwdW
 *   ConvT 64→32   8×8 → 15×15     companion conv 32→64 on 15×15: bwdData, fwd, bwdW
 *   ConvT 32→10   15×15 → 30×30   companion conv 10→32 on 30×30: bwdData, fwd, bwdW
 * </pre>
 */
public final class ConvLayerBench {
    private ConvLayerBench() {}

    /** One build of kiln: its fast backend and ConvShape class, reached by reflection. */
    record Build(String name, Object backend, Method shapeOf, Method forward, Method backwardData,
                 Method backwardWeights) {
        static Build load(String dir, int threads) throws Exception {
            URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(dir).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> shape = loader.loadClass("dev.kiln.backend.ConvShape");
            Class<?> fast = loader.loadClass("dev.kiln.backend.FastCpuBackend");
            Object backend = fast.getConstructor(int.class).newInstance(threads);
            Method conv = shape.getMethod("conv", int.class, int.class, int.class, int.class, int.class, int.class,
                    int.class, int.class);
            return new Build(dir, backend, conv,
                    fast.getMethod("conv2dForward", shape, float[].class, float[].class, float[].class, float[].class),
                    fast.getMethod("conv2dBackwardData", shape, float[].class, float[].class, float[].class),
                    fast.getMethod("conv2dBackwardWeights", shape, float[].class, float[].class, float[].class,
                            float[].class));
        }
    }

    /** A convolution geometry, square kernel k, and which call to time. */
    record Case(String label, int inC, int side, int outC, int k, int stride, int pad, String call) {
        int outSide() { return (side + 2 * pad - k) / stride + 1; }
        double flops(int batch) { return 2.0 * batch * outC * inC * k * k * outSide() * outSide(); }
    }

    static final List<Case> CASES = List.of(
            new Case("Conv2d 10→32 30×30 fwd", 10, 30, 32, 3, 2, 1, "fwd"),
            new Case("Conv2d 10→32 30×30 bwdW", 10, 30, 32, 3, 2, 1, "bwdW"),
            new Case("Conv2d 32→64 15×15 fwd", 32, 15, 64, 3, 2, 1, "fwd"),
            new Case("Conv2d 32→64 15×15 bwdData", 32, 15, 64, 3, 2, 1, "bwdData"),
            new Case("Conv2d 32→64 15×15 bwdW", 32, 15, 64, 3, 2, 1, "bwdW"),
            new Case("ConvT 64→32 fwd (bwdData of 32→64)", 32, 15, 64, 3, 2, 1, "bwdData"),
            new Case("ConvT 64→32 bwd data (fwd of 32→64)", 32, 15, 64, 3, 2, 1, "fwd"),
            new Case("ConvT 32→10 fwd (bwdData of 10→32)", 10, 30, 32, 3, 2, 1, "bwdData"),
            new Case("ConvT 32→10 bwd data (fwd of 10→32)", 10, 30, 32, 3, 2, 1, "fwd"));

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ConvLayerBench threads rounds classesDir...");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<Build> builds = new ArrayList<>();
        for (int i = 2; i < args.length; i++) builds.add(Build.load(args[i], threads));
        System.out.printf(Locale.ROOT, "threads %d, rounds %d, load at start %.2f%n", threads, rounds,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("| shape | batch |");
        for (Build b : builds) System.out.printf(" %s ms (range) | GFLOP/s |", b.name());
        System.out.printf(builds.size() == 2 ? " ratio | ratio of minima |%n" : "%n");
        String only = System.getProperty("bench.only", "");
        for (int batch : new int[] {32, 128}) {
            for (Case c : CASES) {
                if (!only.isEmpty() && !c.label().matches(only)) continue;
                double[][] perBuild = new double[builds.size()][rounds];
                Runnable[] calls = new Runnable[builds.size()];
                for (int v = 0; v < builds.size(); v++) calls[v] = call(builds.get(v), c, batch);
                for (Runnable r : calls) warmUp(r);
                for (int round = 0; round < rounds; round++) {
                    for (int q = 0; q < builds.size(); q++) {
                        int v = (round % 2 == 0) ? q : builds.size() - 1 - q;         // alternate the order
                        perBuild[v][round] = medianOf5(calls[v]);
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %d |", c.label(), batch);
                double[] medians = new double[builds.size()];
                double[] minima = new double[builds.size()];
                for (int v = 0; v < builds.size(); v++) {
                    double[] t = perBuild[v].clone();
                    Arrays.sort(t);
                    medians[v] = t[t.length / 2];
                    minima[v] = t[0];
                    System.out.printf(Locale.ROOT, " %.3f (%.3f–%.3f) | %.1f |", medians[v], t[0], t[t.length - 1],
                            c.flops(batch) / medians[v] / 1e6);
                }
                if (builds.size() == 2) {
                    System.out.printf(Locale.ROOT, " %.2f | %.2f |", medians[0] / medians[1], minima[0] / minima[1]);
                }
                System.out.println();
            }
        }
    }

    /**
     * Runs r for at least {@link #WARM_UP_MS} ms and 20 calls, so that C2 has compiled the kernel's
     * loops before the timing starts (20 calls alone left the first shape of a run at half speed:
     * Conv2d 10→32 fwd b32 1.87 ms, the same call later in the run 0.91 ms).
     */
    private static void warmUp(Runnable r) {
        long end = System.nanoTime() + WARM_UP_MS * 1_000_000L;
        for (int i = 0; i < 20 || System.nanoTime() < end; i++) r.run();
    }

    /** The least warm-up time per shape and build, in ms. */
    static final long WARM_UP_MS = 400;

    private static double medianOf5(Runnable r) {
        double[] t = new double[5];
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[2];
    }

    private static Runnable call(Build b, Case c, int batch) throws Exception {
        Object shape = b.shapeOf().invoke(null, batch, c.inC(), c.side(), c.side(), c.outC(), c.k(), c.stride(), c.pad());
        SplittableRandom rng = new SplittableRandom(1);
        int o = c.outSide();
        float[] x = gaussian(rng, batch * c.inC() * c.side() * c.side());
        float[] w = gaussian(rng, c.outC() * c.inC() * c.k() * c.k());
        float[] bias = gaussian(rng, c.outC());
        float[] y = new float[batch * c.outC() * o * o];
        float[] dy = gaussian(rng, y.length);
        float[] dx = new float[x.length];
        float[] dw = new float[w.length];
        float[] dbias = new float[c.outC()];
        return () -> {
            try {
                switch (c.call()) {
                    case "fwd" -> b.forward().invoke(b.backend(), shape, x, w, bias, y);
                    case "bwdData" -> b.backwardData().invoke(b.backend(), shape, dy, w, dx);
                    default -> b.backwardWeights().invoke(b.backend(), shape, x, dy, dw, dbias);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
        return a;
    }
}
