package dev.kiln.train;

import dev.kiln.error.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Spec 001's experiment as a sweep preset ({@code configs/collapse/SIZE.json}, packaged into the
 * jar, so what ran is always a file a reader can open): one base config and these configurations,
 * each over the plan's seeds,
 * <ol>
 *   <li>{@code control_beta0}: β = 0 throughout, the reference of what the model learns unhindered;</li>
 *   <li>{@code naive}: β = 0 for a warm-up, then a fast ramp to a high β, no free bits;</li>
 *   <li>{@code naive_plain_ce}: the same without class weights (plain cross-entropy);</li>
 *   <li>{@code cure_schedule}: the naive loss with spec 001's ultra-conservative schedule (long warm-up,
 *       slow ramp, β ≤ 0.1);</li>
 *   <li>{@code cure_free_bits}: the naive schedule with per-dimension free bits;</li>
 *   <li>{@code cure_focal}: the naive schedule with focal loss instead of class-weighted CE;</li>
 *   <li>{@code cure_all}: schedule, free bits and focal loss together.</li>
 * </ol>
 * Every configuration but {@code naive_plain_ce} keeps the base's class-weighted loss unless the
 * configuration names the loss as its cure, so each cure differs from {@code naive} in one thing.
 * Run with {@code kiln experiment collapse} or {@code kiln sweep --plan configs/collapse/SIZE.json}.
 */
public final class CollapseExperiment {
    /** The configurations, in table order (the same at every size). */
    public static final List<String> RUNS = List.of("control_beta0", "naive", "naive_plain_ce", "cure_schedule",
            "cure_free_bits", "cure_focal", "cure_all");
    /** Sizes with shipped plans. */
    public static final List<String> SIZES = List.of("demo", "full");

    private CollapseExperiment() {}

    /** The shipped plan of one size. */
    public static SweepPlan plan(String size) {
        if (!SIZES.contains(size)) {
            throw new BadInputException("size '" + size + "' is not allowed; allowed: " + String.join(", ", SIZES));
        }
        String resource = "/configs/collapse/" + size + ".json";
        try (InputStream in = CollapseExperiment.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the jar lacks " + resource);
            return SweepPlan.parse("configs/collapse/" + size + ".json",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The validated config of one configuration at one size, at the plan's first seed. */
    public static TrainConfig preset(String size, String run) {
        for (SweepPlan.Point p : plan(size).points("configs/collapse/" + size + ".json")) {
            if (p.configuration().name().equals(run)) return p.config();
        }
        throw new BadInputException("no configuration '" + run + "' at size " + size + "; configurations: "
                + String.join(", ", RUNS));
    }
}
