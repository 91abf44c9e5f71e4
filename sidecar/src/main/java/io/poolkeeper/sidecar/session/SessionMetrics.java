package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.admin.ClientState;
import io.poolkeeper.sidecar.admin.ErrorKind;
import io.poolkeeper.sidecar.admin.ProxyMetrics;

/** What the session layer reports that is not about one server; per-server meters live on each ServerState. */
final class SessionMetrics {
    private final ProxyMetrics proxy;

    SessionMetrics(ProxyMetrics proxy) {
        this.proxy = proxy;
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

    void connectFailed() {
        proxy.error(ErrorKind.CONNECT_FAILED);
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
}
