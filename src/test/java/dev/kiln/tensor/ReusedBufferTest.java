package dev.kiln.tensor;

import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.nn.Linear;
import dev.kiln.rand.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers' kept output and gradient arrays ({@link ReusedBuffer}): reused while the size stays,
 * and a tensor kept past the next hand-out fails loudly, through its shape methods in every mode
 * and through its data (NaN) in checked mode.
 */
class ReusedBufferTest {

    @Test
    void aReusingBufferHandsOutTheSameArrayWhileTheSizeStaysAndANewOneWhenItChanges() {
        ReusedBuffer buffer = new ReusedBuffer("test output", false);
        Tensor a = buffer.overwrite(2, 3);
        a.data[4] = 7f;
        Tensor b = buffer.overwrite(3, 2);                        // same size, another shape: same array
        assertSame(a.data, b.data);
        assertArrayEquals(new int[] {3, 2}, b.shape());
        assertEquals(7f, b.data[4]);                              // overwrite: the caller writes every element
        Tensor c = buffer.zeroed(6);
        assertSame(a.data, c.data);
        assertArrayEquals(new float[6], c.data);                  // zeroed: all zeros again
        Tensor d = buffer.overwrite(4, 2);                        // a size change takes a new array
        assertNotSame(a.data, d.data);
        assertEquals(8, d.size());
        Tensor e = buffer.zeroed(4, 2);
        assertSame(d.data, e.data);
        assertEquals(0, buffer.zeroed(0, 5).size());
    }

    @Test
    void aTensorKeptPastTheNextHandOutThrowsFromEveryShapeMethodAndSoDoItsViews() {
        ReusedBuffer buffer = new ReusedBuffer("Thing(1→2) output", false);
        Tensor old = buffer.overwrite(2, 3);
        Tensor view = old.reshape(3, 2);
        Tensor plain = Tensor.zeros(2, 3);
        Tensor live = buffer.overwrite(2, 3);
        for (Tensor stale : new Tensor[] {old, view}) {
            StaleTensorException e = assertThrows(StaleTensorException.class, stale::shape);
            assertTrue(e.getMessage().contains("Thing(1→2) output"), e.getMessage());
            assertTrue(e.getMessage().contains("copy()"), e.getMessage());
            assertThrows(StaleTensorException.class, stale::rank);
            assertThrows(StaleTensorException.class, () -> stale.dim(0));
            assertThrows(StaleTensorException.class, stale::size);
            assertThrows(StaleTensorException.class, () -> stale.reshape(6));
            assertThrows(StaleTensorException.class, stale::copy);
            assertThrows(StaleTensorException.class, stale::zerosLike);
            assertThrows(StaleTensorException.class, stale::requireLive);
            assertThrows(StaleTensorException.class, () -> stale.requireShape("test", -1, -1));
            assertThrows(StaleTensorException.class, () -> Tensor.requireSameShape("test", stale, plain));
            assertThrows(StaleTensorException.class, () -> Tensor.requireSameShape("test", plain, stale));
            assertEquals("Tensor" + stale.shapeString(), stale.toString());   // messages still work
        }
        assertEquals(6, live.size());                             // the latest hand-out and its views are live
        assertEquals(2, live.reshape(6, 1).rank());
        live.requireShape("test", 2, 3);
        Tensor.requireSameShape("test", live, plain);
        Tensor kept = live.copy();
        buffer.overwrite(2, 3);
        assertEquals(6, kept.size());                             // a copy is the caller's for good
    }

    @Test
    void aCheckedBufferPoisonsTheArrayItReplacesAndHandsOutNaNForOverwrite() {
        ReusedBuffer buffer = new ReusedBuffer("test output", true);
        Tensor a = buffer.overwrite(2);
        assertTrue(Float.isNaN(a.data[0]) && Float.isNaN(a.data[1]), "an element the kernel does not write shows");
        a.data[0] = 1f;
        a.data[1] = 2f;
        Tensor b = buffer.zeroed(2);
        assertNotSame(a.data, b.data);
        assertArrayEquals(new float[] {0f, 0f}, b.data);
        assertTrue(Float.isNaN(a.data[0]) && Float.isNaN(a.data[1]), "a stale read of data shows NaN");
        buffer.overwrite(3);
        assertTrue(Float.isNaN(b.data[0]) && Float.isNaN(b.data[1]));
    }

    @Test
    void theTestsRunWithCheckedBuffers() {
        assertTrue(ReusedBuffer.CHECKED_BY_DEFAULT, "Surefire enables assertions, so every layer in a test is checked");
    }

    /**
     * The held-too-long case of the contract: a caller keeps the model's pass past the next forward.
     * Its shape methods throw; its data reads NaN here (checked mode), never the next pass's values.
     */
    @Test
    void aVaePassKeptPastTheNextForwardFailsLoudly() {
        Rng rng = new Rng(3);
        Vae vae = Architectures.mlp(6, new int[] {5}, 2, rng);
        Tensor x = Tensor.zeros(4, 6);
        rng.fillGaussian(x.data, x.size());
        Vae.Pass first = vae.forward(x, false);
        float[] firstOut = first.out().copy().data;
        Vae.Pass second = vae.forward(x, false);
        assertThrows(StaleTensorException.class, () -> first.out().shape());
        assertThrows(StaleTensorException.class, () -> first.mu().size());
        assertThrows(StaleTensorException.class, () -> first.logVar().reshape(8));
        assertTrue(Float.isNaN(first.out().data[0]) && Float.isNaN(first.mu().data[0]));
        assertArrayEquals(firstOut, second.out().data);           // the same input, the same result
    }

    @Test
    void aLayerFedItsOwnLiveOutputFailsLoudlyInsteadOfReadingItsOwnWrites() {
        Linear square = new Linear(3, 3, new Rng(5));
        Tensor y = square.forward(Tensor.zeros(2, 3));
        assertThrows(StaleTensorException.class, () -> square.forward(y));
    }
}
