package dev.kiln.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.loss.GaussianKl;
import dev.kiln.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kiln kl --mu -1.2,0.8 --sigma 0.3,0.4}: the KL of a diagonal Gaussian posterior from
 * N(0, I), per latent dimension and in total, computed by {@link GaussianKl} (the code training
 * uses). Seed 002's example gives 1.469 + 0.816 = 2.286 nats.
 */
@Command(name = "kl",
        description = {"KL(N(mu, sigma^2) || N(0, I)) per latent dimension, in nats:",
                "  KL_j = 1/2 (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)"},
        mixinStandardHelpOptions = true)
public final class KlCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mu", required = true, split = ",", paramLabel = "MU",
            description = "posterior means, comma-separated, e.g. -1.2,0.8")
    double[] mu;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Spread spread;

    static final class Spread {
        @Option(names = "--sigma", split = ",", paramLabel = "SIGMA",
                description = "posterior standard deviations (> 0), one per mean")
        double[] sigma;

        @Option(names = "--logvar", split = ",", paramLabel = "LOGVAR",
                description = "posterior log-variances log sigma^2, one per mean")
        double[] logVar;
    }

    @Option(names = "--json", description = "print one JSON object {\"per_dim\": [...], \"total\": ...}")
    boolean json;

    /**
     * Input limits that keep every float32 term finite: exp(logvar) < 3.4e38 needs logvar < 88.7,
     * mu² < 3.4e38 needs |mu| < 1.8e19; the limits leave headroom for the sum of the terms.
     */
    static final double MAX_ABS_LOGVAR = 80;
    static final double MAX_ABS_MU = 1e18;
    static final double MIN_SIGMA = Math.exp(-MAX_ABS_LOGVAR / 2);
    static final double MAX_SIGMA = Math.exp(MAX_ABS_LOGVAR / 2);

    private static void requireWithin(CommandLine.Model.CommandSpec spec, String option, double[] v, double lo, double hi) {
        for (int j = 0; j < v.length; j++) {
            if (v[j] < lo || v[j] > hi) {
                throw CliFormat.bad(spec, option + ": value " + (j + 1) + " is " + v[j] + "; allowed [" + lo + ", " + hi
                        + "], where the float32 KL stays finite");
            }
        }
    }

    @Override
    public Integer call() {
        CliFormat.requireFinite(spec, "--mu", mu);
        boolean bySigma = spread.sigma != null;
        double[] given = bySigma ? spread.sigma : spread.logVar;
        String option = bySigma ? "--sigma" : "--logvar";
        CliFormat.requireFinite(spec, option, given);
        if (given.length != mu.length) {
            throw CliFormat.bad(spec, option + " has " + given.length + " values but --mu has " + mu.length
                    + "; give one value per latent dimension");
        }
        requireWithin(spec, "--mu", mu, -MAX_ABS_MU, MAX_ABS_MU);
        if (bySigma) {
            for (int j = 0; j < given.length; j++) {
                if (given[j] > 0 && (given[j] < MIN_SIGMA || given[j] > MAX_SIGMA)) {
                    throw CliFormat.bad(spec, "--sigma: value " + (j + 1) + " is " + given[j] + "; allowed (" + MIN_SIGMA
                            + ", " + MAX_SIGMA + "), i.e. log sigma^2 within ±" + MAX_ABS_LOGVAR
                            + ", where the float32 KL stays finite");
                }
            }
        } else {
            requireWithin(spec, "--logvar", given, -MAX_ABS_LOGVAR, MAX_ABS_LOGVAR);
        }
        int dims = mu.length;
        float[] muF = new float[dims];                                  // [1, D]
        float[] logVarF = new float[dims];                              // [1, D]
        for (int j = 0; j < dims; j++) {
            if (bySigma && !(given[j] > 0)) {
                throw CliFormat.bad(spec, "--sigma: value " + (j + 1) + " is " + given[j]
                        + "; standard deviations must be > 0 (or give --logvar)");
            }
            muF[j] = (float) mu[j];
            logVarF[j] = (float) (bySigma ? 2 * Math.log(given[j]) : given[j]);
        }
        float[] kl = new GaussianKl().forward(Tensor.of(muF, 1, dims), Tensor.of(logVarF, 1, dims)).data;  // [1, D]
        double total = 0;
        for (float v : kl) total += v;

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonObject o = new JsonObject();
            JsonArray perDim = new JsonArray();
            for (float v : kl) perDim.add(v);
            o.add("per_dim", perDim);
            o.addProperty("total", (float) total);
            out.println(CliFormat.GSON.toJson(o));
        } else {
            out.println("KL(q(z|x) || N(0, I)) per latent dimension, nats");
            out.printf(Locale.ROOT, "%5s %10s %10s %10s %12s%n", "dim", "mu", "sigma", "logvar", "KL");
            for (int j = 0; j < dims; j++) {
                out.printf(Locale.ROOT, "%5d %10.4f %10.4f %10.4f %12.6f%n", j, mu[j], Math.exp(0.5 * logVarF[j]),
                        logVarF[j], kl[j]);
            }
            out.printf(Locale.ROOT, "%5s %10s %10s %10s %12.6f%n", "total", "", "", "", total);
            out.printf(Locale.ROOT, "%5s %10s %10s %10s %12.6f   (KL/dim, nats per dimension)%n", "mean", "", "", "",
                    total / dims);
        }
        out.flush();
        return 0;
    }
}
