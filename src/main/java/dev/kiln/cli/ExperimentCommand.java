package dev.kiln.cli;

import dev.kiln.train.CollapseExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kiln experiment collapse [--data DIR] --out DIR [--size demo|full]}. */
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
            description = {"Spec 001's experiment: naive (class-weighted CE), naive with plain CE, ultra-conservative + free bits,",
                    "cyclical + free bits;",
                    "same seed, model and data. Writes OUT/comparison.md, comparison.json, beta.png, "
                            + "kl_per_dim.png, non_black_acc.png and one run directory per run."})
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
                description = "Config set under configs/collapse/: demo or full (default: ${DEFAULT-VALUE}).")
        String size;

        @Option(names = "--epochs", paramLabel = "N", description = "Override every run's epoch count.")
        Integer epochs;

        @Option(names = "--backend", paramLabel = "NAME", description = "Override the configs' backend: reference or fast.")
        String backend;

        @Option(names = "--overwrite", description = "Replace the runs a previous call left in OUT.")
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
            return runExperiment(spec, size, data, out, epochs, backend, overwrite);
        }
    }

    static int runExperiment(CommandLine.Model.CommandSpec spec, String size, Path data, Path out, Integer epochs,
                             String backend, boolean overwrite) {
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        var rows = CollapseExperiment.run(size, data, out, epochs, backend, overwrite, console, System.console() != null);
        console.println("wrote " + out.resolve("comparison.md") + ", comparison.json and plots");
        for (var r : rows) {
            if (!"completed".equals(r.getAsJsonObject().get("status").getAsString())) return 1;
        }
        return 0;
    }
}
