package io.poolkeeper.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarConfigProblemsTest {
    private static final String VALID = """
            database: app
            primary: {host: 127.0.0.1, port: 5432}
            auth: {method: trust}
            """;

    private static SidecarConfig parse(String more) {
        return SidecarConfigYaml.parse(VALID + more);
    }

    @Test
    void whenTheRequiredFieldsAreGivenThenThereAreNoProblems() {
        assertThat(parse("").problems()).isEmpty();
    }

    @Test
    void whenNothingIsGivenThenDatabasePrimaryAndUsersFileAreRequired() {
        assertThat(new SidecarConfig(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null).problems())
                .containsExactly(
                        "database: required, the database name clients connect to",
                        "primary: required, the primary server as {host, port}",
                        "auth.usersFile: required when auth.method is scram-sha-256");
    }

    @Test
    void whenThePoolHasNoRoomThenMaxSizeIsNamed() {
        assertThat(parse("pool: {maxSize: 0}\n").problems())
                .containsExactly("pool.maxSize: must be at least 1, got 0");
    }

    @Test
    void whenMinIdleExceedsMaxSizeThenTheAllowedRangeIsGiven() {
        assertThat(parse("pool: {maxSize: 4, minIdle: 5}\n").problems())
                .containsExactly("pool.minIdle: must be 0-4 (pool.maxSize), got 5");
    }

    @Test
    void whenTimeoutsAreTooShortThenEachIsNamedWithItsValueAsWritten() {
        assertThat(parse("pool: {acquireTimeout: 100ms, connectTimeout: 0, maxLifetime: 5s, idleTimeout: 1s}\n").problems())
                .containsExactly(
                        "pool.acquireTimeout: must be at least 250ms, got 100ms",
                        "pool.connectTimeout: must be at least 250ms, got 0",
                        "pool.maxLifetime: must be 0 (forever) or at least 30s, got 5s",
                        "pool.idleTimeout: must be 0 (never) or at least 10s, got 1s");
    }

    @Test
    void whenZeroMeansOffThenZeroIsAllowed() {
        assertThat(parse("pool: {maxLifetime: 0, idleTimeout: 0, maxUsesPerConnection: 0}\ntimeouts: {query: 0}\n").problems())
                .isEmpty();
    }

    @Test
    void whenEventLoopsIsNegativeThenItIsNamedWithWhatZeroMeans() {
        assertThat(parse("limits: {eventLoops: -1}\n").problems())
                .containsExactly("limits.eventLoops: must be 0 (half the processors) or more, got -1");
    }

    @Test
    void whenEventLoopsIsZeroThenHalfTheProcessorsRunAndAtLeastOne() {
        SidecarConfig.Limits auto = parse("limits: {eventLoops: 0}\n").limits();
        assertThat(List.of(auto.eventLoopCount(1), auto.eventLoopCount(2), auto.eventLoopCount(3), auto.eventLoopCount(16)))
                .containsExactly(1, 1, 1, 8);
        assertThat(parse("limits: {eventLoops: 5}\n").limits().eventLoopCount(2)).isEqualTo(5);
    }

    @Test
    void whenAddressesAreNotHostPortThenTheFieldIsNamed() {
        assertThat(parse("listen: localhost\nadmin: 'localhost:http'\n").problems())
                .containsExactly(
                        "listen: 'localhost' is not HOST:PORT",
                        "admin: 'localhost:http' has a port that is not a number");
    }

    @Test
    void whenTheServerPortIsOutOfRangeThenPrimaryPortIsNamed() {
        SidecarConfig config = SidecarConfigYaml.parse("database: app\nprimary: {host: pg, port: 70000}\nauth: {method: trust}\n");

        assertThat(config.problems()).containsExactly("primary.port: must be 1-65535, got 70000");
    }

    @Test
    void whenOnlyOneTlsFileIsGivenThenBothAreAskedFor() {
        assertThat(parse("tls: {keyFile: /tls.key}\n").problems())
                .containsExactly("tls: give both certFile and keyFile, or neither");
    }

    @Test
    void whenServerTlsVerifiesWithoutACaThenRootCertFileIsAskedFor() {
        assertThat(parse("server: {tls: {mode: verify-full}}\n").problems()).containsExactly(
                "server.tls.rootCertFile: required when server.tls.mode is verify-full, the PEM file of the CA(s) that signed the servers' certificates");
        assertThat(parse("server: {tls: {mode: verify-ca, rootCertFile: /ca.crt}}\n").problems()).isEmpty();
    }

    @Test
    void whenServerTlsHasACaItDoesNotUseThenTheVerifyingModesAreOffered() {
        assertThat(parse("server: {tls: {mode: require, rootCertFile: /ca.crt}}\n").problems()).containsExactly(
                "server.tls.rootCertFile: only used by modes verify-ca and verify-full, but server.tls.mode is require;"
                        + " set the mode to verify-full (or verify-ca) to check the servers' certificates");
    }

    @Test
    void whenTheServerClientCertificateIsHalfGivenOrHasNoTlsThenTheFieldIsNamed() {
        assertThat(parse("server: {tls: {certFile: /c.crt}}\n").problems())
                .containsExactly("server.tls: give both certFile and keyFile, or neither");
        assertThat(parse("server: {tls: {mode: disable, certFile: /c.crt, keyFile: /c.key}}\n").problems())
                .containsExactly("server.tls.certFile: a client certificate needs TLS, but server.tls.mode is disable");
    }

    @Test
    void whenLimitsAndLoginTimeoutAreZeroThenEachIsNamed() {
        assertThat(parse("timeouts: {login: 0}\nlimits: {maxClientConnections: 0, maxMessageBytes: 1024}\n").problems())
                .containsExactly(
                        "timeouts.login: must be more than 0",
                        "limits.maxClientConnections: must be at least 1",
                        "limits.maxMessageBytes: must be at least 8192");
    }

    @Test
    void whenMaxUsesIsNegativeThenZeroIsOfferedForNever() {
        assertThat(parse("pool: {maxUsesPerConnection: -1}\n").problems())
                .containsExactly("pool.maxUsesPerConnection: must be 0 (never retire) or more, got -1");
    }

    @Test
    void whenReplicasAreDistinctAndInRangeThenThereAreNoProblems() {
        assertThat(parse("""
                replicas:
                  - {host: pg-1, port: 5432, weight: 0}
                  - {host: pg-1, port: 5433, weight: 1000, zone: b}
                  - {host: 127.0.0.1, port: 5433}
                listenReadOnly: 127.0.0.1:6433
                """).problems()).isEmpty();
    }

    @Test
    void whenAReplicaIsListedTwiceThenTheSecondIsNamed() {
        assertThat(parse("replicas: [{host: pg-1, port: 5432}, {host: pg-2}, {host: pg-1, port: 5432}]\n").problems())
                .containsExactly("replicas[2]: pg-1:5432 is listed twice (servers must be distinct)");
    }

    @Test
    void whenAReplicaIsThePrimaryThenItIsNamed() {
        assertThat(parse("replicas: [{host: 127.0.0.1}]\n").problems())
                .containsExactly("replicas[0]: 127.0.0.1:5432 is listed twice (servers must be distinct)");
    }

    @Test
    void whenAReplicaWeightIsOutOfRangeThenTheRangeIsGiven() {
        assertThat(parse("replicas: [{host: pg-1, weight: -1}, {host: pg-2, weight: 1001}]\n").problems())
                .containsExactly(
                        "replicas[0].weight: must be 0-1000, got -1",
                        "replicas[1].weight: must be 0-1000, got 1001");
    }

    @Test
    void whenAReplicaHasNoHostOrABadPortThenEachIsNamedWithItsIndex() {
        assertThat(parse("replicas: [{port: 5433}, {host: ' '}, {host: pg-3, port: 0}, {host: pg-4, port: 65536}]\n").problems())
                .containsExactly(
                        "replicas[0].host: required",
                        "replicas[1].host: required",
                        "replicas[2].port: must be 1-65535, got 0",
                        "replicas[3].port: must be 1-65535, got 65536");
    }

    @Test
    void whenTheReadOnlyListenerIsNotHostPortThenItIsNamed() {
        assertThat(parse("listenReadOnly: localhost\n").problems())
                .containsExactly("listenReadOnly: 'localhost' is not HOST:PORT");
    }

    @Test
    void whenProbesAreTooFrequentOrTooShortThenEachIsNamedWithItsValue() {
        assertThat(parse("probe: {interval: 50ms, timeout: 0}\n").problems())
                .containsExactly(
                        "probe.interval: must be at least 100ms, got 50ms",
                        "probe.timeout: must be at least 100ms, got 0");
        assertThat(parse("probe: {interval: 100ms, timeout: 100ms}\n").problems()).isEmpty();
    }

    @Test
    void whenTheCircuitBreakerWouldNeverCloseOrOpenThenEachFieldIsNamed() {
        assertThat(parse("circuitBreaker: {failureThreshold: 0, resetTimeout: 99ms}\n").problems())
                .containsExactly(
                        "circuitBreaker.failureThreshold: must be at least 1, got 0",
                        "circuitBreaker.resetTimeout: must be at least 100ms, got 99ms");
        assertThat(parse("circuitBreaker: {failureThreshold: 1, resetTimeout: 100ms}\n").problems()).isEmpty();
    }

    @Test
    void whenSlowQueryIsZeroForOffThenZeroIsAllowed() {
        assertThat(parse("monitoring: {slowQuery: 0}\n").problems()).isEmpty();
    }

    @Test
    void whenServersAreListedThenThePrimaryComesFirstThenTheReplicasInOrder() {
        SidecarConfig config = parse("replicas: [{host: pg-2, port: 5433}, {host: pg-1}]\n");

        assertThat(config.servers()).containsExactly(
                new Endpoint("127.0.0.1", 5432), new Endpoint("pg-2", 5433), new Endpoint("pg-1", 5432));
    }
}
