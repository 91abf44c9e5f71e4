package io.poolkeeper.operator;

import io.poolkeeper.localpg.LocalPostgres;

/** DatabasePool YAML for tests, pointing at a local PostgreSQL cluster. */
final class Pools {
    private Pools() {}

    /**
     * A Standalone pool in namespace shop on {@code pg}'s primary and replicas, plus {@code extra}
     * spec lines; probed every 500 ms unless {@code extra} has its own failover settings.
     */
    static String yaml(String name, LocalPostgres pg, String extra) {
        StringBuilder replicas = new StringBuilder();
        pg.replicas().forEach(r -> replicas.append("    - {host: 127.0.0.1, port: ").append(r.port()).append("}\n"));
        return """
                apiVersion: poolkeeper.io/v1alpha1
                kind: DatabasePool
                metadata: {name: %s, namespace: shop}
                spec:
                  database: app
                  credentialsSecret: db-login
                  clientAuthSecret: db-clients
                  primary: {host: 127.0.0.1, port: %d}
                  replicas:
                %s%s%s""".formatted(name, pg.primary().port(), replicas,
                extra.contains("failover:") ? "" : "  failover: {probeInterval: 500ms}\n", extra.indent(2));
    }
}
