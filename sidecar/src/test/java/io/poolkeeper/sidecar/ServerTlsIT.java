package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.localpg.ProcessResult;
import io.poolkeeper.localpg.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/**
 * TLS from the sidecar to a real PostgreSQL 15 with ssl = on, with a CA, server and client
 * certificates made for the test: the server sees the sidecar's connections encrypted, and every
 * way the TLS can be wrong fails the client's login promptly with 08006 and a hint naming the
 * server.tls field to check.
 */
@ExtendWith(LocalPostgresExtension.class)
class ServerTlsIT {
    private static final String CERT_USER = "certuser";
    private static final String IS_TLS = "select ssl from pg_stat_ssl where pid = pg_backend_pid()";
    private static final String FAIL_FAST = "pool: {acquireTimeout: 1s, minIdle: 0}\n";

    @TempDir
    static Path dir;
    private static LocalPostgres tlsCluster;
    private static LocalServer tlsServer;
    private static TestCertificates.Authority ca;

    @BeforeAll
    static void startTlsServer() throws Exception {
        ca = TestCertificates.authority(dir, "test-ca");
        // Names 127.0.0.1 only, so connecting to it as "localhost" is a host name mismatch.
        ca.issue("poolkeeper-test-server", "IP:127.0.0.1", dir.resolve("server.crt"), dir.resolve("server.key"));
        ca.issue(CERT_USER, null, dir.resolve("client.crt"), dir.resolve("client.key"));
        tlsCluster = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(0));
        tlsServer = tlsCluster.primary();
        tlsServer.enableTls(dir.resolve("server.crt"), dir.resolve("server.key"));
        tlsServer.sql("CREATE ROLE " + CERT_USER + " LOGIN SUPERUSER PASSWORD '" + LocalPostgres.PASSWORD + "'");
        tlsServer.requireClientCertificate(CERT_USER, ca.cert());
    }

    @AfterAll
    static void stopTlsServer() {
        tlsCluster.close();
    }

    @Test
    void whenVerifyFullWithTheRightCaThenClientsWorkAndTheServerSeesTls() throws Exception {
        try (RunningSidecar proxy = sidecar("127.0.0.1", LocalPostgres.USER, "mode: verify-full, rootCertFile: " + ca.cert(), "")) {
            try (Connection c = proxy.connect()) {
                assertThat(TransactionPoolingIsolationIT.one(c, IS_TLS)).isEqualTo("t");
                assertThat(TransactionPoolingIsolationIT.one(c, "select version from pg_stat_ssl where pid = pg_backend_pid()"))
                        .startsWith("TLSv1.");
            }
            ProcessResult psql = LocalPostgres.runClient(List.of("psql", "-X", "-At", "-c", IS_TLS), throughProxy(proxy), Duration.ofSeconds(30));
            assertThat(psql.exitCode()).as(psql.stderr()).isZero();
            assertThat(psql.stdout().strip()).isEqualTo("t");
        }
    }

    @Test
    void whenPgbenchRunsWithPreparedStatementsOverTlsThenEveryTransactionCommits() throws Exception {
        ProcessResult init = LocalPostgres.runClient(List.of("pgbench", "-i", "-q", "-s", "1"),
                Map.of("PGHOST", tlsServer.host(), "PGPORT", String.valueOf(tlsServer.port()), "PGDATABASE", "app"), Duration.ofSeconds(60));
        assertThat(init.exitCode()).as(init.stderr()).isZero();
        try (RunningSidecar proxy = sidecar("127.0.0.1", LocalPostgres.USER, "mode: verify-full, rootCertFile: " + ca.cert(),
                "pool: {maxSize: 3, minIdle: 1}\n")) {
            ProcessResult bench = LocalPostgres.runClient(
                    List.of("pgbench", "-n", "-M", "prepared", "-c", "6", "-j", "2", "-t", "100"), throughProxy(proxy), Duration.ofSeconds(120));
            System.out.println("server TLS: pgbench through the sidecar:\n" + bench.stdout());
            assertThat(bench.exitCode()).as(bench.stderr() + bench.stdout()).isZero();
            assertThat(bench.stdout()).contains("number of transactions actually processed: 600/600")
                    .contains("number of failed transactions: 0");
            assertThat(tlsServer.sql("select count(*) from pg_stat_ssl s join pg_stat_activity a using (pid)"
                    + " where a.application_name = 'poolkeeper' and not s.ssl")).isEqualTo("0");
        }
    }

    @Test
    void whenTheCaIsWrongThenTheClientGetsAConnectionFailureNamingTheCa() throws Exception {
        TestCertificates.Authority other = TestCertificates.authority(dir, "other-ca");
        try (RunningSidecar proxy = sidecar("127.0.0.1", LocalPostgres.USER, "mode: verify-full, rootCertFile: " + other.cert(), FAIL_FAST)) {
            PSQLException e = connectionFailure(proxy);
            assertThat(e.getMessage()).contains("SSL error").contains("PKIX path");
            assertThat(e.getServerErrorMessage().getHint()).contains("server.tls.rootCertFile");
        }
    }

    @Test
    void whenVerifyFullMeetsACertificateForAnotherHostThenTheLoginFails() throws Exception {
        try (RunningSidecar proxy = sidecar("localhost", LocalPostgres.USER, "mode: verify-full, rootCertFile: " + ca.cert(), FAIL_FAST)) {
            PSQLException e = connectionFailure(proxy);
            assertThat(e.getMessage()).contains("hostname localhost could not be verified");
            assertThat(e.getServerErrorMessage().getHint()).contains("verify-ca");
        }
        try (RunningSidecar proxy = sidecar("localhost", LocalPostgres.USER, "mode: verify-ca, rootCertFile: " + ca.cert(), "");
                Connection c = proxy.connect()) {
            assertThat(TransactionPoolingIsolationIT.one(c, IS_TLS)).as("verify-ca does not check the host name").isEqualTo("t");
        }
    }

    @Test
    void whenRequireMeetsAServerWithoutTlsThenTheLoginFailsAndPreferFallsBackToPlain(LocalPostgres plain) throws Exception {
        LocalServer noTls = plain.primary();
        try (RunningSidecar proxy = RunningSidecar.start(noTls.host(), noTls.port(),
                "user: postgres, passwordFile: SERVER_PASSWORD_FILE, tls: {mode: require}", FAIL_FAST)) {
            PSQLException e = connectionFailure(proxy);
            assertThat(e.getMessage()).contains("does not support SSL");
            assertThat(e.getServerErrorMessage().getHint()).contains("ssl = off");
        }
        try (RunningSidecar proxy = RunningSidecar.start(noTls.host(), noTls.port(),
                "user: postgres, passwordFile: SERVER_PASSWORD_FILE, tls: {mode: prefer}", "");
                Connection c = proxy.connect()) {
            assertThat(TransactionPoolingIsolationIT.one(c, IS_TLS)).isEqualTo("f");
        }
        try (RunningSidecar proxy = sidecar("127.0.0.1", LocalPostgres.USER, "mode: prefer", ""); Connection c = proxy.connect()) {
            assertThat(TransactionPoolingIsolationIT.one(c, IS_TLS)).as("prefer against a server with TLS").isEqualTo("t");
        }
    }

    @Test
    void whenTheServerRequiresAClientCertificateThenTheConfiguredOneIsShown() throws Exception {
        String tls = "mode: verify-full, rootCertFile: " + ca.cert();
        try (RunningSidecar proxy = sidecar("127.0.0.1", CERT_USER,
                tls + ", certFile: " + dir.resolve("client.crt") + ", keyFile: " + dir.resolve("client.key"), "");
                Connection c = proxy.connect()) {
            assertThat(TransactionPoolingIsolationIT.one(c, "select client_dn from pg_stat_ssl where pid = pg_backend_pid()"))
                    .isEqualTo("/CN=" + CERT_USER);
        }
        try (RunningSidecar proxy = sidecar("127.0.0.1", CERT_USER, tls, FAIL_FAST)) {
            PSQLException e = connectionFailure(proxy);
            assertThat(e.getMessage()).contains("connection requires a valid client certificate");
            assertThat(e.getServerErrorMessage().getHint()).contains("server.tls.certFile");
        }
    }

    @Test
    void whenAStatementIsCancelledOrTimesOutOverTlsThenItEndsWith57014() throws Exception {
        try (RunningSidecar proxy = sidecar("127.0.0.1", LocalPostgres.USER, "mode: verify-full, rootCertFile: " + ca.cert(),
                "timeouts: {query: 500ms}\n");
                Connection c = proxy.connect(); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            SQLException timedOut = catchThrowableOfType(SQLException.class, () -> s.execute("select pg_sleep(10)"));
            assertThat(timedOut.getSQLState()).isEqualTo("57014");
            System.out.printf("server TLS: a 500 ms query timeout ended pg_sleep(10) after %d ms%n", (System.nanoTime() - start) / 1_000_000);

            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(200);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            start = System.nanoTime();
            SQLException cancelled = catchThrowableOfType(SQLException.class, () -> s.execute("select pg_sleep(0.4), pg_sleep(10)"));
            cancel.get(10, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("server TLS: a client cancel ended its statement after %d ms%n", millis);
            assertThat(cancelled.getSQLState()).isEqualTo("57014");
            assertThat(millis).isLessThan(3000);
            assertThat(TransactionPoolingIsolationIT.one(c, IS_TLS)).as("the connection is usable after the cancel").isEqualTo("t");
        }
    }

    private static RunningSidecar sidecar(String host, String user, String tls, String extraYaml) {
        return RunningSidecar.start(host, tlsServer.port(),
                "user: " + user + ", passwordFile: SERVER_PASSWORD_FILE, tls: {" + tls + "}", extraYaml);
    }

    /**
     * The failure of a client's login or first statement (whichever first needs a server
     * connection), which must come within the acquire timeout plus a margin rather than hang.
     */
    private static PSQLException connectionFailure(RunningSidecar proxy) {
        long start = System.nanoTime();
        PSQLException e = catchThrowableOfType(PSQLException.class, () -> {
            try (Connection c = proxy.connect()) {
                TransactionPoolingIsolationIT.one(c, "select 1");
            }
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat((Throwable) e).as("the login or statement through the sidecar should have failed").isNotNull();
        System.out.printf("server TLS: failed after %d ms: %s (hint: %s)%n", millis, e.getMessage().replace('\n', ' '),
                e.getServerErrorMessage().getHint());
        assertThat(e.getSQLState()).isEqualTo("08006");
        assertThat(millis).isLessThan(5000);
        return e;
    }

    private static Map<String, String> throughProxy(RunningSidecar proxy) {
        return Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(proxy.port()), "PGDATABASE", "app", "PGSSLMODE", "disable",
                "PGUSER", RunningSidecar.USER, "PGPASSWORD", RunningSidecar.PASSWORD);
    }
}
