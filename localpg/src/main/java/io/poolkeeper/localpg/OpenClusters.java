package io.poolkeeper.localpg;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Clusters not closed yet, closed by a shutdown hook so an interrupted test run leaves no servers behind. */
final class OpenClusters {

    private static final Set<LocalPostgres> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private OpenClusters() {}

    static void add(LocalPostgres cluster) {
        installHook();
        OPEN.add(cluster);
    }

    static void remove(LocalPostgres cluster) {
        OPEN.remove(cluster);
    }

    private static synchronized void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(OpenClusters::closeAll, "localpg-shutdown"));
            hookInstalled = true;
        }
    }

    private static void closeAll() {
        for (LocalPostgres cluster : OPEN) {
            try {
                cluster.close();
            } catch (RuntimeException e) {
                System.err.println("localpg: " + e.getMessage());
            }
        }
    }
}
