package io.poolkeeper.api.config;

import static org.assertj.core.api.Assertions.assertThat;

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
}
