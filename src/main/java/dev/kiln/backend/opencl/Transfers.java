package dev.kiln.backend.opencl;

import com.aparapi.Kernel;
import com.aparapi.Range;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place that moves arrays between the host and the device, and counts the bytes.
 *
 * <p>Every kernel runs in Aparapi's explicit mode: nothing is copied unless this class says so.
 * A launch names each array's role:
 * <ul>
 *   <li>{@code in}: read by the kernel, copied host → device and never back;</li>
 *   <li>{@code out}: every element written by the kernel, copied device → host only (the old host
 *       values are never read, so they are never sent);</li>
 *   <li>{@code inOut}: read and written (the "adds into" kernels, and an output the kernel writes
 *       only part of), copied both ways.</li>
 * </ul>
 * Where a tensor lives, as the Backend seam defines it: on the host, between calls. The seam
 * passes {@code float[]} and the layers, losses and trainer read and write those arrays directly
 * between calls (the reparameterisation, zeroing gradients, logging), so a result must be on the
 * host when the call returns and an input may have changed since the last call. Aparapi's device
 * buffers belong to one kernel's argument slot, so two kernels cannot share one either. What this
 * class does save is every copy the roles make unnecessary; docs/accelerator.md has the numbers.
 * The one exception is the optimizer state ({@link KeptOptimizerState}): each tensor's m and v
 * sit in its own kernel's buffers and are passed as {@code in} only when the device copy is
 * stale, and as {@code out} after every step.
 */
public final class Transfers {
    private final AtomicLong toDevice = new AtomicLong();
    private final AtomicLong toHost = new AtomicLong();
    private final AtomicLong launches = new AtomicLong();

    /** Bytes copied host → device since this ledger was created. */
    public long bytesToDevice() { return toDevice.get(); }

    /** Bytes copied device → host since this ledger was created. */
    public long bytesToHost() { return toHost.get(); }

    /** Kernel launches since this ledger was created. */
    public long launches() { return launches.get(); }

    /** Arrays of one launch, by role. */
    record Args(Object[] in, Object[] out, Object[] inOut) {
        static Args of(Object[] in, Object[] out, Object[] inOut) { return new Args(in, out, inOut); }
    }

    static Object[] arrays(Object... a) { return a; }

    /**
     * Copies the inputs to the device, runs {@code kernel} over {@code range}, copies the outputs
     * back. Refuses a run that Aparapi moved off OpenCL (its Java thread pool fallback, taken when
     * a kernel does not translate or the device rejects it).
     */
    void launch(Kernel kernel, Range range, Args args) {
        kernel.setExplicit(true);
        for (Object a : args.in()) put(kernel, a);
        for (Object a : args.inOut()) put(kernel, a);
        try {
            kernel.execute(range);
        } catch (RuntimeException | AssertionError e) {        // Aparapi's word for "fell off OpenCL"
            throw notOnOpenCl(kernel, e);
        }
        if (!kernel.isRunningCL()) throw notOnOpenCl(kernel, null);
        for (Object a : args.out()) get(kernel, a);
        for (Object a : args.inOut()) get(kernel, a);
        launches.incrementAndGet();
    }

    private static IllegalStateException notOnOpenCl(Kernel kernel, Throwable cause) {
        return new IllegalStateException("Aparapi did not run " + kernel.getClass().getSimpleName() + " on OpenCL"
                + " (the kernel did not translate, or the device refused it; run with"
                + " -Djava.util.logging.config.file naming com.aparapi.level=WARNING for the compiler's words);"
                + " kiln does not let Aparapi's Java thread pool pass itself off as the opencl backend", cause);
    }

    private void put(Kernel k, Object a) {
        if (a instanceof float[] f) {
            k.put(f);
            toDevice.addAndGet(4L * f.length);
        } else if (a instanceof int[] i) {
            k.put(i);
            toDevice.addAndGet(4L * i.length);
        } else if (a instanceof double[] d) {
            k.put(d);
            toDevice.addAndGet(8L * d.length);
        } else {
            throw new IllegalArgumentException("not a kernel array: " + a);
        }
    }

    private void get(Kernel k, Object a) {
        if (a instanceof float[] f) {
            k.get(f);
            toHost.addAndGet(4L * f.length);
        } else if (a instanceof int[] i) {
            k.get(i);
            toHost.addAndGet(4L * i.length);
        } else if (a instanceof double[] d) {
            k.get(d);
            toHost.addAndGet(8L * d.length);
        } else {
            throw new IllegalArgumentException("not a kernel array: " + a);
        }
    }
}
