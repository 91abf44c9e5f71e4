package io.poolkeeper.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class SidecarCommandTest {
    private static final String[] MINIMAL = {"--primary", "127.0.0.1:5432", "--database", "app", "--auth", "trust"};

    @TempDir
    Path dir;

    private final List<SidecarConfig> launched = new ArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private SidecarLauncher launcher = launched::add;

    private int run(String... args) {
        CommandLine command = SidecarCommand.commandLine(new SidecarCommand(config -> launcher.run(config)));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private List<String> errLines() {
        return err.toString().lines().toList();
    }

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("sidecar.yaml"), yaml);
    }

    @Test
    void whenFlagsAloneAreEnoughThenTheSidecarIsLaunchedWithThem() {
        int exit = run(MINIMAL);

        assertThat(exit).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(launched).singleElement().satisfies(config -> {
            assertThat(config.primary()).isEqualTo(new Endpoint("127.0.0.1", 5432));
            assertThat(config.database()).isEqualTo("app");
        });
    }

    @Test
    void whenAFileAndFlagsAreGivenThenFlagsWin() throws IOException {
        Path config = file("""
                database: orders
                primary: {host: pg-0, port: 5432}
                auth: {method: trust}
                pool: {maxSize: 10, acquireTimeout: 5s}
                """);

        int exit = run("--config", config.toString(), "--acquire-timeout", "750ms");

        assertThat(exit).isZero();
        assertThat(launched).singleElement().satisfies(c -> {
            assertThat(c.database()).isEqualTo("orders");
            assertThat(c.pool().maxSize()).isEqualTo(10);
            assertThat(c.pool().acquireTimeout()).isEqualTo(Duration.ofMillis(750));
        });
    }

    @Test
    void whenNothingIsGivenThenTheRequiredFieldsAreNamedWithTheirFlags() {
        int exit = run();

        assertThat(exit).isEqualTo(2);
        assertThat(launched).isEmpty();
        assertThat(errLines()).containsExactly(
                "poolkeeper sidecar: database (--database): required, the database name clients connect to",
                "poolkeeper sidecar: primary (--primary): required, the primary server as {host, port}",
                "poolkeeper sidecar: auth.usersFile (--users-file): required when auth.method is scram-sha-256");
    }

    @Test
    void whenTheFileHasEveryProblemThenEachIsPrintedOnItsOwnLineNamingItsField() throws IOException {
        Path config = file("""
                listen: nowhere
                admin: "host:port"
                database: ""
                primary: {host: pg, port: 0}
                auth: {method: md5}
                tls: {certFile: /tls.crt}
                pool: {maxSize: 0, minIdle: 3, acquireTimeout: 100ms, connectTimeout: 100ms, maxUsesPerConnection: -1, maxLifetime: 5s, idleTimeout: 5s}
                timeouts: {login: 0}
                limits: {maxClientConnections: 0, maxMessageBytes: 100}
                replicas: [{port: 5432, weight: 2000}, {host: pg-1, port: 0}, {host: pg-1, port: 0}]
                listenReadOnly: nowhere
                probe: {interval: 10ms, timeout: 0}
                circuitBreaker: {failureThreshold: 0, resetTimeout: 0}
                """);

        int exit = run("--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(launched).isEmpty();
        assertThat(errLines()).allMatch(line -> line.startsWith("poolkeeper sidecar: "));
        assertThat(errLines().stream().map(line -> line.substring("poolkeeper sidecar: ".length()).split("[ :]")[0]))
                .containsExactly(
                        "listen", "admin", "database", "primary.port", "auth.usersFile", "tls",
                        "pool.maxSize", "pool.minIdle", "pool.acquireTimeout", "pool.connectTimeout",
                        "pool.maxUsesPerConnection", "pool.maxLifetime", "pool.idleTimeout",
                        "timeouts.login", "limits.maxClientConnections", "limits.maxMessageBytes",
                        "replicas[0].host", "replicas[0].weight", "replicas[1].port", "replicas[2].port", "replicas[2]",
                        "listenReadOnly", "probe.interval", "probe.timeout",
                        "circuitBreaker.failureThreshold", "circuitBreaker.resetTimeout");
        assertThat(errLines()).contains(
                "poolkeeper sidecar: pool.maxSize (--pool-size): must be at least 1, got 0",
                "poolkeeper sidecar: replicas[0].weight (--replica): must be 0-1000, got 2000",
                "poolkeeper sidecar: replicas[2] (--replica): pg-1:0 is listed twice (servers must be distinct)",
                "poolkeeper sidecar: listenReadOnly (--listen-ro): 'nowhere' is not HOST:PORT",
                "poolkeeper sidecar: probe.interval (--probe-interval): must be at least 100ms, got 10ms",
                "poolkeeper sidecar: circuitBreaker.resetTimeout (--breaker-reset): must be at least 100ms, got 0",
                "poolkeeper sidecar: tls (--tls-cert, --tls-key): give both certFile and keyFile, or neither",
                "poolkeeper sidecar: limits.maxMessageBytes: must be at least 8192");
    }

    @Test
    void whenADurationFlagIsNotADurationThenTheFlagAndTheRightSpellingAreNamed() {
        int exit = run(append(MINIMAL, "--acquire-timeout", "2 seconds"));

        assertThat(exit).isEqualTo(2);
        assertThat(launched).isEmpty();
        assertThat(errLines()).first().asString()
                .startsWith("poolkeeper sidecar: ")
                .contains("--acquire-timeout")
                .contains("'2 seconds' is not a duration")
                .contains("e.g. 2s or 500ms");
        assertThat(errLines()).contains("Run 'poolkeeper sidecar --help' for the options.");
    }

    @Test
    void whenAnAddressFlagHasNoPortThenTheFlagIsNamed() {
        int exit = run("--primary", "pg-0", "--database", "app");

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).first().asString()
                .contains("--primary")
                .contains("'pg-0' is not HOST:PORT, e.g. 127.0.0.1:5432");
    }

    @ParameterizedTest(name = "--replica {0}")
    @CsvSource(delimiter = '|', value = {
            "pg-1|'pg-1' is not HOST:PORT",
            "pg-1,weight=2|'pg-1' is not HOST:PORT",
            "pg-1:db|'pg-1:db' has a port that is not a number",
            "pg-1:5432,weight=heavy|weight 'heavy' is not a whole number",
            "pg-1:5432,weight|weight needs a value: weight=N",
            "pg-1:5432,zone=|zone needs a value: zone=Z",
            "pg-1:5432,colour=red|unknown setting 'colour'; the settings are weight and zone",
            "pg-1:5432,weight=1,weight=2|weight is given twice",
            "pg-1:5432,|an empty setting between commas",
            "pg-1:5432;weight=2|'pg-1:5432;weight=2' has a port that is not a number",
            "' '|no server given"})
    void whenAReplicaFlagIsMalformedThenTheFlagTheReasonAndTheFormAreNamed(String value, String why) {
        int exit = run(append(MINIMAL, "--replica", value));

        assertThat(exit).isEqualTo(2);
        assertThat(launched).isEmpty();
        assertThat(errLines()).first().asString()
                .startsWith("poolkeeper sidecar: ")
                .contains("--replica")
                .contains("'" + value + "': " + why + "; expected HOST:PORT[,weight=N][,zone=Z], e.g. pg-1.pg:5432,weight=2,zone=eu-west-1b");
    }

    @Test
    void whenReplicaFlagsAreWellFormedButOutOfRangeThenEachProblemNamesTheFlag() {
        int exit = run(append(MINIMAL, "--replica", "pg-1:70000", "--replica", "pg-2:5432,weight=-1",
                "--replica", "127.0.0.1:5432"));

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).containsExactly(
                "poolkeeper sidecar: replicas[0].port (--replica): must be 1-65535, got 70000",
                "poolkeeper sidecar: replicas[1].weight (--replica): must be 0-1000, got -1",
                "poolkeeper sidecar: replicas[2] (--replica): 127.0.0.1:5432 is listed twice (servers must be distinct)");
    }

    @Test
    void whenReplicaFlagsAreGivenThenTheSidecarIsLaunchedWithThemInOrder() {
        int exit = run(append(MINIMAL, "--replica", "pg-1:5432,weight=2,zone=a", "--replica", "pg-2:5432",
                "--listen-ro", "127.0.0.1:6433", "--read-strategy", "Weighted"));

        assertThat(exit).isZero();
        assertThat(launched).singleElement().satisfies(c -> {
            assertThat(c.servers()).containsExactly(
                    new Endpoint("127.0.0.1", 5432), new Endpoint("pg-1", 5432), new Endpoint("pg-2", 5432));
            assertThat(c.replicas().getFirst().weight()).isEqualTo(2);
            assertThat(c.listenReadOnly()).isEqualTo("127.0.0.1:6433");
        });
    }

    @Test
    void whenAReadStrategyOrSplitModeIsUnknownThenTheChoicesAreListed() {
        int strategy = run(append(MINIMAL, "--read-strategy", "fastest"));
        int split = run(append(MINIMAL, "--split-reads", "always"));

        assertThat(strategy).isEqualTo(2);
        assertThat(split).isEqualTo(2);
        assertThat(launched).isEmpty();
        assertThat(errLines()).anySatisfy(line -> assertThat(line).contains("--read-strategy")
                .contains("'fastest' is not a read strategy: use RoundRobin, Weighted, Random or LeastConnections"));
        assertThat(errLines()).anySatisfy(line -> assertThat(line).contains("--split-reads")
                .contains("'always' is not a splitReads mode: use Auto or Off"));
    }

    @Test
    void whenABooleanFlagIsNotTrueOrFalseThenThatIsSaid() {
        int exit = run(append(MINIMAL, "--read-your-writes", "yes"));

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).first().asString().contains("--read-your-writes").contains("'yes' is not true or false");
    }

    @Test
    void whenABooleanFlagHasNoValueThenTheNextFlagIsNotTakenAsIt() {
        int exit = run("--read-your-writes", "--primary", "pg:5432", "--database", "app", "--auth", "trust");

        assertThat(exit).isEqualTo(2);
        assertThat(launched).isEmpty();
        assertThat(errLines()).first().asString().contains("--read-your-writes");
    }

    @Test
    void whenTheAuthMethodIsUnknownThenTheChoicesAreListed() {
        int exit = run("--primary", "pg:5432", "--database", "app", "--auth", "password");

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).first().asString()
                .contains("--auth")
                .contains("use trust, md5 or scram-sha-256");
    }

    @Test
    void whenAFlagIsMisspelledThenTheRightOneIsSuggested() {
        int exit = run(append(MINIMAL, "--pool-sise", "4"));

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).containsExactly(
                "poolkeeper sidecar: Unknown options: '--pool-sise', '4'", "Possible solutions: --pool-size");
    }

    @Test
    void whenTheConfigFileIsMissingThenItsPathIsNamed() {
        Path missing = dir.resolve("missing.yaml");

        int exit = run("--config", missing.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).containsExactly("poolkeeper sidecar: --config " + missing + ": no such file");
    }

    @Test
    void whenTheConfigFileHasAnUnknownFieldThenTheFileAndFieldPathAreNamed() throws IOException {
        Path config = file("database: app\npool:\n  maxSzie: 4\n");

        int exit = run("--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).singleElement().asString()
                .startsWith("poolkeeper sidecar: " + config + ": pool.maxSzie: unknown field; the fields here are ");
    }

    @Test
    void whenTheConfigFileIsNotYamlThenTheFileIsNamed() throws IOException {
        Path config = file("database: [app\n");

        int exit = run("--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).singleElement().asString().startsWith("poolkeeper sidecar: " + config + ": ");
    }

    @Test
    void whenTheSidecarCannotStartThenTheReasonIsPrintedAndTheExitIsOne() {
        launcher = config -> {
            throw new IOException("listen: cannot listen on 127.0.0.1:6432: Address already in use");
        };

        int exit = run(MINIMAL);

        assertThat(exit).isEqualTo(1);
        assertThat(errLines()).containsExactly(
                "poolkeeper sidecar: cannot start: listen: cannot listen on 127.0.0.1:6432: Address already in use");
    }

    @Test
    void whenHelpIsAskedThenEveryOptionIsListed() {
        int exit = run("--help");

        assertThat(exit).isZero();
        assertThat(launched).isEmpty();
        assertThat(out.toString()).startsWith("Usage: sidecar").contains(
                "--config=FILE", "--listen=HOST:PORT", "--admin=HOST:PORT", "--primary=HOST:PORT",
                "--database=NAME", "--server-database=NAME", "--server-user=NAME", "--server-password-file=FILE",
                "--auth=METHOD", "--users-file=FILE", "--tls-cert=FILE", "--tls-key=FILE", "--pool-size=N",
                "--min-idle=N", "--acquire-timeout=DURATION", "--query-timeout=DURATION",
                "--idle-timeout=DURATION", "--max-lifetime=DURATION", "--max-uses=N",
                "--replica=HOST:PORT[,weight=N][,zone=Z]", "--listen-ro=HOST:PORT", "--read-strategy=NAME",
                "--split-reads=Auto|Off", "--max-replica-lag=DURATION", "--read-your-writes=true|false",
                "--fallback-to-primary=true|false", "--probe-interval=DURATION", "--probe-timeout=DURATION",
                "--breaker-failures=N", "--breaker-reset=DURATION", "--slow-query=DURATION",
                "--shutdown-grace=DURATION");
    }

    private static String[] append(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
