package dev.kiln.anneal;

import java.util.List;
import java.util.stream.Collectors;

import static dev.kiln.anneal.ScheduleMath.checkRange;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;
import static dev.kiln.anneal.ScheduleMath.requireEpoch;

/**
 * {@code staged}: β piecewise constant over a list of stages, each (start_epoch, beta); the first
 * stage starts at epoch 0 and the starts strictly increase. With {@code interpolate}, β instead
 * moves linearly from one stage's value at its start to the next stage's value at the next start.
 * <pre>
 *   i(t) = the last stage with start_i ≤ t
 *   β(t) = beta_i                                                           piecewise constant
 *        = beta_i + (beta_{i+1} − beta_i) · (t − start_i) / (start_{i+1} − start_i)   interpolated
 *        = beta_last                                                        in the last stage (both)
 * </pre>
 * {@link #factory()} is seed 000's "smart manager", weeks mapped to epochs.
 *
 * @param stages      {@code stages}, at least one, first start 0, starts strictly increasing
 * @param interpolate {@code interpolate}: linear between stage starts instead of steps
 */
public record StagedSchedule(List<Stage> stages, boolean interpolate) implements BetaSchedule {
    public static final String NAME = "staged";

    /**
     * One stage: from {@code startEpoch} on (until the next stage), β = {@code beta}.
     *
     * @param startEpoch first epoch of the stage, ≥ 0
     * @param beta       β during the stage, ≥ 0
     */
    public record Stage(double startEpoch, double beta) {
        public Stage {
            nonNegative("stages[].start_epoch", startEpoch);
            nonNegative("stages[].beta", beta);
        }
    }

    public StagedSchedule {
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("stages must list at least one (start_epoch, beta) pair, "
                    + "e.g. \"0:0,2:0.5,4:2,8:4\"");
        }
        stages = List.copyOf(stages);
        if (stages.get(0).startEpoch() != 0) {
            throw new IllegalArgumentException("stages: the first stage must start at epoch 0, got "
                    + stages.get(0).startEpoch());
        }
        for (int i = 1; i < stages.size(); i++) {
            if (!(stages.get(i).startEpoch() > stages.get(i - 1).startEpoch())) {
                throw new IllegalArgumentException("stages: start epochs must strictly increase, but stage " + i
                        + " starts at " + stages.get(i).startEpoch() + " after " + stages.get(i - 1).startEpoch());
            }
        }
    }

    /**
     * Seed 000's factory example, one epoch per week: β = 0 in weeks 1–2 (epochs [0, 2)), 0.5 in
     * weeks 3–4 ([2, 4)), 2.0 in weeks 5–8 ([4, 8)), 4.0 from week 9 (epoch 8) on.
     */
    public static StagedSchedule factory() {
        return new StagedSchedule(List.of(new Stage(0, 0.0), new Stage(2, 0.5), new Stage(4, 2.0), new Stage(8, 4.0)),
                false);
    }

    @Override
    public double beta(double epoch) {
        double t = requireEpoch(NAME, epoch);
        int i = 0;                                                   // the last stage with start ≤ t
        while (i + 1 < stages.size() && stages.get(i + 1).startEpoch() <= t) i++;
        Stage here = stages.get(i);
        double beta;
        if (!interpolate || i + 1 == stages.size()) {
            beta = here.beta();                                      // 1. inside a stage (or the last one)
        } else {
            Stage next = stages.get(i + 1);                          // 2. between two stage starts
            double u = (t - here.startEpoch()) / (next.startEpoch() - here.startEpoch());
            double lo = Math.min(here.beta(), next.beta()), hi = Math.max(here.beta(), next.beta());
            beta = ScheduleMath.clamp(here.beta() + (next.beta() - here.beta()) * u, lo, hi);
        }
        return checkRange(NAME, t, beta, maxBeta());
    }

    @Override
    public double maxBeta() {
        double max = 0;
        for (Stage s : stages) max = Math.max(max, s.beta());
        return max;
    }

    /** Monotone exactly when the stage values never decrease. */
    @Override
    public boolean monotone() {
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).beta() < stages.get(i - 1).beta()) return false;
        }
        return true;
    }

    @Override public String name() { return NAME; }

    @Override
    public String describe() {
        return NAME + "(stages=" + stages.stream().map(s -> fmt(s.startEpoch()) + ":" + fmt(s.beta()))
                .collect(Collectors.joining(",")) + ", interpolate=" + interpolate + ")";
    }
}
