package dev.kiln.backend;

import dev.kiln.mixture.MixtureConfig;
import dev.kiln.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

    @Test
    void outsideAnyScopeTheBackendIsTheOneDefaultThatTheConfigsUseToo() {
        assertEquals(Backends.DEFAULT, Backends.current().name());
        assertEquals(Backends.DEFAULT, TrainConfig.parse("c.json", "{}").run().backend());
        assertEquals(Backends.DEFAULT, MixtureConfig.parse("m.json", "{\"model\": \"mixture\"}").run().backend());
    }

    @Test
    void aScopeGivesBackWhatItReplacedEvenAfterAnExceptionAndNestedScopesUnwindInOrder() {
        Backend outside = Backends.current();
        try (Backends.Scope a = Backends.use(ReferenceBackend.INSTANCE)) {
            assertSame(ReferenceBackend.INSTANCE, Backends.current());
            try (Backends.Scope b = Backends.use(FastCpuBackend.INSTANCE)) {
                assertSame(FastCpuBackend.INSTANCE, Backends.current());
            }
            assertSame(ReferenceBackend.INSTANCE, Backends.current());
        }
        assertSame(outside, Backends.current());
        assertThrows(IllegalStateException.class, () -> {
            try (Backends.Scope a = Backends.use(ReferenceBackend.INSTANCE)) {
                throw new IllegalStateException("a run fails");
            }
        });
        assertSame(outside, Backends.current());
    }

    @Test
    void aChoiceOnOneThreadIsInvisibleOnAnother() throws Exception {
        CountDownLatch chosen = new CountDownLatch(1), seen = new CountDownLatch(1);
        CompletableFuture<String> other = CompletableFuture.supplyAsync(() -> {
            try (Backends.Scope s = Backends.use(ReferenceBackend.INSTANCE)) {
                chosen.countDown();
                await(seen);
                return Backends.current().name();
            }
        });
        await(chosen);
        String here = Backends.current().name();           // while the other thread holds "reference"
        seen.countDown();
        assertEquals("reference", other.get(10, TimeUnit.SECONDS));
        assertEquals(Backends.DEFAULT, here);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "the other thread did not answer");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
