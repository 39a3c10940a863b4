package dev.kiln.freebits;

import java.util.Locale;

/**
 * Seed 003's health check on the share of the KL penalty that free bits removed, checked in this
 * order:
 * <pre>
 *   NO_KL         kl_raw = 0: nothing to free (the posterior equals the prior: collapse, or no training yet)
 *   ALL_FREE      kl_after = 0 while kl_raw &gt; 0: λ forgives the whole KL, the bottleneck is off
 *   TOO_TIGHT     reduction &lt; 10 %
 *   TOO_GENEROUS  reduction &gt; 60 %
 *   HEALTHY       20 % ≤ reduction ≤ 40 %
 *   WATCH         otherwise (10–20 % or 40–60 %)
 * </pre>
 * The percentage is rounded to 10⁻⁶ % before the comparison, so that 40 % computed as
 * 40.000000000000006 is still healthy. NO_KL is kiln's addition: seed 003's check would call a
 * zero KL "too tight", which points at the wrong knob.
 */
public enum Verdict {
    NO_KL("kl_raw is 0: the posterior equals the prior everywhere; free bits cannot help"),
    ALL_FREE("every nat of KL is free: lower lambda (seed 003: to about 0.01)"),
    TOO_TIGHT("free bits barely matter (< 10 % of the penalty removed): raise lambda"),
    TOO_GENEROUS("free bits remove > 60 % of the penalty: lower lambda"),
    HEALTHY("20-40 % of the KL penalty removed"),
    WATCH("between the healthy and the warning bands: keep an eye on it");

    public static final double TOO_TIGHT_BELOW_PCT = 10;
    public static final double TOO_GENEROUS_ABOVE_PCT = 60;
    public static final double HEALTHY_FROM_PCT = 20;
    public static final double HEALTHY_TO_PCT = 40;

    private final String advice;

    Verdict(String advice) {
        this.advice = advice;
    }

    /** One line saying what the verdict means and what to change. */
    public String advice() {
        return advice;
    }

    /** The lower-case spelling used in JSON and logs, e.g. {@code all_free}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The verdict for a step or epoch, from its raw and after-free-bits KL. */
    public static Verdict of(double klRaw, double klAfter, double reductionPct) {
        if (klRaw == 0) return NO_KL;
        if (klAfter == 0) return ALL_FREE;
        double pct = Math.rint(reductionPct * 1e6) / 1e6;
        if (pct < TOO_TIGHT_BELOW_PCT) return TOO_TIGHT;
        if (pct > TOO_GENEROUS_ABOVE_PCT) return TOO_GENEROUS;
        if (pct >= HEALTHY_FROM_PCT && pct <= HEALTHY_TO_PCT) return HEALTHY;
        return WATCH;
    }
}
