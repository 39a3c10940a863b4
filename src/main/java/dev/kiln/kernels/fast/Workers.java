package dev.kiln.kernels.fast;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads that runs a numbered list of independent tasks, each exactly once.
 *
 * <p>Determinism is the caller's side of the contract: a fast kernel cuts its work into tasks by
 * the problem size alone (never by the thread count), and each task writes its own outputs in a
 * fixed order. Which thread runs a task, and when, then cannot change a single bit of the result,
 * and a run on one thread equals a run on sixteen.
 *
 * <p>How it runs: the calling thread and {@code threads − 1} helper threads (a
 * {@link ForkJoinPool}) each take the next task number from a shared counter until none are left.
 * The caller works too, so a 2-core machine uses both cores with one helper. Tasks must not call
 * a parallel {@code Workers} themselves: the fast kernels pass {@link #sequential()} inside a task,
 * which also keeps each thread's scratch buffers (see {@link Scratch}) in use by one task at a time.
 *
 * <p>Below {@code minParallelWork} (in multiply-adds, or their equivalent) the tasks run in order
 * on the calling thread, so that tiny layers do not pay for waking threads.
 */
public final class Workers {
    /** Parallel only above about a millisecond of single-threaded work: ~2²⁰ multiply-adds. */
    public static final long DEFAULT_MIN_PARALLEL_WORK = 1L << 20;

    /** Runs every task on the calling thread, in order (Vector API kernels where available). */
    public static final Workers SEQUENTIAL = new Workers(1, Long.MAX_VALUE);

    private final int threads;
    private final long minParallelWork;
    private final boolean vector;              // kernels may use the Vector API
    private final Workers sequential;          // this on one thread, same vector choice
    private final ForkJoinPool helpers;        // threads − 1 daemon threads; null when threads == 1

    /**
     * @param threads         how many threads work on one kernel call, the caller included (≥ 1)
     * @param minParallelWork the work below which a call stays on the calling thread (≥ 0)
     */
    public Workers(int threads, long minParallelWork) {
        this(threads, minParallelWork, true);
    }

    /**
     * @param threads         how many threads work on one kernel call, the caller included (≥ 1)
     * @param minParallelWork the work below which a call stays on the calling thread (≥ 0)
     * @param vector          whether the kernels use the Vector API where this JVM has it
     *                        ({@link Simd#AVAILABLE}); false: their scalar twins
     */
    public Workers(int threads, long minParallelWork, boolean vector) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (minParallelWork < 0) {
            throw new IllegalArgumentException("minParallelWork must be >= 0, got " + minParallelWork);
        }
        this.threads = threads;
        this.minParallelWork = minParallelWork;
        this.helpers = threads == 1 ? null : new ForkJoinPool(threads - 1);
        this.vector = vector && Simd.AVAILABLE;
        this.sequential = threads == 1 && minParallelWork == Long.MAX_VALUE ? this
                : new Workers(1, Long.MAX_VALUE, this.vector);
    }

    /** Whether the kernels run their Vector API paths. */
    public boolean vector() {
        return vector;
    }

    /** These workers on the calling thread only (for the work inside one task), same vector choice. */
    public Workers sequential() {
        return sequential;
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.accept(t)} for every t in [0, tasks), each exactly once; in parallel when
     * there are helper threads, at least two tasks, and {@code work ≥ minParallelWork}.
     *
     * <p>If a task throws, no thread starts a further task; the call waits until every thread has
     * stopped (so nothing writes into the outputs after it returns) and then rethrows the first
     * failure, with any later ones attached as suppressed exceptions. Errors travel the same way.
     */
    public void forEach(int tasks, long work, IntConsumer task) {
        if (helpers == null || tasks < 2 || work < minParallelWork) {
            for (int t = 0; t < tasks; t++) task.accept(t);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable runner = () -> {
            try {
                for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) task.accept(t);
            } catch (Throwable e) {
                next.set(tasks);                               // no thread starts another task
                throw e;
            }
        };
        ForkJoinTask<?>[] started = new ForkJoinTask<?>[Math.min(threads, tasks) - 1];
        for (int h = 0; h < started.length; h++) started[h] = helpers.submit(runner);
        Throwable failure = null;
        try {
            runner.run();                                      // the caller works too
        } catch (Throwable e) {                                // Errors too (an AssertionError, an OOM)
            failure = e;
        }
        for (ForkJoinTask<?> helper : started) {               // wait for all, even after a failure
            try {
                helper.join();
            } catch (Throwable e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException("a parallel task failed", failure);  // a sneaky checked one
    }

    /** ⌈a / b⌉ for a ≥ 0, b > 0. */
    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
