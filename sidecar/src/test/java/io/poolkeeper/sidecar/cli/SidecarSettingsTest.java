package io.poolkeeper.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
                flag("--max-uses", "0", c -> c.pool().maxUsesPerConnection(), 0));
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
        assertThat(config.limits()).isEqualTo(FILE.limits());
        assertThat(config.timeouts().login()).isEqualTo(FILE.timeouts().login());
        assertThat(config.pool().connectTimeout()).isEqualTo(FILE.pool().connectTimeout());
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
