package dev.kiln.opencl;

import dev.kiln.backend.Backends;
import dev.kiln.backend.ReferenceBackend;
import dev.kiln.backend.opencl.OpenClBackend;
import dev.kiln.freebits.FreeBits;
import dev.kiln.freebits.FreeBitsMode;
import dev.kiln.freebits.FreeBitsResult;
import dev.kiln.rand.Rng;
import org.junit.jupiter.api.Test;

import static dev.kiln.testing.TestArrays.abs;
import static dev.kiln.testing.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link FreeBits#apply} on the opencl backend: its two O(B·D) passes run as device kernels (two
 * launches per call) and the result equals the reference's bit for bit, kl_raw, kl_after and the
 * gradient, in both modes; the host still refuses a negative or non-finite KL with its message.
 */
class OpenClFreeBitsTest {

    @Test
    void applyLaunchesTheUnitsAndMaskKernelsAndEqualsTheReference() {
        OpenClBackend device = OpenClTesting.backend();
        Rng rng = new Rng(12_101);
        int batch = 33, dims = 20;
        float[] kl = abs(gaussian(rng, batch * dims, 0.2f));
        for (FreeBitsMode mode : FreeBitsMode.values()) {
            for (double lambda : new double[] {0, 0.05, 0.1, 10}) {
                FreeBits fb = new FreeBits(mode, lambda);
                FreeBitsResult ref;
                try (Backends.Scope s = Backends.use(ReferenceBackend.INSTANCE)) {
                    ref = fb.apply(kl, batch, dims);
                }
                FreeBitsResult dev;
                long before = device.transfers().launches();
                try (Backends.Scope s = Backends.use(device)) {
                    dev = fb.apply(kl, batch, dims);
                }
                String where = mode + " λ=" + lambda;
                assertEquals(2, device.transfers().launches() - before, where + ": units and mask on the device");
                assertEquals(ref.klRaw(), dev.klRaw(), 0.0, where);
                assertEquals(ref.klAfter(), dev.klAfter(), 0.0, where);
                assertArrayEquals(ref.gradient(), dev.gradient(), where);
            }
        }
    }

    @Test
    void theHostStillRefusesANegativeOrNonFiniteKlBeforeAnyLaunch() {
        OpenClBackend device = OpenClTesting.backend();
        long before = device.transfers().launches();
        try (Backends.Scope s = Backends.use(device)) {
            FreeBits fb = new FreeBits(FreeBitsMode.PER_DIM, 0.1);
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                    () -> fb.apply(new float[] {0.1f, -1f, 0.2f, 0.3f}, 2, 2));
            assertEquals("free_bits: kl[1] = -1.0 is negative; KL is ≥ 0 nats", neg.getMessage());
            assertThrows(dev.kiln.tensor.NonFiniteException.class,
                    () -> fb.apply(new float[] {0.1f, 0.2f, Float.NaN, 0.3f}, 2, 2));
        }
        assertEquals(before, device.transfers().launches(), "refused on the host, nothing launched");
    }
}
