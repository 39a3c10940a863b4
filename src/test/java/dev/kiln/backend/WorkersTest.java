package dev.kiln.backend;

import dev.kiln.kernels.fast.Workers;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Workers}: every task runs exactly once, and a failing task fails the call (on whichever
 * thread it ran), only after every thread has stopped writing. Two tasks that wait for each other
 * on a latch are sure to run on two threads at once, one of them a helper.
 */
class WorkersTest {

    @Test
    void everyTaskRunsExactlyOnceOnOneThreadAndOnMany() {
        for (Workers workers : new Workers[] {Workers.SEQUENTIAL, new Workers(3, 0)}) {
            AtomicInteger[] runs = new AtomicInteger[1000];
            for (int t = 0; t < runs.length; t++) runs[t] = new AtomicInteger();
            workers.forEach(runs.length, Long.MAX_VALUE, t -> runs[t].incrementAndGet());
            for (int t = 0; t < runs.length; t++) assertEquals(1, runs[t].get(), "task " + t);
        }
    }

    @Test
    void anExceptionOnAHelperThreadFailsTheCall() {
        Workers workers = new Workers(2, 0);
        Thread caller = Thread.currentThread();
        CountDownLatch bothStarted = new CountDownLatch(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> workers.forEach(2, 1, t -> {
            meet(bothStarted);
            if (Thread.currentThread() != caller) throw new IllegalStateException("helper task " + t + " failed");
        }));
        assertTrue(messages(e).contains("helper task"), messages(e));
    }

    @Test
    void anErrorOnTheCallingThreadIsRethrownOnlyAfterTheHelpersHaveStopped() {
        Workers workers = new Workers(2, 0);
        Thread caller = Thread.currentThread();
        CountDownLatch bothStarted = new CountDownLatch(2);
        AtomicBoolean helperFinished = new AtomicBoolean();
        AssertionError e = assertThrows(AssertionError.class, () -> workers.forEach(2, 1, t -> {
            meet(bothStarted);
            if (Thread.currentThread() == caller) throw new AssertionError("caller task failed");
            sleep(200);                                   // still writing its outputs
            helperFinished.set(true);
        }));
        assertEquals("caller task failed", e.getMessage());
        assertTrue(helperFinished.get(), "forEach returned while a helper was still running a task");
    }

    @Test
    void twoFailuresGiveTheFirstWithTheSecondSuppressed() {
        Workers workers = new Workers(2, 0);
        CountDownLatch bothStarted = new CountDownLatch(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> workers.forEach(2, 1, t -> {
            meet(bothStarted);
            throw new IllegalArgumentException("task " + t);
        }));
        assertEquals(1, e.getSuppressed().length, "the other task's failure is attached");
    }

    @Test
    void noFurtherTaskStartsOnceATaskHasFailed() {
        Workers workers = new Workers(2, 0);
        AtomicInteger started = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> workers.forEach(10_000, 1, t -> {
            started.incrementAndGet();
            if (t == 0) throw new IllegalStateException("first task failed");
            sleep(1);
        }));
        assertTrue(started.get() < 100, started.get() + " of 10000 tasks started after the first one failed");
    }

    @Test
    void aFailingTaskOnTheSequentialPathFailsTheCall() {
        AtomicInteger started = new AtomicInteger();
        assertThrows(ArithmeticException.class, () -> new Workers(2, Long.MAX_VALUE).forEach(5, 1, t -> {
            started.incrementAndGet();
            if (t == 2) throw new ArithmeticException("task 2");
        }));
        assertEquals(3, started.get(), "tasks run in order and stop at the failure");
    }

    /** Counts down and waits (at most 10 s) until the other task has arrived too. */
    private static void meet(CountDownLatch latch) {
        latch.countDown();
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "the two tasks never ran at the same time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The messages of e and its causes (ForkJoinTask.join may wrap a helper's exception). */
    private static String messages(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) s.append(c.getMessage()).append(" / ");
        return s.toString();
    }
}
