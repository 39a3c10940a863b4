package dev.kiln.cli;

import com.google.gson.JsonObject;
import dev.kiln.data.ArcGrid;
import dev.kiln.data.ArcLoader;
import dev.kiln.data.ArcSet;
import dev.kiln.data.ClassStats;
import dev.kiln.data.SyntheticArc;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kiln data}: commands about datasets. {@code stats} describes the ARC grids of a directory
 * or of the synthetic generator; further subcommands (fetching other datasets) sit beside it.
 */
@Command(name = "data",
        description = "Inspect datasets.",
        subcommands = {DataCommand.Stats.class})
public final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    /** {@code kiln data} alone prints its usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code kiln data stats (--arc DIR | --synthetic N [--seed S]) [--json]}: grid count and class
     * distribution, raw (real cells) and padded to 30×30.
     */
    @Command(name = "stats",
            description = {
                    "Grid count and colour distribution, raw (real cells only) and padded to 30×30.",
                    "Give either --arc DIR or --synthetic N."})
    public static final class Stats implements Callable<Integer> {
        /** Largest --synthetic count accepted. */
        static final int MAX_SYNTHETIC = 1_000_000;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--arc", paramLabel = "DIR",
                description = "Directory of ARC-AGI task files, e.g. ARC-AGI/data/training.")
        Path arc;

        @Option(names = "--synthetic", paramLabel = "N",
                description = "Describe N grids of the synthetic generator instead.")
        Integer synthetic;

        @Option(names = "--seed", paramLabel = "S",
                description = "Seed of the synthetic generator (default: " + SyntheticArc.DEFAULT_SEED + ").")
        Long seed;

        @Option(names = "--json", description = "Print one JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            if ((arc == null) == (synthetic == null)) {
                throw new BadInputException("give exactly one of --arc DIR and --synthetic N");
            }
            JsonObject source = new JsonObject();
            ClassStats stats;
            String title;
            if (arc != null) {
                if (seed != null) {
                    throw new BadInputException("--seed applies to --synthetic only, not to --arc");
                }
                ArcSet set = ArcLoader.load(arc);
                stats = ClassStats.of(set.grids());
                source.addProperty("source", "arc");
                source.addProperty("dir", arc.toString());
                source.addProperty("task_files", set.files().size());
                title = "ARC tasks in " + arc + " (" + set.files().size() + " files)";
            } else {
                if (synthetic < 1 || synthetic > MAX_SYNTHETIC) {
                    throw new BadInputException("--synthetic is " + synthetic + "; allowed: 1–" + MAX_SYNTHETIC);
                }
                long s = seed == null ? SyntheticArc.DEFAULT_SEED : seed;
                stats = ClassStats.of(SyntheticArc.generate(synthetic, s));
                source.addProperty("source", "synthetic");
                source.addProperty("seed", s);
                title = "synthetic ARC-like grids, seed " + s;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonObject o = source.deepCopy();
                for (var e : stats.toJson().entrySet()) o.add(e.getKey(), e.getValue());
                out.println(o);
            } else {
                printTable(out, title, stats);
            }
            out.flush();
            return 0;
        }

        private static void printTable(PrintWriter out, String title, ClassStats stats) {
            long[] raw = stats.raw();
            long[] padded = stats.padded();
            out.println(title);
            out.printf(Locale.ROOT, "grids: %d   cells raw: %d   cells padded: %d (%d per grid)%n",
                    stats.grids(), stats.rawCells(), stats.paddedCells(), ArcGrid.PADDED_CELLS);
            out.println();
            out.printf(Locale.ROOT, "%-10s %12s %10s %14s %12s%n", "colour", "raw cells", "raw %", "padded cells", "padded %");
            for (int k = 0; k < ArcGrid.COLOURS; k++) {
                out.printf(Locale.ROOT, "%-10s %12d %9.2f%% %14d %11.2f%%%n", k == 0 ? "0 (black)" : Integer.toString(k),
                        raw[k], 100 * stats.rawShare(k), padded[k], 100 * stats.paddedShare(k));
            }
            out.println();
            out.printf(Locale.ROOT, "black share: %.2f%% raw, %.2f%% padded (the accuracy of predicting black everywhere)%n",
                    100 * stats.blackShareRaw(), 100 * stats.blackSharePadded());
        }
    }
}
