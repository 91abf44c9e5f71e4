package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.localpg.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real client programs through the sidecar: psql, pgbench, node-postgres and psycopg, each with
 * its own protocol habits (simple and extended queries, named statements, pipelining, COPY,
 * SSLRequest with sslmode=prefer), against a pool smaller than the number of clients.
 */
@ExtendWith(LocalPostgresExtension.class)
class RealClientsIT {
    private static final int POOL_SIZE = 3;
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(3);
    /** The IT runs in sidecar/; the client scripts live beside it in the repository. */
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final String PYTHON = "/usr/bin/python3";

    private static LocalServer server;
    private static RunningSidecar proxy;
    /** The application name of this test's own direct connections, which the counts leave out. */
    private static final String OBSERVER = "realclients-observer";

    /** Server clock before the sidecar started: every backend started later and not an observer is the sidecar's. */
    private static Timestamp sidecarStart;

    @BeforeAll
    static void start(LocalPostgres pg) throws SQLException {
        server = pg.primary();
        ProcessResult init = LocalPostgres.runClient(List.of("pgbench", "-i", "-q", "-s", "1"), direct(), CLIENT_TIMEOUT);
        assertThat(init.exitCode()).as("pgbench -i directly against the server:\n%s%s", init.stderr(), init.stdout()).isZero();
        try (Connection c = observer(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select clock_timestamp()")) {
            rs.next();
            sidecarStart = rs.getTimestamp(1);
        }
        proxy = RunningSidecar.start(server, "pool: {maxSize: " + POOL_SIZE + ", minIdle: 1, acquireTimeout: 10s}\n");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Nested
    class Psql {
        @Test
        void whenPsqlRunsAScriptWithTransactionsAndCopyThenRowsAndCopiedFilesMatch(@TempDir Path dir) throws IOException, SQLException {
            String csv = """
                    10,"comma, inside",3.25
                    11,"quote \"\"inside\"\"\",4
                    12,ünïcode,0.5
                    13,,7
                    """;
            Path in = Files.writeString(dir.resolve("in.csv"), csv, StandardCharsets.UTF_8);
            Path out = dir.resolve("out.csv");
            Path script = Files.writeString(dir.resolve("script.sql"), """
                    \\set ON_ERROR_STOP on
                    drop table if exists psql_items;
                    create table psql_items (id int primary key, name text, price numeric);
                    begin;
                    insert into psql_items values (1, 'one', 1.5), (2, 'two', 2.5);
                    update psql_items set price = price * 2 where id = 2;
                    commit;
                    begin;
                    insert into psql_items values (3, 'rolled back', 0);
                    rollback;
                    \\copy psql_items from '%s' with (format csv)
                    select count(*) as n, sum(price) as total, count(*) filter (where name is null) as nulls from psql_items \\gset
                    \\echo rows=:n total=:total nulls=:nulls
                    \\copy (select id, name, price from psql_items order by id) to '%s' with (format csv)
                    """.formatted(in, out), StandardCharsets.UTF_8);

            // sslmode=prefer: psql asks for TLS first, the sidecar (without TLS) answers 'N', psql goes on in plain text
            ProcessResult r = psql(script, "prefer");

            assertThat(r.exitCode()).as("psql:\n%s%s", r.stderr(), r.stdout()).isZero();
            assertThat(r.stdout()).contains("rows=6 total=21.25 nulls=1");
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("1,one,1.5\n2,two,5.0\n" + csv);
            assertThat(observe("select string_agg(id::text, ',' order by id) from psql_items")).isEqualTo("1,2,10,11,12,13");
        }

        @Test
        void whenAStatementFailsWithOnErrorStopThenPsqlStopsAndReportsTheServersSqlState(@TempDir Path dir) throws IOException {
            Path script = Files.writeString(dir.resolve("error.sql"), """
                    \\set VERBOSITY verbose
                    select 'marker ' || 'before';
                    begin;
                    select 1 / 0;
                    select 'marker ' || 'after';
                    """);

            ProcessResult r = LocalPostgres.runClient(
                    List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "-f", script.toString()), throughProxy("disable"), CLIENT_TIMEOUT);

            assertThat(r.exitCode()).as("psql exit code (3: a script error stopped it):\n%s%s", r.stderr(), r.stdout()).isEqualTo(3);
            assertThat(r.stderr()).contains("ERROR:  22012: division by zero");
            assertThat(r.stdout()).contains("marker before").doesNotContain("marker after");
        }

        private ProcessResult psql(Path script, String sslmode) {
            return LocalPostgres.runClient(List.of("psql", "-X", "-q", "-f", script.toString()), throughProxy(sslmode), CLIENT_TIMEOUT);
        }
    }

    @Nested
    class Pgbench {
        private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)/(\\d+)");
        private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");

        @ParameterizedTest(name = "-M {0} -b {1}")
        @CsvSource({"simple, tpcb-like", "simple, select-only", "extended, tpcb-like", "extended, select-only"})
        void whenEightClientsShareThreeServerConnectionsThenEveryTransactionCommits(String mode, String script) throws Exception {
            assertEveryTransactionDone(List.of("pgbench", "-n", "-M", mode, "-b", script, "-c", "8", "-j", "2", "-t", "200"), 1600);
        }

        /**
         * pgbench 15 prepares with the blocking PQprepare, which parks every client of its thread
         * while it waits; with 8 clients on 2 threads and 3 server connections that only works
         * because the sidecar accepts a named Parse outside a transaction without a server.
         */
        @ParameterizedTest(name = "-M prepared -b {0}")
        @CsvSource({"tpcb-like", "select-only"})
        void whenEightClientsShareThreeServerConnectionsWithPreparedStatementsThenEveryTransactionCommits(String script) throws Exception {
            assertEveryTransactionDone(List.of("pgbench", "-n", "-M", "prepared", "-b", script, "-c", "8", "-j", "2", "-t", "200"), 1600);
        }

        @ParameterizedTest(name = "-C -M {0}")
        @CsvSource({"simple", "extended", "prepared"})
        void whenEveryTransactionComesOnANewClientConnectionThenEveryTransactionCommits(String mode) throws Exception {
            assertEveryTransactionDone(List.of("pgbench", "-n", "-C", "-M", mode, "-c", "4", "-j", "2", "-t", "100"), 400);
        }

        private void assertEveryTransactionDone(List<String> argv, int transactions) throws Exception {
            ProcessResult r;
            int peak;
            try (BackendSampler sampler = new BackendSampler(observer(), RealClientsIT::countSidecarBackends)) {
                r = LocalPostgres.runClient(argv, throughProxy("disable"), CLIENT_TIMEOUT);
                peak = sampler.peak();
            }
            String output = r.stderr() + r.stdout();
            assertThat(r.exitCode()).as("%s:\n%s", argv, output).isZero();
            assertThat(number(PROCESSED, r.stdout(), 1)).as("transactions processed:\n%s", output).isEqualTo(transactions);
            assertThat(number(PROCESSED, r.stdout(), 2)).isEqualTo(transactions);
            assertThat(number(FAILED, r.stdout(), 1)).as("failed transactions:\n%s", output).isZero();
            assertThat(peak).as("most server connections the sidecar held at once during the run").isBetween(1, POOL_SIZE);
            assertThat(sidecarBackends()).as("server connections after the run").isBetween(1, POOL_SIZE);
            assertThat(Integer.parseInt(observe("select count(*) from pg_stat_activity where datname = 'app' and application_name = 'poolkeeper'")))
                    .as("server connections named poolkeeper after the run").isLessThanOrEqualTo(POOL_SIZE);
        }

        private static int number(Pattern pattern, String text, int group) {
            Matcher m = pattern.matcher(text);
            if (!m.find()) fail("pgbench output lacks \"" + pattern.pattern() + "\":\n" + text);
            return Integer.parseInt(m.group(group));
        }
    }

