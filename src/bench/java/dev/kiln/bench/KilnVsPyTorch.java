package dev.kiln.bench;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.FastCpuBackend;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.nn.Param;
import dev.kiln.optim.Adam;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * kiln against PyTorch (libtorch 2.7.1 through DJL, CPU), the same training step side by side:
 * the four VAEs of issue 11 and three GEMMs. One command (see docs/performance.md):
 * <pre>
 *   bench/kiln-vs-pytorch [rounds] [steps per round]     → target/bench/kiln-vs-pytorch.md
 * </pre>
 * For each model this orchestrator starts two child JVMs, one per side, each holding its model
 * warm: the kiln child ({@code fast} backend) builds the model from a seed and writes its
 * initial weights and batch to a work directory, the PyTorch child reads them. Both replay three
 * steps (the same weights, batch, ε, loss and Adam: lr 1e-3, β 0.9/0.999, ε 1e-8) and the
 * orchestrator compares their losses and step-0 gradients. Then come the timed rounds, the sides
 * taking turns, with the same number of threads on both. For every round it records the
 * machine's other load: the CPU time of the whole machine (/proc/stat) minus the child's own
 * (/proc/PID/stat), over the round's wall time, in cores. Each child reports its peak RSS (VmHWM)
 * at the end. The table gives the median over rounds and the per-round range.
 *
 * <p>The loss is the β-VAE objective at β = 1, summed over elements and divided by the batch:
 * BCE on logits for the MLPs (pytorch/examples' vae), per-cell cross-entropy over the 10 colours
 * for the ARC model, plus the closed-form Gaussian KL.
 */
public final class KilnVsPyTorch {
    private KilnVsPyTorch() {}

    /** A benchmarked model: its key (for the children), label and batch. */
    record Model(String key, String label, int batch) {}

    static final List<Model> MODELS = List.of(
            new Model("mlp400", "MLP VAE 784-400-20, batch 128 (pytorch/examples)", 128),
            new Model("mlp512", "MLP VAE 784-512-256-32, batch 128", 128),
            new Model("arc", "ARC conv VAE (32/64/256/D32), batch 32", 32),
            new Model("arc", "same, batch 128", 128));

    static final int REPLAY_STEPS = 3;
    static final float LR = 1e-3f;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            Child.run(args);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int threads = Runtime.getRuntime().availableProcessors();
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(cpuName()).append(", ").append(threads).append(" cores; ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append("; kiln `fast` backend and PyTorch both on ").append(threads).append(" threads; ")
                .append(rounds).append(" alternating rounds of ").append(steps).append(" steps after 3 warm-up rounds.\n\n");
        md.append("| model | kiln samples/s | PyTorch samples/s | kiln / PyTorch (range) | other load, cores (max) "
                + "| peak RSS kiln / PyTorch MiB | replay: loss, gradient rel. diff |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Model model : MODELS) {
            System.err.println("== " + model.label());
            md.append(benchModel(model, rounds, steps, threads, out)).append('\n');
        }
        md.append('\n').append(GemmBench.table(threads)).append('\n');
        Files.writeString(out.resolve("kiln-vs-pytorch.md"), md.toString());
        System.out.print(md);
    }

    /** One table row: both children, the replay check, warm-up, alternating timed rounds. */
    private static String benchModel(Model model, int rounds, int steps, int threads, Path out) throws Exception {
        Path dir = Files.createTempDirectory(out, model.key() + model.batch());
        // The children start one after the other, each while the other one waits: a JVM whose first
        // compilations run while another process loads libtorch can compile the Vector API kernels
        // badly for its whole life (C2 then fails to inline their intrinsics and boxes the vectors:
        // a step 2-4x slower, seen in about 1 of 6 starts under a competing load; performance.md).
        try (ChildProcess kiln = new ChildProcess("kiln", model, threads, dir)) {
            kiln.command("init");                                          // weights, batch, kiln's replay
            try (ChildProcess torch = new ChildProcess("torch", model, threads, dir)) {
                torch.command("init");                                         // torch's replay of the same
                String check = compareReplays(dir);
                for (int w = 0; w < 3; w++) {
                    kiln.round(steps);
                    torch.round(steps);
                }
                double[] kilnRate = new double[rounds], torchRate = new double[rounds], ratio = new double[rounds];
                double maxLoad = 0, sumLoad = 0;
                for (int r = 0; r < rounds; r++) {
                    // Alternate which side goes first, so that a slow spell does not always hit the same side.
                    Round a = r % 2 == 0 ? kiln.round(steps) : torch.round(steps);
                    Round b = r % 2 == 0 ? torch.round(steps) : kiln.round(steps);
                    Round k = r % 2 == 0 ? a : b, t = r % 2 == 0 ? b : a;
                    kilnRate[r] = model.batch() * steps / k.wallSeconds();
                    torchRate[r] = model.batch() * steps / t.wallSeconds();
                    ratio[r] = kilnRate[r] / torchRate[r];
                    double load = Math.max(k.otherLoad(), t.otherLoad());
                    maxLoad = Math.max(maxLoad, load);
                    sumLoad += (k.otherLoad() + t.otherLoad()) / 2;
                    System.err.printf(Locale.ROOT, "  round %d: kiln %.0f/s, torch %.0f/s, ratio %.2f, other load %.2f/%.2f%n",
                            r, kilnRate[r], torchRate[r], ratio[r], k.otherLoad(), t.otherLoad());
                }
                long kilnRss = kiln.quit(), torchRss = torch.quit();
                double[] sortedRatio = ratio.clone();
                Arrays.sort(sortedRatio);
                return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f (%.2f–%.2f) | %.2f (%.2f) | %d / %d | %s |",
                        model.label(), median(kilnRate), median(torchRate), median(ratio), sortedRatio[0],
                        sortedRatio[rounds - 1], sumLoad / rounds, maxLoad, kilnRss / 1024, torchRss / 1024, check);
            }
        }
    }

    /** Max relative loss difference over the replayed steps, and the worst tensor's ‖g_kiln − g_torch‖/‖g_torch‖. */
    private static String compareReplays(Path dir) throws IOException {
        Replay k = Replay.read(dir.resolve("kiln-replay.bin"));
        Replay t = Replay.read(dir.resolve("torch-replay.bin"));
        double lossDiff = 0;
        for (int s = 0; s < REPLAY_STEPS; s++) {
            lossDiff = Math.max(lossDiff, Math.abs(k.losses()[s] - t.losses()[s]) / Math.abs(t.losses()[s]));
        }
        double gradDiff = 0;
        for (int i = 0; i < k.grads().size(); i++) {
            float[] a = k.grads().get(i), b = t.grads().get(i);
            double num = 0, den = 0;
            for (int j = 0; j < a.length; j++) {
                num += (a[j] - (double) b[j]) * (a[j] - (double) b[j]);
                den += (double) b[j] * b[j];
            }
            gradDiff = Math.max(gradDiff, den == 0 ? Math.sqrt(num) : Math.sqrt(num / den));
        }
        return String.format(Locale.ROOT, "%.1e, %.1e", lossDiff, gradDiff);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            return "unknown CPU (" + e.getMessage() + ")";
        }
        return "unknown CPU";
    }

    /** Busy CPU seconds of the whole machine so far (user + nice + system + irq + softirq + steal). */
    static double machineBusySeconds() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long ticks = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) ticks += Long.parseLong(f[i]);
        return ticks / 100.0;                                              // USER_HZ = 100 on Linux
    }

    /** CPU seconds of one process so far (utime + stime). */
    static double processCpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** One timed round: wall seconds and the other processes' CPU load during it, in cores. */
    record Round(double wallSeconds, double otherLoad) {}

    /** A child JVM running one side of one model, driven by commands on stdin. */
    static final class ChildProcess implements AutoCloseable {
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;
        private final String side;

        ChildProcess(String side, Model model, int threads, Path dir) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--add-modules") || a.startsWith("-Dai.djl") || a.startsWith("-DDJL")
                            || a.startsWith("-Xmx") || a.startsWith("jdk.incubator"))
                    .toList());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KilnVsPyTorch.class.getName(), "--child",
                    side, model.key(), String.valueOf(model.batch()), String.valueOf(threads), dir.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
            process = pb.start();
            this.side = side;
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Sends a command and returns the child's one-line answer. */
        String command(String line) throws IOException {
            in.println(line);
            String answer = out.readLine();
            if (answer == null) throw new IOException("the " + side + " child ended at '" + line + "' (see its stderr above)");
            return answer;
        }

        Round round(int steps) throws IOException {
            double busy0 = machineBusySeconds(), own0 = processCpuSeconds(process.pid());
            String answer = command("round " + steps);                     // "done <wall seconds>"
            double busy1 = machineBusySeconds(), own1 = processCpuSeconds(process.pid());
            double wall = Double.parseDouble(answer.split(" ")[1]);
            double other = Math.max(0, (busy1 - busy0) - (own1 - own0)) / wall;
            return new Round(wall, other);
        }

        /** Ends the child and returns its peak RSS in KiB. */
        long quit() throws IOException {
            return Long.parseLong(command("quit").split(" ")[1]);
        }

        @Override
        public void close() throws InterruptedException {
            in.close();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    /** Losses of the replayed steps and the step-0 gradients, one array per parameter. */
    record Replay(double[] losses, List<float[]> grads) {
        void write(Path file) throws IOException {
            try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(file))) {
                o.writeInt(losses.length);
                for (double l : losses) o.writeDouble(l);
                o.writeInt(grads.size());
                for (float[] g : grads) writeFloats(o, g);
            }
        }

        static Replay read(Path file) throws IOException {
            try (DataInputStream i = new DataInputStream(Files.newInputStream(file))) {
                double[] losses = new double[i.readInt()];
                for (int s = 0; s < losses.length; s++) losses[s] = i.readDouble();
                int n = i.readInt();
                List<float[]> grads = new ArrayList<>();
                for (int p = 0; p < n; p++) grads.add(readFloats(i));
                return new Replay(losses, grads);
            }
        }
    }

    static void writeFloats(DataOutputStream o, float[] x) throws IOException {
        o.writeInt(x.length);
        for (float v : x) o.writeFloat(v);
    }

    static float[] readFloats(DataInputStream i) throws IOException {
        float[] x = new float[i.readInt()];
        for (int j = 0; j < x.length; j++) x[j] = i.readFloat();
        return x;
    }

    static long peakRssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    /** The child side: a command loop around one {@link Side}. */
    static final class Child {
        private Child() {}

        static void run(String[] args) throws Exception {
            String side = args[1], key = args[2];
            int batch = Integer.parseInt(args[3]), threads = Integer.parseInt(args[4]);
            Path dir = Path.of(args[5]);
            PrintStream reply = System.out;
            System.setOut(System.err);                                     // stray prints must not break the protocol
            Side s = side.equals("kiln") ? new KilnSide(key, batch, threads, dir) : new TorchSide(key, batch, threads, dir);
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                if (line.equals("init")) {
                    s.init();
                    reply.println("ok");
                } else if (line.startsWith("round ")) {
                    int steps = Integer.parseInt(line.substring(6));
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steps; i++) s.step();
                    reply.println("done " + (System.nanoTime() - t0) / 1e9);
                } else if (line.equals("quit")) {
                    reply.println("rss " + peakRssKib());
                    return;
                }
                reply.flush();
            }
        }
    }

    /** One side of the comparison. */
    interface Side {
        /** Replays {@link #REPLAY_STEPS} steps and writes what the comparison needs. */
        void init() throws IOException;

        /** One timed training step. */
        void step();
    }

    /** kiln: the model, its batch and Adam on the fast backend. */
    static final class KilnSide implements Side {
        private final String key;
        private final int batch;
        private final Path dir;
        private final Vae vae;
        private final Adam adam;
        private final Tensor x;            // MLP [B, 784] pixels; ARC [B, 10, 30, 30] one-hot
        private final int[] targets;       // ARC [B, 30·30] colours; null for the MLPs
        private Backend backend;           // the loss kernels' backend; the layers use Backends.current()

        KilnSide(String key, int batch, int threads, Path dir) {
            this.key = key;
            this.batch = batch;
            this.dir = dir;
            this.backend = new FastCpuBackend(threads);
            Backends.use(backend);
            Rng rng = new Rng(2024);
            vae = switch (key) {
                case "mlp400" -> Architectures.mlp(784, new int[] {400}, 20, rng);
                case "mlp512" -> Architectures.mlp(784, new int[] {512, 256}, 32, rng);
                case "arc" -> Architectures.arcConv(32, 64, 256, 32, rng);
                default -> throw new IllegalArgumentException("unknown model " + key);
            };
            adam = new Adam(vae.params(), Adam.Config.adam(LR));
            Rng data = new Rng(7);
            if (key.equals("arc")) {
                int cells = 30 * 30;
                x = Tensor.zeros(batch, 10, 30, 30);
                targets = new int[batch * cells];
                for (int b = 0; b < batch; b++) {
                    for (int cell = 0; cell < cells; cell++) {
                        int colour = data.nextInt(10) < 9 ? 0 : 1 + data.nextInt(9);   // mostly black, as ARC
                        targets[b * cells + cell] = colour;
                        x.data[(b * 10 + colour) * cells + cell] = 1f;
                    }
                }
            } else {
                x = Tensor.zeros(batch, 784);
                for (int i = 0; i < x.size(); i++) x.data[i] = data.nextInt(5) < 4 ? 0f : data.nextFloat();
                targets = null;
            }
        }

        @Override
        public void init() throws IOException {
            try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve("model.bin")))) {
                List<Param> params = vae.params();
                o.writeInt(params.size());
                for (Param p : params) {
                    int[] shape = p.value.shape();
                    o.writeInt(shape.length);
                    for (int d : shape) o.writeInt(d);
                    writeFloats(o, p.value.data);
                }
                writeFloats(o, x.data);
                o.writeInt(targets == null ? 0 : targets.length);
                if (targets != null) for (int t : targets) o.writeInt(t);
            }
            double[] losses = new double[REPLAY_STEPS];
            List<float[]> grads = new ArrayList<>();
            try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve("eps.bin")))) {
                for (int s = 0; s < REPLAY_STEPS; s++) {
                    Vae.Pass pass = vae.forward(x, true);
                    float[] eps = new float[pass.z().size()];            // ε = (z − μ)/σ, the noise kiln drew
                    for (int i = 0; i < eps.length; i++) {
                        eps[i] = (float) ((pass.z().data[i] - (double) pass.mu().data[i])
                                / Math.exp(0.5 * pass.logVar().data[i]));
                    }
                    writeFloats(o, eps);
                    losses[s] = lossAndBackward(pass);
                    if (s == 0) for (Param p : vae.params()) grads.add(p.grad.clone());
                    adam.step();
                    for (Param p : vae.params()) p.zeroGrad();
                }
            }
            new Replay(losses, grads).write(dir.resolve("kiln-replay.bin"));
        }

        /** Runs the loss kernels on {@code b} from now on (StepProfile's timing proxy). */
        void useBackend(Backend b) {
            backend = b;
        }

        @Override
        public void step() {
            lossAndBackward(vae.forward(x, true));
            adam.step();
            for (Param p : vae.params()) p.zeroGrad();
        }

        /** (reconstruction + KL)/B, with its gradients added into the parameters. */
        private double lossAndBackward(Vae.Pass pass) {
            float[] logits = pass.out().data;
            int n = logits.length;
            float inv = 1f / batch;
            Tensor dOut = pass.out().zerosLike();
            double rec;
            if (key.equals("arc")) {
                int cells = 30 * 30;
                float[] logp = new float[n];
                rec = backend.logSoftmaxCrossEntropy(logits, targets, null, batch, 10, cells, logp);  // as CrossEntropy
                backend.crossEntropyBackward(logp, targets, null, batch, 10, cells, inv, dOut.data);
            } else {
                rec = backend.bceWithLogits(logits, x.data, n);
                backend.bceWithLogitsBackward(logits, x.data, n, inv, dOut.data);
            }
            int latent = pass.mu().size();
            float[] kl = new float[latent];
            backend.gaussianKl(pass.mu().data, pass.logVar().data, kl, latent);
            double klSum = backend.sum(kl, 0, latent);
            float[] dkl = new float[latent];
            Arrays.fill(dkl, inv);
            Tensor dMu = pass.mu().zerosLike(), dLogVar = pass.logVar().zerosLike();
            backend.gaussianKlBackward(pass.mu().data, pass.logVar().data, dkl, dMu.data, dLogVar.data, latent);
            vae.backward(dOut, dMu, dLogVar);
            return (rec + klSum) / batch;
        }
    }
}
