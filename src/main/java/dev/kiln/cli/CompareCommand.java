package dev.kiln.cli;

import dev.kiln.report.Comparison;
import dev.kiln.report.SweepReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kiln compare RUN_DIR… [--out DIR] [--json]}. */
@Command(name = "compare",
        description = {"Compare finished runs: one row per configuration (the config without its seed), with mean ± sd "
                + "and a 95%% interval over seeds of final β, KL/dim (and its minimum over epochs), active units, "
                + "non-black accuracy, majority share, and the seeds that collapsed and when.",
                "A directory that holds run directories below it (a sweep) stands for all of them."})
public final class CompareCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run directories (or sweep directories).")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write comparison.md, comparison.json, runs.csv, metrics.csv, the plots and report.html here.")
    Path out;

    @Option(names = "--json", description = "Print the table as JSON instead of Markdown.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Comparison c = Comparison.of(Comparison.read(dirs));
        var w = spec.commandLine().getOut();
        w.print(json ? Comparison.toJson(c) + "\n" : c.markdown());
        if (out != null) {
            c.write(out, "Comparison");
            SweepReport.write(c, out, new SweepReport.Page("Comparison of " + c.groups().size() + " configuration(s)",
                    List.of("Runs: " + dirs), Map.of()));
            w.println("wrote " + out.resolve("report.html") + ", comparison.md, comparison.json, runs.csv, metrics.csv "
                    + "and plots");
        }
        w.flush();
        return 0;
    }
}