    @Nested
    class NodePostgres {
        @Test
        void whenNodePostgresRunsItsSmokeScriptThenEveryCheckPasses() throws IOException {
            Path dir = REPO.resolve("clients/node");
            if (!Files.isDirectory(dir.resolve("node_modules/pg"))) {
                fail(dir.resolve("node_modules") + " is missing: run `npm ci --prefix clients/node` in the repository root first");
            }

            JsonNode summary = runSmoke(List.of("node", dir.resolve("smoke.js").toString()), throughProxy("disable"));

            assertThat(summary.path("parameterized").asInt()).isEqualTo(40);
            assertThat(summary.path("prepared").asInt()).isEqualTo(100);
            assertThat(summary.path("committedRows").asInt()).isEqualTo(3);
            assertErrorCodes(summary);
        }
    }

    @Nested
    class Psycopg {
        @Test
        void whenPsycopgRunsItsSmokeScriptThenEveryCheckPasses() throws IOException {
            ProcessResult check = LocalPostgres.runClient(List.of(PYTHON, "-c", "import psycopg"), Map.of(), CLIENT_TIMEOUT);
            if (!check.succeeded()) {
                fail(PYTHON + " cannot import psycopg: install it with `apt-get install -y python3-psycopg`\n" + check.stderr());
            }

            JsonNode summary = runSmoke(List.of(PYTHON, REPO.resolve("clients/python/smoke.py").toString()), throughProxy("prefer"));

            assertThat(summary.path("prepared").asInt()).isEqualTo(120);
            assertThat(summary.path("committedRows").asInt()).isEqualTo(100);
            assertThat(summary.path("copiedRows").asInt()).isEqualTo(500);
            assertErrorCodes(summary);
        }
    }

