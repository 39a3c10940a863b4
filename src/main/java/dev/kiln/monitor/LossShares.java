package dev.kiln.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * Each weighted term's share of the total loss, with an optional health band: seed 003's
 * "teacher contribution" (teacher_loss · teacher_weight / total · 100, healthy at 3–10 %), made
 * general.
 * <pre>
 *   w_i·L_i                      the weighted term (≥ 0)
 *   total = Σ_i w_i·L_i
 *   share_i = 100 · w_i·L_i / total     in %, the shares sum to 100
 * </pre>
 * Seed 003's example: answer 0.3 × 1, KL 0.1 × (15·0.2), teacher 0.05 × 0.3 gives a total of 0.615
 * and a teacher share of 2.4 %, under its 3–10 % band.
 */
public final class LossShares {
    private LossShares() {}

    /** Seed 003's healthy band for the teacher term. */
    public static final Band TEACHER_BAND = new Band(3, 10);

    /**
     * A share range in percent, inclusive.
     *
     * @param minPct lower end, in [0, 100]
     * @param maxPct upper end, in [minPct, 100]
     */
    public record Band(double minPct, double maxPct) {
        public Band {
            if (!(minPct >= 0 && minPct <= maxPct && maxPct <= 100)) {
                throw new IllegalArgumentException("band must satisfy 0 ≤ min_pct ≤ max_pct ≤ 100, got [" + minPct
                        + ", " + maxPct + "]");
            }
        }
    }

    /**
     * One term of the loss.
     *
     * @param name   as in the logs, e.g. {@code "kl"}
     * @param value  the unweighted loss L_i, finite
     * @param weight w_i, finite (w_i·L_i must be ≥ 0)
     * @param band   the healthy share range, or null for none
     */
    public record Term(String name, double value, double weight, Band band) {
        public Term {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("term name must not be empty");
            if (!Double.isFinite(value) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("term '" + name + "': value and weight must be finite, got "
                        + value + " × " + weight);
            }
            if (value * weight < 0) {
                throw new IllegalArgumentException("term '" + name + "': weighted value " + value + " × " + weight
                        + " is negative; shares need terms ≥ 0");
            }
        }

        public Term(String name, double value, double weight) {
            this(name, value, weight, null);
        }

        public double weighted() {
            return value * weight;
        }
    }

    public enum Health { BELOW_BAND, IN_BAND, ABOVE_BAND, NO_BAND, UNDEFINED }

    /**
     * @param name     the term
     * @param weighted w·L
     * @param sharePct its share of the total, % (NaN when the total is 0)
     * @param health   where the share sits relative to the band
     */
    public record Share(String name, double weighted, double sharePct, Health health) {}

    public static double total(List<Term> terms) {
        double acc = 0;
        for (Term t : terms) acc += t.weighted();
        return acc;
    }

    /** The shares, in the order of the terms. */
    public static List<Share> of(List<Term> terms) {
        double total = total(terms);
        List<Share> out = new ArrayList<>(terms.size());
        for (Term t : terms) {
            double pct = total > 0 ? Math.min(100, 100 * t.weighted() / total) : Double.NaN;   // rounding can pass 100
            Health h;
            if (Double.isNaN(pct)) h = Health.UNDEFINED;
            else if (t.band() == null) h = Health.NO_BAND;
            else if (pct < t.band().minPct()) h = Health.BELOW_BAND;
            else if (pct > t.band().maxPct()) h = Health.ABOVE_BAND;
            else h = Health.IN_BAND;
            out.add(new Share(t.name(), t.weighted(), pct, h));
        }
        return out;
    }
}
