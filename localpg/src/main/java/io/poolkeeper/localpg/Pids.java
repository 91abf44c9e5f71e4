package io.poolkeeper.localpg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Process liveness that counts a zombie as gone. A postmaster started by pg_ctl is reparented to
 * PID 1, which may reap it late once it dies, and {@link ProcessHandle#isAlive()} still calls such
 * a process alive.
 */
final class Pids {

    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

    private Pids() {}

    static boolean isRunning(long pid) {
        if (!PROC) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The state letter follows the command name, which is in parentheses and may hold anything.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | IndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Waits until none of {@code pids} runs; false if some still did when time ran out. */
    static boolean awaitGone(List<Long> pids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pids.stream().anyMatch(Pids::isRunning)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Await.sleep(Duration.ofMillis(10));
        }
        return true;
    }
}
