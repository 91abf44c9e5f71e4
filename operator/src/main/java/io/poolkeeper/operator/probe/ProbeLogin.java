package io.poolkeeper.operator.probe;

import java.util.Map;

/**
 * How the operator logs in to a pool's servers: the pool's own server credentials and database,
 * and pgjdbc's TLS properties from the pool's serverTls.
 */
public record ProbeLogin(String database, String user, String password, Map<String, String> tls) {
    public ProbeLogin {
        tls = Map.copyOf(tls);
    }

    @Override
    public String toString() {
        return "ProbeLogin[" + user + "@" + database + ", sslmode " + tls.get("sslmode") + "]";
    }
}
