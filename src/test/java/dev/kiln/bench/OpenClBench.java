package dev.kiln.bench;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.FastCpuBackend;
import dev.kiln.backend.ReferenceBackend;
import dev.kiln.backend.opencl.OpenClBackend;
import dev.kiln.backend.opencl.OpenClDevices;
import dev.kiln.backend.opencl.Transfers;
import dev.kiln.data.GridDataset;
import dev.kiln.data.SyntheticArc;
import dev.kiln.loss.BceWithLogits;
import dev.kiln.loss.FocalLoss;
import dev.kiln.loss.GaussianKl;
import dev.kiln.loss.Reduction;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.opencl.Agreement;
import dev.kiln.opencl.Sweeps;
import dev.kiln.optim.Adam;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The OpenCL rows of the benchmark: one training step (forward, losses, KL, backward, Adam) of the
 * four models of the CPU-speed issue on the fast backend and on the opencl backend of every OpenCL
 * device found, with the bytes each opencl step moves between host and device; then each OpenCL
 * kernel's max relative error against the reference over {@link Sweeps}. A plain main class, not
 * a test (no timing is ever asserted):
 * <pre>
 *   mvn -B -q test-compile
 *   java -cp target/classes:target/test-classes:$(cat cp.txt) dev.kiln.bench.OpenClBench [runs] [--reference]
 * </pre>
 * with cp.txt from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}. Each backend
 * runs 2 warm-up steps per model, then {@code runs} (default 5) timed steps; the table shows the
 * median. {@code --reference} adds the scalar reference (slow: seconds per ARC step),
 * {@code --opencl-only} leaves out the fast backend, {@code --steps-only} the agreement tables.
 * The Adam step keeps m and v on the device ({@link dev.kiln.backend.Backend#adamStepKeepingState}),
 * so from the second step on they no longer go up: the bytes per step are those of training.
 */
public final class OpenClBench {
    private OpenClBench() {}

    /** One model's training step, built fresh (seeded) for each backend. */
    interface Model {
        String name();

        int batch();

        /** Builds the model and its data; the returned step runs one training step. */
        Runnable build();
    }

    public static void main(String[] args) {
        int runs = 5;
        boolean withReference = false, withFast = true, withSweeps = true;
        for (String a : args) {
            switch (a) {
                case "--reference" -> withReference = true;
                case "--opencl-only" -> withFast = false;
                case "--steps-only" -> withSweeps = false;
                default -> runs = Integer.parseInt(a);
            }
        }
        List<Backend> backends = new ArrayList<>();
        if (withReference) backends.add(ReferenceBackend.INSTANCE);
        if (withFast) backends.add(FastCpuBackend.INSTANCE);
        List<OpenClDevices.DeviceInfo> devices = OpenClDevices.list();
        for (OpenClDevices.DeviceInfo d : devices) backends.add(OpenClBackend.on(d));

        List<Model> models = List.of(mlp(784, new int[] {400}, 20, 128), mlp(784, new int[] {512, 256}, 32, 128),
                arc(32), arc(128));

        System.out.printf("# OpenClBench: %s, %s %s, %d processors, median of %d steps after 2 warm-up steps%n",
                System.getProperty("os.arch"), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), Runtime.getRuntime().availableProcessors(), runs);
        for (OpenClDevices.DeviceInfo d : devices) {
            System.out.printf("# OpenCL device %d:%d: %s (%s, %s, %d compute units, %d MiB)%n", d.platformIndex(),
                    d.deviceIndex(), d.name(), d.kind(), d.platformVersion(), d.computeUnits(),
                    d.globalMemBytes() >> 20);
        }
        if (devices.isEmpty()) System.out.println("# no OpenCL device: " + OpenClDevices.INSTALL_HINT);
        System.out.printf("# system load average at start: %.2f%n%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        System.out.println("| model | backend | ms per step | samples/s | host→device MB per step"
                + " | device→host MB per step | kernel launches per step |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Model m : models) {
            for (Backend b : backends) {
                Backend before = Backends.current();
                Backends.use(b);
                try {
                    Runnable step = m.build();
                    for (int w = 0; w < 2; w++) step.run();
                    double[] ms = new double[runs];
                    Transfers t = b instanceof OpenClBackend o ? o.transfers() : null;
                    long up0 = t == null ? 0 : t.bytesToDevice(), down0 = t == null ? 0 : t.bytesToHost();
                    long calls0 = t == null ? 0 : t.launches();
                    for (int r = 0; r < runs; r++) {
                        long t0 = System.nanoTime();
                        step.run();
                        ms[r] = (System.nanoTime() - t0) / 1e6;
                    }
                    Arrays.sort(ms);
                    double median = ms[runs / 2];
                    String label = b instanceof OpenClBackend o ? "opencl " + o.device().platformIndex() + ":"
                            + o.device().deviceIndex() + " (" + o.device().kind() + ")" : b.name();
                    if (t == null) {
                        System.out.printf("| %s | %s | %.1f | %.0f | – | – | – |%n", m.name(), label, median,
                                m.batch() * 1000.0 / median);
                    } else {
                        System.out.printf("| %s | %s | %.1f | %.0f | %.2f | %.2f | %d |%n", m.name(), label, median,
                                m.batch() * 1000.0 / median, (t.bytesToDevice() - up0) / 1e6 / runs,
                                (t.bytesToHost() - down0) / 1e6 / runs, (t.launches() - calls0) / runs);
                    }
                } finally {
                    Backends.use(before);
                }
            }
        }

        for (OpenClDevices.DeviceInfo d : withSweeps ? devices : List.<OpenClDevices.DeviceInfo>of()) {
            System.out.printf("%n| kernel (device %d:%d, %s) | elements compared | max relative error"
                    + " | worst difference / bound |%n", d.platformIndex(), d.deviceIndex(), d.name());
            System.out.println("|---|---:|---:|---:|");
            for (Agreement a : Sweeps.all(OpenClBackend.on(d))) {
                System.out.printf("| %s | %d | %.2e | %.3f |%n", a.kernel(), a.elements(), a.maxRelative(),
                        a.worstRatio());
            }
        }
        System.out.printf("%n# system load average at end: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** An MLP VAE on [B, in] inputs in [0, 1] with a Bernoulli (BCE) decoder, β = 1. */
    static Model mlp(int in, int[] hidden, int latent, int batch) {
        String widths = in + "-" + String.join("-", Arrays.stream(hidden).mapToObj(Integer::toString).toList())
                + "-" + latent;
        return new Model() {
            public String name() { return "MLP VAE " + widths + ", batch " + batch; }

            public int batch() { return batch; }

            public Runnable build() {
                Rng rng = new Rng(11);
                Vae vae = Architectures.mlp(in, hidden, latent, rng);
                Adam adam = new Adam(vae.params(), Adam.Config.adam(1e-3f));
                Tensor x = Tensor.zeros(batch, in);
                for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat();
                BceWithLogits recon = new BceWithLogits(Reduction.SUM);
                GaussianKl kl = new GaussianKl();
                return () -> {
                    adam.zeroGrad();
                    Vae.Pass pass = vae.forward(x, true);
                    recon.forward(pass.out(), x);
                    Tensor k = kl.forward(pass.mu(), pass.logVar());
                    Tensor dKl = k.zerosLike();
                    Arrays.fill(dKl.data, 1f);
                    GaussianKl.Grads g = kl.backward(dKl);
                    vae.backward(recon.backward(), g.dMu(), g.dLogVar());
                    adam.step();
                };
            }
        };
    }

    /** The ARC conv VAE of the trained config (32/64/256, D = 32), focal reconstruction, β = 1. */
    static Model arc(int batch) {
        return new Model() {
            public String name() { return "ARC conv VAE 32/64/256/D32, batch " + batch; }

            public int batch() { return batch; }

            public Runnable build() {
                GridDataset data = GridDataset.ungrouped(SyntheticArc.generate(batch, 11));
                int[] idx = new int[batch];
                for (int i = 0; i < batch; i++) idx[i] = i;
                GridDataset.Batch b = data.batch(idx);
                Vae vae = Architectures.arcConv(32, 64, 256, 32, new Rng(11));
                Adam adam = new Adam(vae.params(), Adam.Config.adam(1e-3f));
                FocalLoss recon = new FocalLoss(Reduction.MEAN, 2f, null);
                GaussianKl kl = new GaussianKl();
                return () -> {
                    adam.zeroGrad();
                    Vae.Pass pass = vae.forward(b.oneHot(), true);
                    recon.forward(pass.out().reshape(batch, GridDataset.CLASSES, GridDataset.CELLS), b.targets());
                    Tensor k = kl.forward(pass.mu(), pass.logVar());
                    Tensor dKl = k.zerosLike();
                    Arrays.fill(dKl.data, 1f / (batch * (float) GridDataset.CELLS));
                    GaussianKl.Grads g = kl.backward(dKl);
                    vae.backward(recon.backward().reshape(pass.out().shape()), g.dMu(), g.dLogVar());
                    adam.step();
                };
            }
        };
    }
}
