package io.poolkeeper.localpg;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removes clusters whose JVM died without running its shutdown hook (kill -9 of a test run), so
 * their servers do not keep running on a shared machine. Best effort: a directory that cannot be
 * cleaned is left for the next run.
 */
final class LeftoverClusters {

    private LeftoverClusters() {}

    static void removeAbandoned() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> roots = Files.newDirectoryStream(temp, ClusterDirectory.PREFIX + "*")) {
            for (Path root : roots) {
                if (ClusterDirectory.isAbandoned(root)) {
                    remove(root);
                }
            }
        } catch (IOException e) {
            // An unreadable temporary directory will fail the new cluster's own setup with a clear message.
        }
    }

    private static void remove(Path root) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dataDir : entries) {
                new Postmaster(dataDir).kill();
            }
            ClusterDirectory.delete(root);
            System.err.println("localpg: removed " + root + ", left behind by a test run that was killed");
        } catch (IOException | RuntimeException e) {
            System.err.println("localpg: could not remove " + root + ", left behind by a killed test run: " + e);
        }
    }
}
