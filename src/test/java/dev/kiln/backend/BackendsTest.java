package dev.kiln.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {

    @Test
    void pickKnowsTheReferenceAndTheFastBackend() {
        assertSame(ReferenceBackend.INSTANCE, Backends.pick("reference"));
        assertSame(FastCpuBackend.INSTANCE, Backends.pick("fast"));
        assertEquals("fast", Backends.pick("fast").name());
    }

    @Test
    void anUnknownBackendNameListsTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.pick("gpu"));
        assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
        assertTrue(e.getMessage().contains("allowed: reference, fast"), e.getMessage());
    }

    @Test
    void aFastBackendNeedsAtLeastOneThread() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FastCpuBackend(0));
        assertTrue(e.getMessage().contains("threads must be >= 1, got 0"), e.getMessage());
    }
}
