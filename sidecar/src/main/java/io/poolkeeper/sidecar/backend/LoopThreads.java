package io.poolkeeper.sidecar.backend;

/**
 * Knows which threads are event loops, which must never wait on a server: a pooled connection's
 * validation asked for on a loop is put off to the thread that will use the connection.
 */
public final class LoopThreads {
    private static final ThreadLocal<Boolean> LOOP = ThreadLocal.withInitial(() -> false);

    private LoopThreads() {}

    /** Called once by an event loop's thread as it starts. */
    public static void markCurrent() {
        LOOP.set(true);
    }

    static boolean isCurrent() {
        return LOOP.get();
    }
}
