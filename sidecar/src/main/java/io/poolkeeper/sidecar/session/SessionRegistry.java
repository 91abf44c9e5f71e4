package io.poolkeeper.sidecar.session;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logged-in sessions by the process id each was given in BackendKeyData: where a
 * CancelRequest finds its session, and what the query-timeout watchdog walks.
 */
final class SessionRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);
    private final ConcurrentHashMap<Integer, ClientSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger nextProcessId = new AtomicInteger(1);
    private final Thread watchdog;

    SessionRegistry(Duration queryTimeout) {
        this.watchdog = queryTimeout.isZero() ? null : Thread.ofVirtual().name("poolkeeper-query-timeout").start(() -> watch(queryTimeout));
    }

    int newProcessId() {
        int id = nextProcessId.getAndIncrement() & Integer.MAX_VALUE;
        return id == 0 ? newProcessId() : id;
    }

    void add(ClientSession session) {
        sessions.put(session.processId, session);
    }

    void remove(ClientSession session) {
        sessions.remove(session.processId, session);
    }

    int size() {
        return sessions.size();
    }

    /** Cancels the statement of the session these keys name; wrong keys do nothing, as on a real server. */
    void cancel(int processId, int secretKey) {
        ClientSession s = sessions.get(processId);
        if (s == null || s.secretKey != secretKey) {
            log.debug("cancel request for unknown session {} ignored", processId);
            return;
        }
        s.cancelRunningStatement();
    }

    private void watch(Duration timeout) {
        long timeoutNanos = timeout.toNanos();
        long tickMillis = Math.max(10, Math.min(100, timeout.toMillis() / 10));
        try {
            while (true) {
                Thread.sleep(tickMillis);
                long now = System.nanoTime();
                for (ClientSession s : sessions.values()) s.enforceQueryTimeout(now, timeoutNanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (watchdog != null) watchdog.interrupt();
    }
}
