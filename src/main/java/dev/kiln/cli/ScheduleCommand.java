package dev.kiln.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.anneal.Annealing;
import dev.kiln.anneal.Annealings;
import dev.kiln.anneal.BetaSchedule;
import dev.kiln.anneal.CapacityAnnealing;
import dev.kiln.anneal.CyclicalSchedule;
import dev.kiln.report.LinePlot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code kiln schedule --type ultra_conservative --epochs 100}: β at the start of each epoch
 * (t = 0, 1, …, epochs − 1) for any time schedule, as a table, JSON {@code {"beta": [...]}}, CSV,
 * and optionally a PNG plot of β over fractional epochs. For {@code capacity} the values are the
 * target KL C(t) in nats per sample (JSON key {@code "capacity"}).
 */
@Command(name = "schedule",
        description = {"Tabulate or plot a beta schedule: beta at the start of each epoch.",
                "Types: constant, linear_warmup, ultra_conservative, cyclical, staged, factory, sigmoid, cosine,"
                        + " capacity. (adaptive and geco follow measured metrics and cannot be tabulated.)",
                "cyclical takes total_epochs from --epochs unless given."},
        mixinStandardHelpOptions = true)
public final class ScheduleCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "schedule type (see above)")
    String type;

    @Option(names = "--epochs", required = true, paramLabel = "N", description = "number of epochs to tabulate, 1-100000")
    int epochs;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "schedule parameter, repeatable, e.g. --param warmup_epochs=10 --param stages=0:0,2:0.5")
    Map<String, String> params = new LinkedHashMap<>();

    @CommandLine.ArgGroup(exclusive = true)
    Format format;

    static final class Format {
        @Option(names = "--json", description = "print one JSON object {\"beta\": [...]}")
        boolean json;

        @Option(names = "--csv", description = "print CSV: epoch,beta")
        boolean csv;
    }

    @Option(names = "--plot", paramLabel = "FILE.png", description = "also write a PNG plot of the schedule")
    Path plot;

    /** The most epochs tabulated: the most a config may train. */
    static final int MAX_EPOCHS = 100_000;

    @Override
    public Integer call() throws IOException {
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw CliFormat.bad(spec, "--epochs must be in [1, " + MAX_EPOCHS + "] (as a config's \"epochs\"), got " + epochs);
        }
        if (plot != null && Files.isDirectory(plot)) {
            throw CliFormat.bad(spec, "--plot: " + plot + " is a directory; give a file name, e.g. " + plot.resolve("beta.png"));
        }
        Map<String, String> p = new LinkedHashMap<>(params);
        if (CyclicalSchedule.NAME.equals(type) && !p.containsKey("total_epochs")) {
            p.put("total_epochs", Integer.toString(epochs));
        }
        if (Annealings.CONTROLLERS.contains(type)) {
            throw CliFormat.bad(spec, "--type " + type + " is a controller driven by measured metrics, not a "
                    + "function of time; tabulate one of: " + String.join(", ", Annealings.TIME_SCHEDULES)
                    + ", " + CapacityAnnealing.NAME);
        }
        Annealing a;
        try {
            a = Annealings.create(type, p);
        } catch (IllegalArgumentException e) {
            throw CliFormat.bad(spec, "--type " + type + ": " + e.getMessage());
        }
        DoubleUnaryOperator f;
        String key;
        if (a instanceof BetaSchedule s) {
            f = s::beta;
            key = "beta";
        } else if (a instanceof CapacityAnnealing c) {
            f = c::capacity;
            key = "capacity";
        } else {
            throw new IllegalStateException("not a time schedule: " + a.describe());   // controllers refused above
        }
        double[] values = new double[epochs];                          // [N] value at the start of each epoch
        for (int e = 0; e < epochs; e++) values[e] = f.applyAsDouble(e);

        if (plot != null) writePlot(a.describe(), key, f);

        PrintWriter out = spec.commandLine().getOut();
        if (format != null && format.json) {
            JsonObject o = new JsonObject();
            JsonArray arr = new JsonArray();
            for (double v : values) arr.add(v);
            o.add(key, arr);
            out.println(CliFormat.GSON.toJson(o));
        } else if (format != null && format.csv) {
            out.println("epoch," + key);
            for (int e = 0; e < epochs; e++) out.println(e + "," + values[e]);
        } else {
            out.println(a.describe());
            out.printf(Locale.ROOT, "%6s  %s%n", "epoch", key.equals("beta") ? "beta" : "capacity (nats/sample)");
            for (int e = 0; e < epochs; e++) out.printf(Locale.ROOT, "%6d  %s%n", e, CliFormat.show(values[e]));
        }
        if (plot != null) spec.commandLine().getErr().println("wrote " + plot);
        out.flush();
        return 0;
    }

    /** The curve over fractional epochs, written to a temporary file beside the target and renamed into place. */
    private void writePlot(String title, String key, DoubleUnaryOperator f) throws IOException {
        Path target = plot.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliFormat.bad(spec, "--plot: directory " + dir + " does not exist");
        }
        int perEpoch = Math.max(1, Math.min(20, 4000 / epochs));
        int points = epochs * perEpoch + 1;
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = (double) i / perEpoch;
            y[i] = f.applyAsDouble(x[i]);
        }
        double top = 0;
        for (double v : y) top = Math.max(top, v);
        new LinePlot(title, "epoch", key.equals("beta") ? "beta" : "capacity (nats/sample)")
                .add(key, x, y).withoutLegend().yRange(0, top > 0 ? 1.05 * top : 1.0).write(target);
    }
}
