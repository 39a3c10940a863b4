package dev.kiln.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import picocli.CommandLine;

import java.math.BigDecimal;
import java.math.MathContext;

/** Small helpers shared by the calculators: JSON output, rounding for display, argument checks. */
final class CliFormat {
    private CliFormat() {}

    /** Compact JSON, one object per line; NaN is refused rather than written as invalid JSON. */
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /**
     * Rounds to 10 significant digits, so that 0.05 − 0.02 prints as 0.03 rather than
     * 0.030000000000000002. Only for display; the computation keeps full precision.
     */
    static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new BigDecimal(v).round(new MathContext(10)).doubleValue();
    }

    /** {@link #round} then the shortest decimal spelling, without a trailing ".0". */
    static String show(double v) {
        double r = round(v);
        if (r == Math.rint(r) && Math.abs(r) < 1e15) return Long.toString((long) r);
        return BigDecimal.valueOf(r).stripTrailingZeros().toPlainString();
    }

    /** A ParameterException (exit code 2) naming the option. */
    static CommandLine.ParameterException bad(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Every value finite, or a ParameterException naming the option and the position. */
    static void requireFinite(CommandLine.Model.CommandSpec spec, String option, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw bad(spec, option + ": value " + (i + 1) + " is " + values[i] + "; finite numbers only");
            }
        }
    }
}
