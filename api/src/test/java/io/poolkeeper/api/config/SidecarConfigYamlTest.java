package io.poolkeeper.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SidecarConfigYamlTest {

    @Test
    void whenAFieldIsLeftOutThenItsDefaultIsUsed() {
        SidecarConfig config = SidecarConfigYaml.parse("database: app\n");

        assertThat(config.listen()).isEqualTo("127.0.0.1:6432");
        assertThat(config.admin()).isEqualTo("127.0.0.1:9187");
        assertThat(config.serverDatabase()).isEqualTo("app");
        assertThat(config.server().user()).isEqualTo("postgres");
        assertThat(config.auth().method()).isEqualTo(AuthMethod.SCRAM_SHA_256);
        assertThat(config.tls().enabled()).isFalse();
        assertThat(config.server().tls()).isEqualTo(new SidecarConfig.ServerTls(ServerSslMode.PREFER, null, null, null));
        assertThat(config.pool()).isEqualTo(new SidecarConfig.Pool(
                20, 5, Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(2), Duration.ofSeconds(5), 7500));
        assertThat(config.timeouts()).isEqualTo(new SidecarConfig.Timeouts(Duration.ZERO, Duration.ofSeconds(15)));
        assertThat(config.limits()).isEqualTo(new SidecarConfig.Limits(10_000, 64 << 20, 0));
        assertThat(config.replicas()).isEmpty();
        assertThat(config.listenReadOnly()).isNull();
        assertThat(config.routing()).isEqualTo(new SidecarConfig.Routing(
                ReadStrategy.ROUND_ROBIN, SplitReads.AUTO, Duration.ofSeconds(10), true, true));
        assertThat(config.probe()).isEqualTo(new SidecarConfig.Probe(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThat(config.circuitBreaker()).isEqualTo(new SidecarConfig.CircuitBreaker(5, Duration.ofSeconds(60)));
        assertThat(config.monitoring()).isEqualTo(new SidecarConfig.Monitoring(Duration.ofSeconds(1)));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void whenAReplicaLeavesOutPortAndWeightThenTheyDefaultAndZoneStaysUnset() {
        SidecarConfig config = SidecarConfigYaml.parse("database: app\nreplicas:\n  - host: pg-1\n");

        assertThat(config.replicas()).containsExactly(new SidecarConfig.Replica("pg-1", 5432, 1, null));
    }

    @Test
    void whenReplicasAndRoutingAreWrittenThenTheyParseBackTheSame() {
        SidecarConfig config = SidecarConfigYaml.parse("""
                database: app
                replicas: [{host: pg-1, port: 5433, weight: 3, zone: b}, {host: pg-2}]
                listenReadOnly: 0.0.0.0:6433
                routing: {readStrategy: LeastConnections, splitReads: Off, maxReplicaLag: 500ms, readYourWrites: false, fallbackToPrimary: false}
                probe: {interval: 250ms, timeout: 200ms}
                circuitBreaker: {failureThreshold: 2, resetTimeout: 5s}
                monitoring: {slowQuery: 0}
                shutdownGrace: 2m
                """);

        String yaml = SidecarConfigYaml.write(config);

        assertThat(yaml).contains("readStrategy: \"LeastConnections\"").contains("splitReads: \"Off\"");
        assertThat(SidecarConfigYaml.parse(yaml)).isEqualTo(config);
    }

    @Test
    void whenAReadStrategyOrSplitModeIsUnknownThenTheChoicesAreListed() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("routing: {readStrategy: fastest}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("routing.readStrategy (line 1): 'fastest' is not a read strategy: use RoundRobin, Weighted, Random or LeastConnections");
        assertThatThrownBy(() -> SidecarConfigYaml.parse("routing: {splitReads: sometimes}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("routing.splitReads (line 1): 'sometimes' is not a splitReads mode: use Auto or Off");
    }

    @Test
    void whenAReplicaFieldIsUnknownThenItsPathWithTheIndexIsNamed() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("replicas:\n  - {host: pg-1}\n  - {host: pg-2, wieght: 2}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replicas[1].wieght: unknown field; the fields here are host, port, weight, zone");
    }

    @Test
    void whenATopLevelFieldIsUnknownThenItIsNamedWithTheFieldsThatExist() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\ndatabse: app\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("databse: unknown field; the fields here are admin, auth, circuitBreaker, database, limits, "
                        + "listen, listenReadOnly, monitoring, pool, primary, probe, replicas, routing, server, "
                        + "serverDatabase, shutdownGrace, timeouts, tls");
    }

    @Test
    void whenANestedFieldIsUnknownThenItsFullPathIsNamed() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool:\n  maxSzie: 4\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pool.maxSzie: unknown field; the fields here are acquireTimeout, connectTimeout,");
    }

    @Test
    void whenADurationIsMisspeltThenItsPathAndTheRightSpellingAreGiven() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\ntimeouts: {query: 30 seconds}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeouts.query: '30 seconds' is not a duration: write a whole number with ms, s, m or h, e.g. 2s or 500ms");
    }

    @Test
    void whenADurationIsNotAScalarThenTheFormIsShown() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("pool:\n  acquireTimeout: [2s]\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool.acquireTimeout (line 2): expected a duration such as 500ms, 2s, 30m or 1h");
    }

    @Test
    void whenANumberIsTextThenThePathAndLineAreGiven() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool:\n  maxSize: many\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool.maxSize (line 3): expected a whole number");
    }

    @Test
    void whenServerTlsIsWrittenThenItParsesBackTheSame() {
        SidecarConfig config = SidecarConfigYaml.parse("""
                database: app
                server: {user: pooler, tls: {mode: verify-full, rootCertFile: /ca.crt, certFile: /c.crt, keyFile: /c.key}}
                """);

        assertThat(config.server().tls()).isEqualTo(new SidecarConfig.ServerTls(ServerSslMode.VERIFY_FULL, "/ca.crt", "/c.crt", "/c.key"));
        assertThat(SidecarConfigYaml.parse(SidecarConfigYaml.write(config))).isEqualTo(config);
    }

    @Test
    void whenTheServerTlsModeIsUnknownThenTheChoicesAreListed() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("server: {tls: {mode: on}}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server.tls.mode (line 1): 'on' is not a server TLS mode: use disable, prefer, require, verify-ca or verify-full");
    }

    @Test
    void whenTheAuthMethodIsUnknownThenTheChoicesAreListed() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("auth: {method: password}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth.method (line 1): 'password' is not an auth method: use trust, md5 or scram-sha-256");
    }

    @Test
    void whenThePrimaryIsWrittenAsTextThenTheMappingFormIsShown() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("primary: pg-0:5432\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primary (line 1): expected a mapping such as {host: pg-0.pg, port: 5432}");
    }

    @Test
    void whenTheFileIsEmptyOrNotAMappingThenThatIsSaid() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("# nothing here\n")).hasMessage("the config is empty");
        assertThatThrownBy(() -> SidecarConfigYaml.parse("- database: app\n"))
                .hasMessage("the config must be a mapping of fields (name: value), e.g. database: app");
    }

    @Test
    void whenTheYamlIsMalformedThenTheLineIsGiven() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool: {maxSize: 4\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 3: expected ',' or '}', but got <stream end> (while parsing a flow mapping at line 2)");
    }

    @Test
    void whenAFieldIsGivenTwiceThenTheSecondIsNotSilentlyTaken() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool: {maxSize: 4}\ndatabase: shop\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 3: Duplicate field 'database'");
    }

    @Test
    void whenWrittenThenDurationsAreInTheHandWrittenFormAndParseBack() {
        SidecarConfig config = SidecarConfigYaml.parse("database: app\npool: {acquireTimeout: 1500ms, maxLifetime: 1h}\n");

        String yaml = SidecarConfigYaml.write(config);

        assertThat(yaml).contains("acquireTimeout: \"1500ms\"").contains("maxLifetime: \"1h\"");
        assertThat(SidecarConfigYaml.parse(yaml)).isEqualTo(config);
    }
}
