package dev.kiln.cli;

import com.google.gson.JsonObject;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsDiagnostics;
import dev.kiln.freebits.FreeBitsMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kiln free-bits --kl-raw 0.05 --lambda 0.02}: what free bits with threshold λ does to a
 * measured KL, with seed 003's verdict; or, with {@code --target-reduction 0.3}, the λ that
 * removes that fraction of the penalty. KL and λ are in nats per latent dimension.
 */
@Command(name = "free-bits",
        description = {"Free bits on a measured KL (nats per latent dimension): kl_after, penalty reduction, verdict.",
                "  mean_over_dims (default): kl_after = max(mean_j KL_j - lambda, 0)",
                "  per_dim:                  kl_after = mean_j max(KL_j - lambda, 0)",
                "With one --kl-raw value the two modes agree."},
        mixinStandardHelpOptions = true)
public final class FreeBitsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kl-raw", required = true, split = ",", paramLabel = "KL",
            description = "measured KL in nats per latent dimension (batch-averaged); "
                    + "one value, or one per dimension, comma-separated")
    double[] klRaw;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Threshold threshold;

    static final class Threshold {
        @Option(names = "--lambda", paramLabel = "LAMBDA",
                description = "free-bits threshold lambda, nats per latent dimension, >= 0")
        Double lambda;

        @Option(names = "--target-reduction", paramLabel = "R",
                description = "calibrate lambda so that free bits remove this fraction of the penalty, in [0, 1]")
        Double targetReduction;
    }

    @Option(names = "--mode", defaultValue = "mean_over_dims", paramLabel = "MODE",
            description = "mean_over_dims (hinge of the mean, seed 003) or per_dim (Kingma et al. 2016); "
                    + "default ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        FreeBitsMode m;
        try {
            m = FreeBitsMode.parse("--mode", mode);
        } catch (IllegalArgumentException e) {
            throw CliFormat.bad(spec, e.getMessage());
        }
        CliFormat.requireFinite(spec, "--kl-raw", klRaw);
        for (int j = 0; j < klRaw.length; j++) {
            if (klRaw[j] < 0) {
                throw CliFormat.bad(spec, "--kl-raw: value " + (j + 1) + " is " + klRaw[j] + "; KL is >= 0 nats");
            }
        }
        Double target = threshold.targetReduction;
        double lambda;
        if (target != null) {
            if (!(target >= 0 && target <= 1)) {
                throw CliFormat.bad(spec, "--target-reduction must be a fraction in [0, 1] (0.3 for 30%), got " + target);
            }
            lambda = FreeBits.calibrateRow(m, klRaw, target);
        } else {
            lambda = threshold.lambda;
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw CliFormat.bad(spec, "--lambda must be a finite number >= 0 (nats per latent dimension), got "
                        + threshold.lambda);
            }
        }
        FreeBitsDiagnostics d = new FreeBits(m, lambda).applyToRow(klRaw);

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("mode", m.configName());
            o.addProperty("kl_raw", CliFormat.round(d.klRaw()));
            if (target != null) o.addProperty("target_reduction", target);
            o.addProperty("lambda", CliFormat.round(lambda));
            o.addProperty("kl_after", CliFormat.round(d.klAfter()));
            o.addProperty("penalty_reduction_pct", CliFormat.round(d.penaltyReductionPct()));
            o.addProperty("verdict", d.verdict().configName());
            out.println(CliFormat.GSON.toJson(o));
        } else {
            out.println("free bits, " + m.configName() + " (lambda and KL in nats per latent dimension)");
            if (target != null) {
                out.printf(Locale.ROOT, "  calibrated lambda      %s  (removes %s%% of the penalty)%n",
                        CliFormat.show(lambda), CliFormat.show(100 * target));
            }
            out.printf(Locale.ROOT, "  kl_raw                 %s%n", CliFormat.show(d.klRaw()));
            out.printf(Locale.ROOT, "  lambda                 %s%n", CliFormat.show(lambda));
            out.printf(Locale.ROOT, "  kl_after               %s%n", CliFormat.show(d.klAfter()));
            out.printf(Locale.ROOT, "  penalty_reduction_pct  %s%n", CliFormat.show(d.penaltyReductionPct()));
            out.printf(Locale.ROOT, "  verdict                %s: %s%n", d.verdict().configName(), d.verdict().advice());
        }
        out.flush();
        return 0;
    }
}
