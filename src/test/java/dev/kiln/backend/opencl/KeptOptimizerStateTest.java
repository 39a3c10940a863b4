package dev.kiln.backend.opencl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bookkeeping of {@link KeptOptimizerState} on its own (no device needed: its kernels are
 * made, never launched): one kernel per m, a new entry starts stale, handBack marks stale by m or
 * v, and past the byte budget the least recently stepped tensor is released, never the one asked
 * for.
 */
class KeptOptimizerStateTest {

    private static float[][] tensor(int n) {
        return new float[][] {new float[n], new float[n], new float[n], new float[n]};   // p, g, m, v
    }

    private static KeptOptimizerState.Entry step(KeptOptimizerState k, float[][] t) {
        KeptOptimizerState.Entry e = k.entryFor(t[0], t[1], t[2], t[3]);
        e.current = true;                                      // what a launch does
        return e;
    }

    @Test
    void oneKernelPerMomentStartingStaleAndHandBackMarksItStaleByEitherMoment() {
        KeptOptimizerState k = new KeptOptimizerState(1 << 20);
        float[][] a = tensor(10), b = tensor(10);
        KeptOptimizerState.Entry ea = k.entryFor(a[0], a[1], a[2], a[3]);
        assertFalse(ea.current, "a new entry has no device copy yet");
        ea.current = true;
        assertSame(ea, k.entryFor(a[0], a[1], a[2], a[3]));
        assertTrue(k.keeps(a[2]));
        KeptOptimizerState.Entry eb = step(k, b);
        assertNotSame(ea, eb);
        assertEquals(2, k.size());
        assertEquals(2 * 4 * 4 * 10, k.bytes());
        k.handBack(List.of(a[3]));                             // v alone
        assertFalse(k.keeps(a[2]));
        assertTrue(k.keeps(b[2]), "other tensors are untouched");
        step(k, a);
        k.handBack(List.of(b[2]));                             // m alone
        assertFalse(k.keeps(b[2]));
        assertTrue(k.keeps(a[2]));
        float[] otherV = new float[10];
        assertFalse(k.entryFor(a[0], a[1], a[2], otherV).current, "the same m with another v is stale");
    }

    @Test
    void pastTheBudgetTheLeastRecentlySteppedTensorIsReleased() {
        long one = 4 * 4 * 100;                                // p, g, m, v of 100 floats
        KeptOptimizerState k = new KeptOptimizerState(2 * one);
        float[][] a = tensor(100), b = tensor(100), c = tensor(100);
        step(k, a);
        step(k, b);
        step(k, a);                                            // a is now the most recent
        step(k, c);                                            // over budget: b goes
        assertEquals(2, k.size());
        assertEquals(2 * one, k.bytes());
        assertTrue(k.keeps(a[2]));
        assertFalse(k.keeps(b[2]), "the least recently stepped tensor was released");
        assertTrue(k.keeps(c[2]));
        KeptOptimizerState.Entry again = k.entryFor(b[0], b[1], b[2], b[3]);
        assertFalse(again.current, "a released tensor starts over: its state goes up again");
        KeptOptimizerState big = new KeptOptimizerState(one / 2);
        step(big, a);
        assertEquals(1, big.size(), "a tensor larger than the budget is still kept while it is the one in use");
    }
}
