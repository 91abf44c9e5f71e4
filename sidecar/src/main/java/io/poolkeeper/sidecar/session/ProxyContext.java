package io.poolkeeper.sidecar.session;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.auth.UserList;
import io.poolkeeper.sidecar.backend.Lease;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.tls.ServerTls;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What every client session shares: the config, the server pool, the users, TLS and the meters. */
final class ProxyContext {
    private final SidecarConfig config;
    private final ServerPool primary;
    private final UserList users;
    private final ServerTls tls;
    private final SessionMetrics metrics;
    private final SecureRandom random = new SecureRandom();

    ProxyContext(SidecarConfig config, ServerPool primary, UserList users, ServerTls tls, SessionMetrics metrics) {
        this.config = config;
        this.primary = primary;
        this.users = users;
        this.tls = tls;
        this.metrics = metrics;
    }

    SidecarConfig config() {
        return config;
    }

    UserList users() {
        return users;
    }

    /** Null when the config gives no certificate: SSLRequests are then answered 'N'. */
    ServerTls tls() {
        return tls;
    }

    SessionMetrics metrics() {
        return metrics;
    }

    SecureRandom random() {
        return random;
    }

    Lease borrow() throws PgError {
        long start = System.nanoTime();
        try {
            Lease lease = primary.acquire();
            metrics.acquired(System.nanoTime() - start);
            return lease;
        } catch (PgError e) {
            metrics.acquireFailed(System.nanoTime() - start, e.sqlState());
            throw e;
        }
    }

    /**
     * The ParameterStatus values a client is greeted with: the server's, with the client's own
     * startup settings in place of the server's for the names it gave.
     */
    Map<String, String> parametersFor(Map<String, String> clientSettings) throws PgError {
        Map<String, String> reported;
        try {
            reported = primary.reportedParameters();
        } catch (PgError e) {
            throw PgError.fatal(e.sqlState(), e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        reported.forEach((name, value) -> {
            String own = clientSettings.get(name.toLowerCase(Locale.ROOT));
            if (name.equals("application_name")) value = "";
            out.put(name, own != null ? own : value);
        });
        return out;
    }
}
