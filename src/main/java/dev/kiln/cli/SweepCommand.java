package dev.kiln.cli;

import dev.kiln.backend.Backends;
import dev.kiln.config.Overrides;
import dev.kiln.error.BadInputException;
import dev.kiln.report.Comparison;
import dev.kiln.train.Shard;
import dev.kiln.train.SweepPlan;
import dev.kiln.train.SweepRunner;
import dev.kiln.train.SweepSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kiln sweep (--config FILE | --plan FILE) [--set K=V]… [--grid K=V1,V2]… [--seeds 1,2,3] --out DIR}. */
@Command(name = "sweep",
        description = {"Train a base config over a grid of --set values and a list of seeds: one run directory per "
                + "point, OUT/<configuration>/seed_<seed>/, run by a pool of local workers.",
                "Resumable: finished runs are skipped, interrupted ones resumed. Shardable: --shard i/n, or the "
                        + "index of a Slurm job array (docs/experiments.md). Writes OUT/sweep.json, comparison.md, "
                        + "comparison.json, runs.csv, metrics.csv, the plots and report.html over the finished runs."})
public final class SweepCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--config", paramLabel = "FILE", description = "Base training config (JSON).")
    Path config;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "Sweep plan (JSON: name, base, seeds, configurations), e.g. configs/collapse/demo.json.")
    Path plan;

    @Option(names = "--set", paramLabel = "KEY.PATH=VALUE", description = "Override a key of the base config (repeatable).")
    List<String> set = new ArrayList<>();

    @Option(names = "--grid", paramLabel = "KEY.PATH=V1,V2,…",
            description = "One axis of the grid (repeatable; the axes are crossed), e.g. --grid free_bits.lambda=0,0.1.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--seeds", paramLabel = "S1,S2,…", split = ",",
            description = "Seeds of every configuration (default: the plan's, or the config's seed).")
    List<Long> seeds;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory of ARC-AGI task files. Default: the synthetic ARC-like generator.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Sweep directory.")
    Path out;

    @Option(names = "--workers", paramLabel = "N",
            description = "Runs trained at once (default: one per 4 cores, here ${DEFAULT-VALUE}); they share the "
                    + "fast backend's kernel threads.")
    int workers = SweepRunner.defaultWorkers();

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only the points p with p mod N = I (default: from SLURM_ARRAY_TASK_ID, else all).")
    String shard;

    @Override
    public Integer call() {
        if ((config == null) == (plan == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --config FILE or --plan FILE");
        }
        if (workers < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--workers: must be ≥ 1, got " + workers);
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        SweepPlan p;
        String source;
        if (plan != null) {
            source = plan.getFileName().toString();
            p = SweepPlan.parse(source, read(plan));
        } else {
            source = config.getFileName().toString();
            var base = Overrides.readObject(config);
            String name = base.has("name") && base.get("name").isJsonPrimitive() ? base.get("name").getAsString()
                    : source.replace(".json", "");
            long seed = base.has("seed") && base.get("seed").isJsonPrimitive() ? base.get("seed").getAsLong() : 1;
            p = SweepPlan.ofBase(base, name, List.of(seed));
        }
        p = p.withBaseOverrides(Overrides.parseAll("--set", set));
        List<SweepPlan.Axis> axes = new ArrayList<>();
        for (String g : grid) axes.add(SweepPlan.Axis.parse(g));
        p = p.withGrid(axes);
        if (seeds != null) p = p.withSeeds(seeds);
        return run(p, source, out, data, workers, Shard.resolve(shard, System.getenv()), List.of(), console);
    }

    /** Runs a plan's shard and writes the summary over every finished point; the exit code. */
    static int run(SweepPlan p, String source, Path out, Path data, int workers, Shard shard, List<String> notes,
                   PrintStream console) {
        List<SweepPlan.Point> points = p.points(source);
        List<SweepPlan.Point> mine = shard.select(points);
        console.printf("%s: %d configurations × %d seeds = %d runs; this process: %d (shard %s), %d worker(s)%n",
                p.name(), p.configurations().size(), p.seeds().size(), points.size(), mine.size(), shard, workers);
        // Every backend the runs name must be at hand before anything is written: opencl without an
        // OpenCL device stops the whole call here (BadInputException, exit 2, naming what to install)
        // rather than failing each run after its directory exists.
        mine.stream().map(pt -> pt.config().run().backend()).distinct().forEach(Backends::pick);
        SweepRunner.Prepared prepared = SweepRunner.prepare(mine, out, data);   // checks everything, writes nothing
        SweepSummary.writePlan(p, points, out);
        long t0 = System.nanoTime();
        List<SweepRunner.Outcome> outcomes = SweepRunner.run(prepared, workers, console);
        double minutes = (System.nanoTime() - t0) / 60e9;
        List<String> allNotes = new ArrayList<>(notes);
        allNotes.add(String.format(java.util.Locale.ROOT, "This call: %d runs trained, %d skipped as done, in %.1f "
                        + "minutes with %d worker(s) on %d cores.", outcomes.stream().filter(o -> !o.state().equals("skipped")).count(),
                outcomes.stream().filter(o -> o.state().equals("skipped")).count(), minutes, workers,
                Runtime.getRuntime().availableProcessors()));
        Comparison c = SweepSummary.write(p, points, out, allNotes);
        if (c != null) {
            console.println();
            console.print(c.markdown());
            console.println("wrote " + out.resolve("report.html") + ", comparison.md, comparison.json, runs.csv, "
                    + "metrics.csv and plots");
        }
        boolean bad = outcomes.stream().anyMatch(o -> o.state().equals("failed") || o.state().equals("diverged"));
        return bad ? 1 : 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read sweep plan: " + e.getMessage(), e);
        }
    }
}
