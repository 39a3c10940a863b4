package dev.kiln.freebits;

/**
 * What a training log prints for free bits, per step or per epoch. KL values in nats per latent
 * dimension, averaged over the batch.
 *
 * @param klRaw               the KL before free bits
 * @param klAfter             the KL still penalised after free bits (the hinge value)
 * @param penaltyReductionPct 100·(kl_raw − kl_after)/kl_raw, in [0, 100]; 0 when kl_raw = 0
 * @param verdict             seed 003's health check
 */
public record FreeBitsDiagnostics(double klRaw, double klAfter, double penaltyReductionPct, Verdict verdict) {

    public static FreeBitsDiagnostics of(double klRaw, double klAfter) {
        double pct = klRaw > 0 ? 100 * (klRaw - klAfter) / klRaw : 0;
        pct = Math.max(0, Math.min(100, pct));
        return new FreeBitsDiagnostics(klRaw, klAfter, pct, Verdict.of(klRaw, klAfter, pct));
    }
}
