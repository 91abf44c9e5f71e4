package io.poolkeeper.localpg;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The temporary directory holding one cluster: a data directory and a log per server, the
 * servers' Unix sockets, and an owner file naming this JVM so a later run can tell an abandoned
 * directory from one in use.
 */
final class ClusterDirectory {

    static final String PREFIX = "poolkeeper-localpg-";
    private static final String OWNER_FILE = "owner";

    private final Path root;

    private ClusterDirectory(Path root) {
        this.root = root;
    }

    static ClusterDirectory create(ServerUser user) {
        try {
            Path root = Files.createTempDirectory(PREFIX);
            Files.writeString(root.resolve(OWNER_FILE), describe(ProcessHandle.current()));
            user.handOver(root);
            return new ClusterDirectory(root);
        } catch (IOException e) {
            throw new LocalPostgresException("Could not create a temporary directory in "
                    + System.getProperty("java.io.tmpdir") + ": " + e + ". Check that it exists and is writable.", e);
        }
    }

    /** Whether the JVM that created {@code root} has ended, leaving it behind; false when unsure. */
    static boolean isAbandoned(Path root) {
        try {
            String owner = Files.readString(root.resolve(OWNER_FILE)).trim();
            long pid = Long.parseLong(owner.split(" ", 2)[0]);
            // The start time tells the JVM that wrote the file from a later process reusing its pid.
            boolean ownerRuns = ProcessHandle.of(pid)
                    .filter(process -> Pids.isRunning(process.pid()))
                    .map(ClusterDirectory::describe)
                    .filter(owner::equals)
                    .isPresent();
            return !ownerRuns;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    Path root() {
        return root;
    }

    Path dataDir(String serverName) {
        return root.resolve(serverName);
    }

    Path logFile(String serverName) {
        return root.resolve(serverName + ".log");
    }

    static void delete(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    // A socket or lock file can vanish while its server exits; anything else is a real failure.
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Already gone: deleting is idempotent.
        } catch (IOException e) {
            throw new LocalPostgresException("Could not delete " + root + ": " + e + "; remove it by hand.", e);
        }
    }

    private static String describe(ProcessHandle process) {
        Optional<String> started = process.info().startInstant().map(Object::toString);
        return process.pid() + started.map(instant -> " " + instant).orElse("");
    }
}
