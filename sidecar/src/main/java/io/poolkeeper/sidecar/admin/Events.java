package io.poolkeeper.sidecar.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool events of the seed document as one log line each, {@code event=NAME key=value ...},
 * on the logger {@code poolkeeper.events}, so a log pipeline can select and parse them. The
 * per-transaction ones (connect, acquire, release, query_error) are DEBUG, which costs nothing
 * unless enabled; the ones an operator must see (remove, error, slow_query, alert) are INFO and WARN.
 * Statements are logged without parameter values, which travel separately in the protocol.
 */
public final class Events {
    private static final Logger log = LoggerFactory.getLogger("poolkeeper.events");

    private Events() {}

    public static void connect(String client, String user) {
        log.debug("event=connect client={} user={}", client, user);
    }

    public static void acquire(String client, Object server, long waitedMicros) {
        if (log.isDebugEnabled()) log.debug("event=acquire client={} server={} waited_us={}", client, server, waitedMicros);
    }

    public static void release(String client, Object server, long heldMicros) {
        if (log.isDebugEnabled()) log.debug("event=release client={} server={} held_us={}", client, server, heldMicros);
    }

    public static void remove(Object server, String reason) {
        log.info("event=remove server={} reason={}", server, reason);
    }

    public static void error(String client, String sqlState, String message) {
        log.warn("event=error client={} sqlstate={} message=\"{}\"", client, sqlState, message);
    }

    /** Whether query_error lines are on, so the caller parses the error only when they are. */
    public static boolean queryErrorsLogged() {
        return log.isDebugEnabled();
    }

    public static void queryError(String client, Object server, String sqlState) {
        log.debug("event=query_error client={} server={} sqlstate={}", client, server, sqlState);
    }

    public static void slowQuery(String client, Object server, long millis, String statement) {
        log.warn("event=slow_query client={} server={} ms={} statement=\"{}\"", client, server, millis, statement);
    }

    public static void alert(String kind, Object subject, String detail) {
        log.warn("event=alert kind={} subject={} {}", kind, subject, detail);
    }
}
