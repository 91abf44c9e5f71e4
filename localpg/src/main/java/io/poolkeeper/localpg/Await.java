package io.poolkeeper.localpg;

import java.time.Duration;

/** Polls a condition until it holds, because PostgreSQL reports readiness only by being asked. */
final class Await {

    private static final Duration INTERVAL = Duration.ofMillis(20);

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {}

    /**
     * Returns once {@code condition} holds; a condition that throws counts as not holding yet, and
     * its last failure is reported if time runs out.
     */
    static void until(String what, Duration timeout, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() > deadline) {
                String detail = lastFailure == null ? "" : "; last error: " + lastFailure.getMessage();
                throw new LocalPostgresException(
                        "Timed out after " + describe(timeout) + " waiting for " + what + detail, lastFailure);
            }
            sleep(INTERVAL);
        }
    }

    /** "30 s", or "300 ms" for waits shorter than a second. */
    static String describe(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalPostgresException("Interrupted while waiting", e);
        }
    }
}
