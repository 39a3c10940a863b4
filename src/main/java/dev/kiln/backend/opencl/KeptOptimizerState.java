package dev.kiln.backend.opencl;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the optimizer's state of each parameter tensor lives between steps on the opencl backend,
 * for the callers of {@link dev.kiln.backend.Backend#adamStepKeepingState} and
 * {@link dev.kiln.backend.Backend#sgdStepKeepingState}: one {@link OptimizerKernel} per tensor, so
 * that its device buffers for m and v (buf for SGD) are that tensor's and nobody else's.
 *
 * <p>What stays and why. An Aparapi kernel in explicit mode keeps an array's device buffer from
 * one launch to the next while the field points at the same array and nothing is put. So m and v
 * need not go up again while the device copy is the last thing the host received from it. They
 * still come back after every step: Aparapi's JNI layer rebuilds a buffer from the host array
 * (clCreateBuffer with CL_MEM_COPY_HOST_PTR on a discrete device) whenever the garbage collector
 * has moved that array since the last launch, which the Java side cannot see. A host copy left
 * stale would then silently replace the device's moments. With the copy back, a rebuilt buffer
 * holds the current values, and both copies agree after every step:
 * <pre>
 *   first step of a tensor, or after handBack:   up g, p, m, v     down p, m, v
 *   every other step:                            up g, p           down p, m, v
 * </pre>
 * p goes up every step because other code may write the parameters (initialisation, a restore,
 * a test's perturbation) and the forward kernels read their own copies of it anyway.
 *
 * <p>Device memory: the kept kernels hold four buffers each, so they are bounded by
 * {@code budgetBytes}. Past it the least recently stepped tensor's kernel is released; its host
 * copies are current, so nothing is lost and its next step uploads again. This also frees the
 * kernels of runs that ended (a sweep trains many models in one JVM).
 */
final class KeptOptimizerState {

    /** One tensor's kernel, and whether its device copies of m and v equal the host's. */
    static final class Entry {
        final OptimizerKernel kernel = new OptimizerKernel();
        float[] v;            // the v (Adam) or the 1-element dummy (SGD) this kernel was given
        boolean current;      // false: m and v must go up before the next launch
        long bytes;           // device bytes of p, g, m, v
    }

    private final Map<float[], Entry> byMoment = new LinkedHashMap<>(16, 0.75f, true);   // key m (identity), LRU order
    private final long budgetBytes;
    private long bytes;

    KeptOptimizerState(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * The kernel that keeps m (and v) on the device, made on first use; {@link Entry#current}
     * says whether m and v must be uploaded.
     */
    Entry entryFor(float[] p, float[] g, float[] m, float[] v) {
        Entry e = byMoment.get(m);
        if (e == null) {
            e = new Entry();
            e.bytes = 4L * (p.length + g.length + m.length + v.length);
            byMoment.put(m, e);
            bytes += e.bytes;
            release(e);
        }
        if (e.v != v) {                                    // the same m with another v: its copy is not v's
            e.v = v;
            e.current = false;
        }
        return e;
    }

    /** Marks every kept copy of these arrays stale: the host may now write them. */
    void handBack(List<float[]> arrays) {
        Set<float[]> back = new HashSet<>(arrays);          // arrays hash by identity
        for (Map.Entry<float[], Entry> e : byMoment.entrySet()) {
            if (back.contains(e.getKey()) || back.contains(e.getValue().v)) e.getValue().current = false;
        }
    }

    /** Whether the device holds a current copy of m (for tests and the ledger's readers). */
    boolean keeps(float[] m) {
        Entry e = byMoment.get(m);
        return e != null && e.current;
    }

    /** Kernels kept, and the device bytes they hold. */
    int size() { return byMoment.size(); }

    long bytes() { return bytes; }

    /** Releases the least recently used kernels, never {@code keep}, until the budget holds. */
    private void release(Entry keep) {
        Iterator<Entry> it = byMoment.values().iterator();
        while (bytes > budgetBytes && it.hasNext()) {
            Entry e = it.next();
            if (e == keep) continue;
            it.remove();
            bytes -= e.bytes;
            e.kernel.dispose();
        }
    }
}
