package io.poolkeeper.operator;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for the operator to get somewhere, failing with what it last saw. */
public final class Eventually {
    private Eventually() {}

    /** Polls {@code check} until it returns without an AssertionError, for at most {@code timeout}. */
    public static void assertThat(Duration timeout, Runnable check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | RuntimeException e) {
                if (System.nanoTime() > deadline) throw e;
            }
            sleep();
        }
    }

    /** Polls until {@code value} is not null, then returns it. */
    public static <T> T get(String what, Duration timeout, Supplier<T> value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T v = value.get();
            if (v != null) return v;
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
