package dev.kiln.cli;

import dev.kiln.train.SweepRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kiln demo}: the collapse experiment at demo size, on the embedded synthetic grids by default. */
@Command(name = "demo",
        description = {"Run the collapse experiment at demo size: 7 configurations × 3 seeds (about 5 minutes on an "
                + "idle 2-core machine), then open OUT/report.html.",
                "Same as: kiln experiment collapse --size demo --out runs/demo (and --backend NAME if given). A rerun skips the finished runs; "
                        + "--overwrite starts over."})
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory of ARC-AGI task files. Default: the synthetic ARC-like generator.")
    Path data;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Override the configs' backend: reference, fast or opencl (see kiln device).")
    String backend;

    @Option(names = "--workers", paramLabel = "N", description = "Runs trained at once (default: ${DEFAULT-VALUE}).")
    int workers = SweepRunner.defaultWorkers();

    @Option(names = "--overwrite", description = "Move the runs a previous demo left in OUT aside (renamed, nothing deleted) and start over.")
    boolean overwrite;

    @Override
    public Integer call() {
        return ExperimentCommand.runExperiment(spec, "demo", data, out, null, null, backend, workers, null, overwrite);
    }
}
