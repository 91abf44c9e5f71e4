package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.admin.ClientState;
import io.poolkeeper.sidecar.admin.ErrorKind;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.admin.RetireReason;
import io.poolkeeper.sidecar.admin.ServerMetrics;
import io.poolkeeper.sidecar.protocol.SqlState;

/** What the session layer reports, in its own words, onto the sidecar's meters. */
final class SessionMetrics {
    private final ProxyMetrics proxy;
    private final ServerMetrics primary;

    SessionMetrics(ProxyMetrics proxy, ServerMetrics primary) {
        this.proxy = proxy;
        this.primary = primary;
    }

    void clientConnected() {
        proxy.clientConnected();
    }

    void clientState(ClientState from, ClientState to) {
        proxy.clientTransition(from, to);
    }

    void clientDisconnected(ClientState from) {
        proxy.clientDisconnected(from);
    }

    void acquired(long waitedNanos) {
        primary.acquired(waitedNanos);
    }

    void acquireFailed(long waitedNanos, String sqlState) {
        if (SqlState.TOO_MANY_CONNECTIONS.equals(sqlState)) primary.acquireTimedOut(waitedNanos);
        else proxy.error(ErrorKind.CONNECT_FAILED);
    }

    void queryDone(long nanos) {
        primary.queryEnded(nanos);
    }

    void transactionDone(long heldNanos) {
        primary.transactionEnded(heldNanos);
    }

    void serverError() {
        proxy.error(ErrorKind.SERVER_ERROR);
    }

    void protocolViolation() {
        proxy.error(ErrorKind.PROTOCOL);
    }

    void authFailed() {
        proxy.error(ErrorKind.AUTH_FAILED);
    }

    void queryTimedOut() {
        proxy.error(ErrorKind.QUERY_TIMEOUT);
    }

    void clientLeftInTransaction() {
        proxy.error(ErrorKind.CLIENT_DISCONNECT_IN_TRANSACTION);
    }

    void retired(RetireReason reason) {
        primary.retired(reason);
    }
}
