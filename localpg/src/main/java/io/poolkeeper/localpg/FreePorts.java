package io.poolkeeper.localpg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports below the kernel's ephemeral range (32768 and up on Linux), so an
 * outgoing client socket cannot take a server's port while the server is stopped for a restart.
 */
final class FreePorts {

    static final String HOST = "127.0.0.1";
    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_000;
    private static final int ATTEMPTS = 500;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A port no earlier call in this JVM returned and nothing listens on right now. */
    static int next() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
            if (isBindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new LocalPostgresException("Found no free port on " + HOST + " between " + LOWEST
                + " and " + HIGHEST + " after " + ATTEMPTS + " tries; stop leftover servers (ss -ltnp) and retry.");
    }

    private static boolean isBindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // PostgreSQL binds with SO_REUSEADDR too, so a port left in TIME_WAIT is usable for it.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
