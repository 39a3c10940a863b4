package dev.kiln.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.kiln.backend.FastCpuBackend;
import dev.kiln.rand.Rng;

import java.util.Locale;

/**
 * The GEMM rows of {@link KilnVsPyTorch}: kiln's fast GEMM against torch.matmul (through DJL) on
 * the same inputs and thread count, in one JVM, rounds alternating; GFLOP/s = 2·M·N·K / median time.
 */
final class GemmBench {
    private GemmBench() {}

    /** name, M, N, K, transA, transB (C = op(A)·op(B); a Linear's x·Wᵀ is transB). */
    private record Case(String name, int m, int n, int k, boolean transA, boolean transB) {}

    private static final Case[] CASES = {
        new Case("512×512×512", 512, 512, 512, false, false),
        new Case("Linear 4096→32 forward, batch 32 (x·Wᵀ, M=N=32, K=4096)", 32, 32, 4096, false, true),
        new Case("same layer, backward dW = dyᵀ·x (M=32, N=4096, K=32)", 32, 4096, 32, true, false),
        new Case("same layer, backward dx = dy·W (M=32, N=4096, K=32)", 32, 4096, 32, false, false),
    };

    static String table(int threads) {
        ai.djl.engine.Engine.getEngine("PyTorch");                      // loads libtorch before the first JNI call
        JniUtils.setNumInteropThreads(1);
        JniUtils.setNumThreads(threads);
        FastCpuBackend kiln = new FastCpuBackend(threads);
        StringBuilder md = new StringBuilder("| GEMM | kiln GFLOP/s | PyTorch GFLOP/s | kiln / PyTorch |\n|---|---:|---:|---:|\n");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Case c : CASES) {
                Rng rng = new Rng(3);
                float[] a = new float[c.m() * c.k()], b = new float[c.k() * c.n()], out = new float[c.m() * c.n()];
                rng.fillGaussian(a, a.length);
                rng.fillGaussian(b, b.length);
                NDArray ta = manager.create(a, c.transA() ? new Shape(c.k(), c.m()) : new Shape(c.m(), c.k()));
                NDArray tb = manager.create(b, c.transB() ? new Shape(c.n(), c.k()) : new Shape(c.k(), c.n()));
                NDArray opA = c.transA() ? ta.transpose() : ta;
                NDArray opB = c.transB() ? tb.transpose() : tb;
                Runnable kilnRun = () -> kiln.gemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), a, 0, b, 0, out, 0, false);
                Runnable torchRun = () -> {
                    try (NDArray r = opA.matMul(opB)) {
                        r.getShape();
                    }
                };
                double[] kt = new double[7], tt = new double[7];
                for (int w = 0; w < 3; w++) {
                    time(kilnRun);
                    time(torchRun);
                }
                for (int r = 0; r < kt.length; r++) {
                    kt[r] = time(kilnRun);
                    tt[r] = time(torchRun);
                }
                double flops = 2.0 * c.m() * c.n() * c.k();
                double kg = flops / KilnVsPyTorch.median(kt) / 1e9, tg = flops / KilnVsPyTorch.median(tt) / 1e9;
                md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f |%n", c.name(), kg, tg, kg / tg));
            }
        }
        return md.toString();
    }

    /** Seconds per call, over at least 0.2 s of calls. */
    private static double time(Runnable op) {
        long t0 = System.nanoTime();
        int calls = 0;
        do {
            op.run();
            calls++;
        } while (System.nanoTime() - t0 < 200_000_000L);
        return (System.nanoTime() - t0) / 1e9 / calls;
    }
}
