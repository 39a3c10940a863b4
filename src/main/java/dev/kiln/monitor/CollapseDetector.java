package dev.kiln.monitor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Raises a named warning when a collapse symptom persists for {@code patience} consecutive
 * evaluations: exactly on the k-th bad evaluation in a row and on every bad one after it, never
 * before; one good evaluation resets that symptom's count. A NaN value means "not measured this
 * time" and neither advances nor resets the count.
 * <pre>
 *   KL_COLLAPSE                 KL/dim &lt; min_kl_per_dim              (spec 001: 0.05 nats/dim)
 *   NON_MAJORITY_ACCURACY_LOW   non-majority accuracy &lt; min_non_majority_accuracy   (spec 001: 0.30)
 *   MAJORITY_SHARE_HIGH         majority share ≥ max_majority_share   (share → 1: all black)
 * </pre>
 */
public final class CollapseDetector {

    /** The symptoms, each with the name that appears in logs. */
    public enum Kind {
        KL_COLLAPSE,
        NON_MAJORITY_ACCURACY_LOW,
        MAJORITY_SHARE_HIGH;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param minKlPerDim            {@code min_kl_per_dim}, nats per latent dimension, ≥ 0
     * @param minNonMajorityAccuracy {@code min_non_majority_accuracy}, fraction in [0, 1]
     * @param maxMajorityShare       {@code max_majority_share}, fraction in (0, 1]
     * @param patience               {@code patience} k ≥ 1, consecutive bad evaluations before a warning
     */
    public record Config(double minKlPerDim, double minNonMajorityAccuracy, double maxMajorityShare, int patience) {
        public Config {
            if (!(minKlPerDim >= 0) || Double.isInfinite(minKlPerDim)) {
                throw new IllegalArgumentException("min_kl_per_dim must be a finite number ≥ 0 (nats per dimension), got "
                        + minKlPerDim);
            }
            if (!(minNonMajorityAccuracy >= 0 && minNonMajorityAccuracy <= 1)) {
                throw new IllegalArgumentException("min_non_majority_accuracy must be a fraction in [0, 1], got "
                        + minNonMajorityAccuracy);
            }
            if (!(maxMajorityShare > 0 && maxMajorityShare <= 1)) {
                throw new IllegalArgumentException("max_majority_share must be a fraction in (0, 1], got " + maxMajorityShare);
            }
            if (patience < 1) throw new IllegalArgumentException("patience must be ≥ 1, got " + patience);
        }

        /** KL/dim 0.05 nats (spec 001), non-majority accuracy 30 % (spec 001), majority share 0.99, k = 3. */
        public static Config defaults() {
            return new Config(LatentStats.DEFAULT_MIN_KL_PER_DIM, 0.30, 0.99, 3);
        }
    }

    /**
     * One evaluation's measurements; NaN for anything not measured.
     *
     * @param klPerDim            KL/dim, nats per latent dimension
     * @param nonMajorityAccuracy accuracy over cells whose true class is not the majority, [0, 1]
     * @param majorityShare       share of predictions that are the majority class, [0, 1]
     */
    public record Evaluation(double klPerDim, double nonMajorityAccuracy, double majorityShare) {}

    /**
     * A symptom that has persisted for {@code consecutive} ≥ patience evaluations.
     *
     * @param kind        which symptom
     * @param consecutive bad evaluations in a row, this one included
     * @param value       this evaluation's value
     * @param threshold   the configured threshold
     */
    public record Warning(Kind kind, int consecutive, double value, double threshold) {
        /** e.g. {@code kl_collapse: KL/dim 0.012 < 0.05 nats/dim for 3 evaluations}. */
        public String message() {
            String what = switch (kind) {
                case KL_COLLAPSE -> "KL/dim " + num(value) + " < " + num(threshold) + " nats/dim";
                case NON_MAJORITY_ACCURACY_LOW -> "non-majority accuracy " + num(100 * value) + "% < "
                        + num(100 * threshold) + "%";
                case MAJORITY_SHARE_HIGH -> "majority-class share of predictions " + num(100 * value) + "% ≥ "
                        + num(100 * threshold) + "%";
            };
            return kind.code() + ": " + what + " for " + consecutive + " evaluations";
        }

        /** Four significant digits, no trailing zeros: 0.001, 0.05, 33.33. */
        private static String num(double v) {
            return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
    }

    private final Config config;
    private final int[] streaks = new int[Kind.values().length];   // consecutive bad evaluations per kind

    public CollapseDetector(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** Records one evaluation and returns the warnings active after it (empty when healthy). */
    public List<Warning> observe(Evaluation e) {
        List<Warning> out = new ArrayList<>();
        step(Kind.KL_COLLAPSE, e.klPerDim(), e.klPerDim() < config.minKlPerDim(), config.minKlPerDim(), out);
        step(Kind.NON_MAJORITY_ACCURACY_LOW, e.nonMajorityAccuracy(),
                e.nonMajorityAccuracy() < config.minNonMajorityAccuracy(), config.minNonMajorityAccuracy(), out);
        step(Kind.MAJORITY_SHARE_HIGH, e.majorityShare(), e.majorityShare() >= config.maxMajorityShare(),
                config.maxMajorityShare(), out);
        return out;
    }

    private void step(Kind kind, double value, boolean bad, double threshold, List<Warning> out) {
        int k = kind.ordinal();
        if (Double.isNaN(value)) return;                               // not measured: count unchanged
        streaks[k] = bad ? streaks[k] + 1 : 0;
        if (streaks[k] >= config.patience()) out.add(new Warning(kind, streaks[k], value, threshold));
    }

    /** Consecutive bad evaluations so far for one symptom. */
    public int streak(Kind kind) {
        return streaks[kind.ordinal()];
    }

    /** The counters, in {@link Kind} order, for checkpoints. */
    public int[] saveState() {
        return streaks.clone();
    }

    public void restoreState(int[] state) {
        if (state == null || state.length != streaks.length) {
            throw new IllegalArgumentException("collapse_detector: state must have " + streaks.length + " counters");
        }
        for (int s : state) {
            if (s < 0) throw new IllegalArgumentException("collapse_detector: negative counter " + s);
        }
        System.arraycopy(state, 0, streaks, 0, streaks.length);
    }
}
