package dev.kiln.cli;

import dev.kiln.config.Overrides;
import dev.kiln.train.ArcData;
import dev.kiln.train.CollapseExperiment;
import dev.kiln.train.RunDirectory;
import dev.kiln.train.Shard;
import dev.kiln.train.SweepPlan;
import dev.kiln.train.SweepRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kiln experiment collapse [--data DIR] --out DIR [--size demo|full] [--seeds …] [--workers N]}. */
@Command(name = "experiment", description = "Reproducible experiments.",
        subcommands = {ExperimentCommand.Collapse.class})
public final class ExperimentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "collapse",
            description = {"Spec 001's experiment as a sweep (configs/collapse/SIZE.json): a β = 0 control, the naive "
                    + "schedule, the naive schedule with plain CE, and each cure alone and all together (schedule, "
                    + "free bits, focal loss), over several seeds.",
                    "Writes one run directory per configuration and seed, comparison.md, comparison.json, runs.csv, "
                            + "metrics.csv, the plots and report.html. Finished runs are kept and skipped on a rerun."})
    public static final class Collapse implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--data", paramLabel = "DIR",
                description = "Directory of ARC-AGI task files. Default: the synthetic ARC-like generator.")
        Path data;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
        Path out;

        @Option(names = "--size", defaultValue = "demo", paramLabel = "SIZE",
                description = "Plan under configs/collapse/: demo or full (default: ${DEFAULT-VALUE}).")
        String size;

        @Option(names = "--seeds", paramLabel = "S1,S2,…", split = ",", description = "Other seeds than the plan's.")
        List<Long> seeds;

        @Option(names = "--epochs", paramLabel = "N", description = "Override every run's epoch count.")
        Integer epochs;

        @Option(names = "--backend", paramLabel = "NAME", description = "Override the configs' backend: reference, fast or opencl.")
        String backend;

        @Option(names = "--workers", paramLabel = "N", description = "Runs trained at once (default: ${DEFAULT-VALUE}).")
        int workers = SweepRunner.defaultWorkers();

        @Option(names = "--shard", paramLabel = "I/N", description = "Run only a part of the runs (see kiln sweep).")
        String shard;

        @Option(names = "--overwrite", description = "Move the runs a previous call left in OUT aside (renamed, nothing deleted) and start over.")
        boolean overwrite;

        @Override
        public Integer call() {
            if (!CollapseExperiment.SIZES.contains(size)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--size: '" + size + "' is not allowed; "
                        + "allowed: " + String.join(", ", CollapseExperiment.SIZES));
            }
            if (epochs != null && epochs < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--epochs: must be ≥ 1, got " + epochs);
            }
            return runExperiment(spec, size, data, out, seeds, epochs, backend, workers, shard, overwrite);
        }
    }

    static int runExperiment(CommandLine.Model.CommandSpec spec, String size, Path data, Path out, List<Long> seeds,
                             Integer epochs, String backend, int workers, String shard, boolean overwrite) {
        if (workers < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--workers: must be ≥ 1, got " + workers);
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        SweepPlan plan = CollapseExperiment.plan(size);
        List<Overrides.Override> base = new ArrayList<>();
        if (epochs != null) base.add(Overrides.parse("--epochs", "epochs=" + epochs));
        if (backend != null) base.add(Overrides.parse("--backend", "backend=" + backend));
        plan = plan.withBaseOverrides(base);
        if (seeds != null) plan = plan.withSeeds(seeds);
        String source = "configs/collapse/" + size + ".json";
        if (overwrite) {
            // Validate everything before anything is moved (docs/reliability.md): the data, then every
            // run directory; only then are the earlier runs renamed aside, nothing deleted.
            List<SweepPlan.Point> points = plan.points(source);
            if (data != null) ArcData.load(data, points.get(0).config().syntheticGrids());
            for (SweepPlan.Point p : points) RunDirectory.checkFresh(out.resolve(p.dir()), true);
            for (SweepPlan.Point p : points) RunDirectory.prepareFresh(out.resolve(p.dir()), true, console);
        }
        String data1 = data == null ? "the synthetic ARC-like grids" : data.toString();
        return SweepCommand.run(plan, source, out, data, workers, Shard.resolve(shard, System.getenv()),
                List.of("Data: " + data1 + " (validation split). Spec 001's targets: final β ≥ 0.1, KL/dim ≥ 0.05 "
                        + "nats/dim, non-black accuracy ≥ 30%."), console);
    }
}
