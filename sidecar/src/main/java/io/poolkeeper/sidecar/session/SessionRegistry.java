package io.poolkeeper.sidecar.session;

import java.time.Duration;
import java.util.function.Supplier;
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

    SessionRegistry(Supplier<Duration> queryTimeout) {
        this.watchdog = Thread.ofVirtual().name("poolkeeper-query-timeout").start(() -> watch(queryTimeout));
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

    /** Walks the sessions a few times per query timeout (read anew each time, so a reload applies). */
    private void watch(Supplier<Duration> timeout) {
        try {
            while (true) {
                Duration t = timeout.get();
                Thread.sleep(t.isZero() ? 200 : Math.max(10, Math.min(100, t.toMillis() / 10)));
                if (t.isZero()) continue;
                long now = System.nanoTime();
                for (ClientSession s : sessions.values()) s.enforceQueryTimeout(now, t.toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks every session to leave: idle ones at once, the others when their transaction ends. */
    void requestDrain() {
        for (ClientSession s : sessions.values()) s.requestDrain();
    }

    @Override
    public void close() {
        watchdog.interrupt();
    }
}
