package dev.kiln.nn;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of small convolution geometries for the Conv2d and ConvTranspose2d properties:
 * batch 1–3, channels 1–3, spatial 1–6, kernel 1–4, stride 1–2, pad 0–2, so that size-1 axes,
 * kernels wider than the unpadded input, and strides that skip input columns all occur.
 */
final class ConvGeometries {
    private ConvGeometries() {}

    /** An ordinary convolution: [batch, inC, h, w] → [batch, outC, ·, ·]. */
    record Conv(int batch, int inC, int outC, int h, int w, int k, int stride, int pad) {
        boolean fits() {
            return h + 2 * pad >= k && w + 2 * pad >= k;
        }

        boolean hasSizeOneAxis() {
            return batch == 1 || inC == 1 || outC == 1 || h == 1 || w == 1;
        }
    }

    /** A transposed convolution: [batch, inC, h, w] → [batch, outC, outH, outW]. */
    record Transposed(int batch, int inC, int outC, int h, int w, int k, int stride, int pad, int outputPadding) {
        int outH() {
            return (h - 1) * stride - 2 * pad + k + outputPadding;
        }

        int outW() {
            return (w - 1) * stride - 2 * pad + k + outputPadding;
        }

        boolean hasSizeOneAxis() {
            return batch == 1 || inC == 1 || outC == 1 || h == 1 || w == 1 || outH() == 1 || outW() == 1;
        }
    }

    static Arbitrary<Conv> convolutions() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 3),    // batch
                        Arbitraries.integers().between(1, 3),    // inC
                        Arbitraries.integers().between(1, 3),    // outC
                        Arbitraries.integers().between(1, 6),    // h
                        Arbitraries.integers().between(1, 6),    // w
                        Arbitraries.integers().between(1, 4),    // k
                        Arbitraries.integers().between(1, 2),    // stride
                        Arbitraries.integers().between(0, 2))    // pad
                .as(Conv::new)
                .filter(Conv::fits);
    }

    static Arbitrary<Transposed> transposedConvolutions() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 3),    // batch
                        Arbitraries.integers().between(1, 3),    // inC
                        Arbitraries.integers().between(1, 3),    // outC
                        Arbitraries.integers().between(1, 5),    // h
                        Arbitraries.integers().between(1, 5),    // w
                        Arbitraries.integers().between(1, 4),    // k
                        Arbitraries.integers().between(1, 2),    // stride
                        Arbitraries.integers().between(0, 2))    // pad
                .as((b, ci, co, h, w, k, s, p) -> new Transposed(b, ci, co, h, w, k, s, p, 0))
                .flatMap(t -> Arbitraries.integers().between(0, t.stride() - 1)
                        .map(op -> new Transposed(t.batch(), t.inC(), t.outC(), t.h(), t.w(), t.k(), t.stride(),
                                t.pad(), op)))
                .filter(t -> t.outH() > 0 && t.outW() > 0);
    }
}
