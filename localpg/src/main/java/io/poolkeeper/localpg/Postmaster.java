package io.poolkeeper.localpg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The postmaster of one data directory, found through its {@code postmaster.pid}. */
final class Postmaster {

    private static final Duration CHILDREN_GRACE = Duration.ofSeconds(5);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_LINE = 3;
    private static final int SOCKET_DIRECTORY_LINE = 4;

    private final Path dataDir;

    Postmaster(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** The running postmaster's pid, or empty when the server is down. */
    OptionalLong pid() {
        List<String> lockFile = lockFile();
        if (lockFile.isEmpty() || lockFile.getFirst().isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long pid = Long.parseLong(lockFile.getFirst().trim());
            return Pids.isRunning(pid) && worksInDataDir(pid) ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The postmaster and all its children, so their end can be awaited once the postmaster is gone. */
    List<Long> processTree() {
        List<Long> pids = new ArrayList<>();
        pid().ifPresent(pid -> {
            pids.add(pid);
            ProcessHandle.of(pid).ifPresent(handle -> handle.descendants().forEach(child -> pids.add(child.pid())));
        });
        return pids;
    }

    /**
     * Kills the postmaster with SIGKILL, as a crash would, and waits until its children, which
     * notice their parent's death on their own, are gone too; any that linger are killed.
     */
    void kill() {
        List<String> lockFile = lockFile();
        List<Long> tree = processTree();
        if (tree.isEmpty()) {
            return;
        }
        ProcessHandle.of(tree.getFirst()).ifPresent(ProcessHandle::destroyForcibly);
        if (!Pids.awaitGone(tree, CHILDREN_GRACE)) {
            tree.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            if (!Pids.awaitGone(tree, EXIT_TIMEOUT)) {
                throw new LocalPostgresException("Server processes " + tree + " of " + dataDir
                        + " survived SIGKILL for " + EXIT_TIMEOUT.toSeconds() + " s; check them with ps.");
            }
        }
        // While PID 1 has not reaped the dead postmaster its pid still exists, and a restart would
        // take the stale lock files for a live server. Every process of the server is dead, so the
        // lock files guard nothing any more.
        deleteLockFiles(lockFile);
    }

    /**
     * Guards against a stale lock file whose pid now belongs to another process: a postmaster works
     * inside its data directory. Without /proc there is nothing to check against.
     */
    private boolean worksInDataDir(long pid) {
        Path cwd = Path.of("/proc", Long.toString(pid), "cwd");
        if (!Files.exists(Path.of("/proc/self/cwd"))) {
            return true;
        }
        try {
            return Files.readSymbolicLink(cwd).equals(dataDir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** postmaster.pid: the pid, then data directory, start time, port and socket directory, a line each. */
    private List<String> lockFile() {
        try {
            return Files.readAllLines(dataDir.resolve("postmaster.pid"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private void deleteLockFiles(List<String> lockFile) {
        try {
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            if (lockFile.size() > SOCKET_DIRECTORY_LINE) {
                String socketLock = ".s.PGSQL." + lockFile.get(PORT_LINE).trim() + ".lock";
                Files.deleteIfExists(Path.of(lockFile.get(SOCKET_DIRECTORY_LINE).trim()).resolve(socketLock));
            }
        } catch (IOException e) {
            throw new LocalPostgresException("Could not remove the stale lock files of " + dataDir + ": " + e, e);
        }
    }
}
