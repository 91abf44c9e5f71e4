package io.poolkeeper.api.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.Pools;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SidecarConfigMappingTest {

    private static final RenderFacts FACTS = new RenderFacts(new Endpoint("pg-1.pg", 5432), "pooler", 40, 10);

    @Test
    void whenAFullSpecThenEveryFieldIsRenderedAndTheSidecarAcceptsIt() {
        DatabasePool pool = Pools.read("""
                spec:
                  database: orders
                  serverDatabase: orders_prod
                  credentialsSecret: orders-db
                  clientAuthSecret: orders-clients
                  clientAuthMethod: md5
                  tlsSecret: orders-tls
                  serverTls: {mode: verify-full, caSecret: pg-ca, caKey: root.pem, clientCertSecret: orders-pg-client}
                  primary: {host: pg-0.pg}
                  timeouts: {acquire: 3s, idle: 1m, maxLifetime: 1h, query: 30s, connect: 4s, login: 20s}
                  maxUsesPerConnection: 500
                  limits: {maxClientConnections: 300, maxMessageBytes: 16384}
                """);
        SidecarConfig config = SidecarConfigMapping.render(pool.getSpec(), FACTS);

        assertThat(config.problems()).isEmpty();
        assertThat(config.listen()).isEqualTo("0.0.0.0:6432");
        assertThat(config.admin()).isEqualTo("0.0.0.0:9187");
        assertThat(config.database()).isEqualTo("orders");
        assertThat(config.serverDatabase()).isEqualTo("orders_prod");
        assertThat(config.primary()).isEqualTo(new Endpoint("pg-1.pg", 5432));
        assertThat(config.server()).isEqualTo(new SidecarConfig.ServerLogin("pooler", "/etc/poolkeeper/server/password",
                new SidecarConfig.ServerTls(ServerSslMode.VERIFY_FULL, "/etc/poolkeeper/server-ca/root.pem",
                        "/etc/poolkeeper/server-client-cert/tls.crt", "/etc/poolkeeper/server-client-cert/tls.key")));
        assertThat(config.auth()).isEqualTo(new SidecarConfig.ClientAuth(AuthMethod.MD5, "/etc/poolkeeper/clients/users"));
        assertThat(config.tls()).isEqualTo(new SidecarConfig.Tls("/etc/poolkeeper/tls/tls.crt", "/etc/poolkeeper/tls/tls.key"));
        assertThat(config.pool()).isEqualTo(new SidecarConfig.Pool(40, 10, Duration.ofMinutes(1), Duration.ofHours(1),
                Duration.ofSeconds(3), Duration.ofSeconds(4), 500));
        assertThat(config.timeouts()).isEqualTo(new SidecarConfig.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(20)));
        assertThat(config.limits()).isEqualTo(new SidecarConfig.Limits(300, 16384, 0));
        assertThat(SidecarConfigYaml.parse(SidecarConfigYaml.write(config))).isEqualTo(config);
    }

    @Test
    void whenTheSpecHasReplicasAndRoutingThenTheSidecarRoutesReadsAndKnowsEveryServerButTheFenced() {
        DatabasePool pool = Pools.read("""
                spec:
                  database: orders
                  credentialsSecret: orders-db
                  clientAuthSecret: orders-clients
                  primary: {host: pg-0.pg}
                  replicas:
                    - {host: pg-1.pg, weight: 2, zone: eu-west-1a}
                    - {host: pg-2.pg, weight: 1, zone: eu-west-1b}
                    - {host: pg-3.pg}
                  routing: {readStrategy: Weighted, splitReads: Off, maxReplicaLag: 5s, readYourWrites: false, fallbackToPrimary: false}
                  circuitBreaker: {failureThreshold: 3, resetTimeout: 20s}
                  failover: {probeInterval: 1s}
                  monitoring: {slowQuery: 250ms}
                """);
        RenderFacts afterFailover = new RenderFacts(new Endpoint("pg-1.pg", 5432), "pooler", 40, 10,
                java.util.Set.of(new Endpoint("pg-3.pg", 5432)));

        SidecarConfig config = SidecarConfigMapping.render(pool.getSpec(), afterFailover);

        assertThat(config.problems()).isEmpty();
        assertThat(config.primary()).isEqualTo(new Endpoint("pg-1.pg", 5432));
        assertThat(config.replicas()).containsExactly(
                new SidecarConfig.Replica("pg-0.pg", 5432, 1, null),
                new SidecarConfig.Replica("pg-2.pg", 5432, 1, "eu-west-1b"));
        assertThat(config.listenReadOnly()).isEqualTo("0.0.0.0:6433");
        assertThat(config.routing()).isEqualTo(new SidecarConfig.Routing(io.poolkeeper.api.config.ReadStrategy.WEIGHTED,
                io.poolkeeper.api.config.SplitReads.OFF, Duration.ofSeconds(5), false, false));
        assertThat(config.circuitBreaker()).isEqualTo(new SidecarConfig.CircuitBreaker(3, Duration.ofSeconds(20)));
        assertThat(config.probe().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.monitoring().slowQuery()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void whenAMinimalSpecThenTheSeedsDefaults() {
        DatabasePoolSpec spec = Pools.read("""
                spec: {database: app, credentialsSecret: app-db, clientAuthSecret: app-clients, primary: {host: pg}}
                """).getSpec();
        SidecarConfig config = SidecarConfigMapping.render(spec, FACTS);

        assertThat(config.problems()).isEmpty();
        assertThat(config.serverDatabase()).isEqualTo("app");
        assertThat(config.auth().method()).isEqualTo(AuthMethod.SCRAM_SHA_256);
        assertThat(config.tls().enabled()).isFalse();
        assertThat(config.pool().acquireTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.pool().maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.pool().maxUsesPerConnection()).isEqualTo(7500);
        assertThat(config.timeouts().query()).isEqualTo(Duration.ZERO);
    }

    @Test
    void whenTrustThenNoUsersFile() {
        DatabasePoolSpec spec = Pools.read("""
                spec: {database: app, credentialsSecret: app-db, clientAuthMethod: trust, primary: {host: pg}}
                """).getSpec();
        assertThat(SidecarConfigMapping.render(spec, FACTS).auth()).isEqualTo(new SidecarConfig.ClientAuth(AuthMethod.TRUST, null));
    }
}