    // ---- helpers ----

    /** Runs a smoke script, requires exit 0 and one JSON line on stdout with no mismatches, and returns it. */
    private static JsonNode runSmoke(List<String> argv, Map<String, String> env) throws IOException {
        ProcessResult r = LocalPostgres.runClient(argv, env, CLIENT_TIMEOUT);
        assertThat(r.exitCode()).as("%s:\n%s%s", argv, r.stderr(), r.stdout()).isZero();
        JsonNode summary = new ObjectMapper().readTree(r.stdout().strip());
        assertThat(summary.path("mismatches").isArray()).as("summary %s", summary).isTrue();
        assertThat(summary.path("mismatches")).as("mismatches").isEmpty();
        return summary;
    }

    private static void assertErrorCodes(JsonNode summary) {
        JsonNode codes = summary.path("errorCodes");
        assertThat(codes.path("divisionByZero").asText()).isEqualTo("22012");
        assertThat(codes.path("uniqueViolation").asText()).isEqualTo("23505");
        assertThat(codes.path("undefinedTable").asText()).isEqualTo("42P01");
    }

    private static Map<String, String> throughProxy(String sslmode) {
        return Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(proxy.port()), "PGUSER", RunningSidecar.USER,
                "PGPASSWORD", RunningSidecar.PASSWORD, "PGDATABASE", RunningSidecar.DATABASE, "PGSSLMODE", sslmode);
    }

    private static Map<String, String> direct() {
        return Map.of("PGHOST", server.host(), "PGPORT", String.valueOf(server.port()), "PGDATABASE", RunningSidecar.DATABASE,
                "PGSSLMODE", "disable");
    }

    /**
     * The sidecar's server connections: every client backend of the test database started since
     * the sidecar was, except this test's own observers (which may linger a moment after closing) and
     * the sidecar's probe connection, which is not pooled.
     */
    private static final String SIDECAR_BACKENDS = """
            select count(*) from pg_stat_activity
            where datname = 'app' and backend_type = 'client backend' and application_name not in ('%s', 'poolkeeper-probe')
              and backend_start > ?"""
            .formatted(OBSERVER);

    /** A direct connection to the server that the backend counts leave out. */
    private static Connection observer() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", LocalPostgres.USER);
        p.setProperty("password", LocalPostgres.PASSWORD);
        p.setProperty("ApplicationName", OBSERVER);
        return DriverManager.getConnection(server.jdbcUrl(), p);
    }

    /** The first column of the first row of {@code sql}, run directly on the server. */
    private static String observe(String sql) throws SQLException {
        try (Connection c = observer(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The sidecar's server connections now, counted on the server. */
    private static int sidecarBackends() throws SQLException {
        try (Connection c = observer()) {
            return countSidecarBackends(c);
        }
    }

    private static int countSidecarBackends(Connection c) throws SQLException {
        try (var ps = c.prepareStatement(SIDECAR_BACKENDS)) {
            ps.setTimestamp(1, sidecarStart);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
