package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kiln demo}: the collapse experiment at demo size, on the embedded synthetic grids by default. */
@Command(name = "demo",
        description = {"Run the collapse-vs-rescue experiment at demo size (a few minutes on 2 cores).",
                "Same as: kiln experiment collapse --size demo --out runs/demo --overwrite"})
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory of ARC-AGI task files. Default: the synthetic ARC-like generator.")
    Path data;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}); a previous demo there is replaced.")
    Path out;

    @Override
    public Integer call() {
        return ExperimentCommand.runExperiment(spec, "demo", data, out, null, null, true);
    }
}
