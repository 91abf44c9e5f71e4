package io.poolkeeper.operator;

import io.poolkeeper.localpg.LocalPostgres;

/** DatabasePool YAML for tests, pointing at a local PostgreSQL cluster. */
final class Pools {
    private Pools() {}

    /** A Standalone pool in namespace shop on {@code pg}'s primary and replicas, probed every 500 ms, plus {@code extra} spec lines. */
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
                %s  failover: {probeInterval: 500ms}
                %s""".formatted(name, pg.primary().port(), replicas, extra.indent(2));
    }
}
