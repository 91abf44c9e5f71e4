package io.poolkeeper.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.ReadStrategy;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfig.Replica;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.config.SplitReads;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class SidecarSettingsTest {
    private static final SidecarConfig FILE = SidecarConfigYaml.parse("""
            listen: 0.0.0.0:6432
            admin: 0.0.0.0:9187
            database: orders
            serverDatabase: orders_v2
            primary: {host: pg-0.pg, port: 5432}
            server: {user: pooler, passwordFile: /secrets/password}
            auth: {method: md5, usersFile: /secrets/users}
            tls: {certFile: /tls/tls.crt, keyFile: /tls/tls.key}
            pool: {maxSize: 40, minIdle: 4, idleTimeout: 1m, maxLifetime: 1h, acquireTimeout: 3s, connectTimeout: 7s, maxUsesPerConnection: 100}
            timeouts: {query: 10s, login: 20s}
            limits: {maxClientConnections: 500, maxMessageBytes: 1048576}
            replicas:
              - {host: pg-1.pg, port: 5432, weight: 2, zone: eu-west-1b}
              - {host: pg-2.pg, port: 5432, weight: 1, zone: eu-west-1c}
            listenReadOnly: 0.0.0.0:6433
            routing: {readStrategy: Weighted, splitReads: Auto, maxReplicaLag: 5s, readYourWrites: true, fallbackToPrimary: true}
            probe: {interval: 1s, timeout: 500ms}
            circuitBreaker: {failureThreshold: 3, resetTimeout: 30s}
            monitoring: {slowQuery: 2s}
            shutdownGrace: 20s
            """);

    private static SidecarConfig resolve(Optional<SidecarConfig> file, String... args) {
        return SidecarSettings.resolve(file, CommandLine.populateCommand(new SidecarFlags(), args));
    }

    @Test
    void whenOnlyFlagsAreGivenThenTheyFillTheConfigDefaults() {
        SidecarConfig config = resolve(Optional.empty(), "--primary", "127.0.0.1:5432", "--database", "app");

        assertThat(config).isEqualTo(new SidecarConfig(
                null, null, "app", null, new Endpoint("127.0.0.1", 5432), null, null, null, null, null, null,
                null, null, null, null, null, null, null));
        assertThat(config.serverDatabase()).isEqualTo("app");
        assertThat(config.pool().maxSize()).isEqualTo(20);
    }

    @Test
    void whenNoFlagsAreGivenThenTheFileIsUsedAsIs() {
        assertThat(resolve(Optional.of(FILE))).isEqualTo(FILE);
    }

    static Stream<Arguments> everyFlag() {
        return Stream.of(
                flag("--listen", "127.0.0.1:7000", SidecarConfig::listen, "127.0.0.1:7000"),
                flag("--admin", "127.0.0.1:7001", SidecarConfig::admin, "127.0.0.1:7001"),
                flag("--primary", "pg-9:6543", SidecarConfig::primary, new Endpoint("pg-9", 6543)),
                flag("--database", "shop", SidecarConfig::database, "shop"),
                flag("--server-database", "shop_db", SidecarConfig::serverDatabase, "shop_db"),
                flag("--server-user", "app", c -> c.server().user(), "app"),
                flag("--server-password-file", "/p", c -> c.server().passwordFile(), "/p"),
                flag("--auth", "trust", c -> c.auth().method(), AuthMethod.TRUST),
                flag("--users-file", "/u", c -> c.auth().usersFile(), "/u"),
                flag("--tls-cert", "/c.pem", c -> c.tls().certFile(), "/c.pem"),
                flag("--tls-key", "/k.pem", c -> c.tls().keyFile(), "/k.pem"),
                flag("--pool-size", "8", c -> c.pool().maxSize(), 8),
                flag("--min-idle", "1", c -> c.pool().minIdle(), 1),
                flag("--acquire-timeout", "500ms", c -> c.pool().acquireTimeout(), Duration.ofMillis(500)),
                flag("--query-timeout", "30s", c -> c.timeouts().query(), Duration.ofSeconds(30)),
                flag("--idle-timeout", "2m", c -> c.pool().idleTimeout(), Duration.ofMinutes(2)),
                flag("--max-lifetime", "2h", c -> c.pool().maxLifetime(), Duration.ofHours(2)),
                flag("--max-uses", "0", c -> c.pool().maxUsesPerConnection(), 0),
                flag("--event-loops", "3", c -> c.limits().eventLoops(), 3),
                flag("--replica", "pg-7:5433", SidecarConfig::replicas, List.of(new Replica("pg-7", 5433, 1, null))),
                flag("--listen-ro", "127.0.0.1:7002", SidecarConfig::listenReadOnly, "127.0.0.1:7002"),
                flag("--read-strategy", "LeastConnections", c -> c.routing().readStrategy(), ReadStrategy.LEAST_CONNECTIONS),
                flag("--split-reads", "Off", c -> c.routing().splitReads(), SplitReads.OFF),
                flag("--max-replica-lag", "30s", c -> c.routing().maxReplicaLag(), Duration.ofSeconds(30)),
                flag("--read-your-writes", "false", c -> c.routing().readYourWrites(), false),
                flag("--fallback-to-primary", "false", c -> c.routing().fallbackToPrimary(), false),
                flag("--probe-interval", "250ms", c -> c.probe().interval(), Duration.ofMillis(250)),
                flag("--probe-timeout", "2s", c -> c.probe().timeout(), Duration.ofSeconds(2)),
                flag("--breaker-failures", "10", c -> c.circuitBreaker().failureThreshold(), 10),
                flag("--breaker-reset", "2m", c -> c.circuitBreaker().resetTimeout(), Duration.ofMinutes(2)),
                flag("--slow-query", "0", c -> c.monitoring().slowQuery(), Duration.ZERO),
                flag("--shutdown-grace", "1m", SidecarConfig::shutdownGrace, Duration.ofMinutes(1)));
    }

    private static Arguments flag(String flag, String value, Function<SidecarConfig, Object> field, Object expected) {
        return Arguments.of(flag, value, field, expected);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyFlag")
    void whenAFlagIsGivenThenItOverridesItsFieldAndNothingElse(
            String flag, String value, Function<SidecarConfig, Object> field, Object expected) {
        SidecarConfig config = resolve(Optional.of(FILE), flag, value);

        assertThat(field.apply(config)).isEqualTo(expected);
        assertThat(field.apply(FILE)).isNotEqualTo(expected);
        assertThat(config.limits().maxClientConnections()).isEqualTo(FILE.limits().maxClientConnections());
        assertThat(config.limits().maxMessageBytes()).isEqualTo(FILE.limits().maxMessageBytes());
        if (!flag.equals("--event-loops")) assertThat(config.limits()).isEqualTo(FILE.limits());
        assertThat(config.timeouts().login()).isEqualTo(FILE.timeouts().login());
        assertThat(config.pool().connectTimeout()).isEqualTo(FILE.pool().connectTimeout());
        if (!flag.equals("--replica")) assertThat(config.replicas()).isEqualTo(FILE.replicas());
    }

    @Test
    void whenReplicaFlagsAreGivenThenTheyReplaceTheFilesListInTheirOrder() {
        SidecarConfig config = resolve(Optional.of(FILE),
                "--replica", "pg-5:5432,weight=3,zone=eu-west-1a", "--replica", "pg-6:5433");

        assertThat(config.replicas()).containsExactly(
                new Replica("pg-5", 5432, 3, "eu-west-1a"),
                new Replica("pg-6", 5433, 1, null));
        assertThat(config.servers()).containsExactly(
                new Endpoint("pg-0.pg", 5432), new Endpoint("pg-5", 5432), new Endpoint("pg-6", 5433));
    }

    @Test
    void whenNoReplicaFlagIsGivenThenTheFilesReplicasStay() {
        SidecarConfig config = resolve(Optional.of(FILE), "--read-strategy", "Random");

        assertThat(config.replicas()).isEqualTo(FILE.replicas()).hasSize(2);
        assertThat(config.routing().maxReplicaLag()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void whenOnlyFlagsGiveReplicasAndRoutingThenTheRestKeepsItsDefaults() {
        SidecarConfig config = resolve(Optional.empty(), "--primary", "pg-0:5432", "--database", "app",
                "--replica", "pg-1:5432", "--listen-ro", "0.0.0.0:6433", "--probe-interval", "500ms");

        assertThat(config.replicas()).containsExactly(new Replica("pg-1", 5432, 1, null));
        assertThat(config.listenReadOnly()).isEqualTo("0.0.0.0:6433");
        assertThat(config.probe()).isEqualTo(new SidecarConfig.Probe(Duration.ofMillis(500), null));
        assertThat(config.routing()).isEqualTo(new SidecarConfig.Routing(null, null, null, null, null));
        assertThat(config.circuitBreaker()).isEqualTo(new SidecarConfig.CircuitBreaker(null, null));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void whenAReplicaFlagsWeightIsOutOfRangeThenTheConfigNamesItLikeOneInTheFile() {
        SidecarConfig config = resolve(Optional.of(FILE), "--replica", "pg-1:5432,weight=1001", "--replica", "pg-1:5432");

        assertThat(config.problems()).containsExactly(
                "replicas[0].weight: must be 0-1000, got 1001",
                "replicas[1]: pg-1:5432 is listed twice (servers must be distinct)");
    }

    static Stream<Arguments> replicaForms() {
        return Stream.of(
                Arguments.of("pg-1:5432", new Replica("pg-1", 5432, 1, null)),
                Arguments.of("pg-1:5433,weight=3", new Replica("pg-1", 5433, 3, null)),
                Arguments.of("pg-1:5432,zone=eu-west-1b", new Replica("pg-1", 5432, 1, "eu-west-1b")),
                Arguments.of("pg-1:5432,weight=0,zone=b", new Replica("pg-1", 5432, 0, "b")),
                Arguments.of("pg-1:5432,zone=b,weight=2", new Replica("pg-1", 5432, 2, "b")),
                Arguments.of("pg-1:5432, weight = 2 ", new Replica("pg-1", 5432, 2, null)),
                Arguments.of("10.0.0.7:5432,weight=5", new Replica("10.0.0.7", 5432, 5, null)),
                Arguments.of("[::1]:5432,weight=2", new Replica("::1", 5432, 2, null)));
    }

    @ParameterizedTest(name = "--replica {0}")
    @MethodSource("replicaForms")
    void whenAReplicaIsWrittenInAnyAllowedFormThenItsFieldsAreRead(String text, Replica expected) {
        assertThat(resolve(Optional.empty(), "--replica", text).replicas()).containsExactly(expected);
    }

    @ParameterizedTest(name = "--read-strategy {0}")
    @CsvSource({"RoundRobin, ROUND_ROBIN", "weighted, WEIGHTED", "Random, RANDOM", "LEAST_CONNECTIONS, LEAST_CONNECTIONS"})
    void whenAReadStrategyIsNamedThenTheFilesSpellingsAreAccepted(String name, ReadStrategy expected) {
        assertThat(resolve(Optional.of(FILE), "--read-strategy", name).routing().readStrategy()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "--read-your-writes {0}")
    @CsvSource({"true, true", "false, false", "TRUE, true", "False, false"})
    void whenABooleanFlagIsGivenThenTrueAndFalseInAnyCaseAreAccepted(String text, boolean expected) {
        assertThat(resolve(Optional.of(FILE), "--read-your-writes", text).routing().readYourWrites()).isEqualTo(expected);
        assertThat(resolve(Optional.of(FILE), "--fallback-to-primary", text).routing().fallbackToPrimary()).isEqualTo(expected);
    }

    @Test
    void whenTheFileLeftServerDatabaseUnsetThenItFollowsTheDatabaseFlag() {
        SidecarConfig file = SidecarConfigYaml.parse("database: orders\nprimary: {host: pg, port: 5432}\n");

        SidecarConfig config = resolve(Optional.of(file), "--database", "shop");

        assertThat(config.serverDatabase()).isEqualTo("shop");
    }

    @Test
    void whenTheFileSetAnotherServerDatabaseThenTheDatabaseFlagLeavesItAlone() {
        SidecarConfig config = resolve(Optional.of(FILE), "--database", "shop");

        assertThat(config.database()).isEqualTo("shop");
        assertThat(config.serverDatabase()).isEqualTo("orders_v2");
    }

    @Test
    void whenTheFileLeftMinIdleToDefaultThenItFollowsThePoolSizeFlag() {
        SidecarConfig file = SidecarConfigYaml.parse("database: orders\npool: {maxSize: 40}\n");

        SidecarConfig config = resolve(Optional.of(file), "--pool-size", "2");

        assertThat(config.pool().minIdle()).isEqualTo(1);
        assertThat(config.problems()).noneMatch(p -> p.startsWith("pool.minIdle"));
    }

    @Test
    void whenTheFileSetItsOwnMinIdleThenThePoolSizeFlagKeepsIt() {
        SidecarConfig config = resolve(Optional.of(FILE), "--pool-size", "8");

        assertThat(config.pool().maxSize()).isEqualTo(8);
        assertThat(config.pool().minIdle()).isEqualTo(4);
    }
}
