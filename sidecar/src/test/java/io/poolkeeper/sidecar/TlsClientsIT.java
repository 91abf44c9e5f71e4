package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.ProcessResult;
import io.poolkeeper.localpg.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** With a certificate configured, clients that ask for TLS get it; without one, they are told 'N' and may go on in plaintext. */
@ExtendWith(LocalPostgresExtension.class)
class TlsClientsIT {

    @Test
    void whenACertificateIsConfiguredThenPgjdbcAndPsqlConnectOverTls(LocalPostgres pg, @TempDir Path dir) throws Exception {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        TestCertificates.selfSigned("rsa", cert, key);
        Files.writeString(dir.resolve("root.crt"), Files.readString(cert));
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "tls: {certFile: " + cert + ", keyFile: " + key + "}\n")) {
            try (Connection c = java.sql.DriverManager.getConnection(
                    "jdbc:postgresql://localhost:" + proxy.port() + "/app?sslmode=verify-full&sslrootcert=" + dir.resolve("root.crt"),
                    RunningSidecar.USER, RunningSidecar.PASSWORD)) {
                assertThat(TransactionPoolingIsolationIT.one(c, "select 'over tls'")).isEqualTo("over tls");
            }
            ProcessResult psql = LocalPostgres.runClient(
                    List.of("psql", "-X", "-At", "-c", "select 40 + 2"),
                    Map.of("PGHOST", "localhost", "PGPORT", String.valueOf(proxy.port()), "PGDATABASE", "app",
                            "PGUSER", RunningSidecar.USER, "PGPASSWORD", RunningSidecar.PASSWORD,
                            "PGSSLMODE", "verify-full", "PGSSLROOTCERT", dir.resolve("root.crt").toString()),
                    Duration.ofSeconds(30));
            assertThat(psql.exitCode()).as(psql.stderr()).isZero();
            assertThat(psql.stdout().strip()).isEqualTo("42");
        }
    }

    @Test
    void whenNoCertificateIsConfiguredThenSslRequireIsRefusedAndPlaintextWorks(LocalPostgres pg) throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "")) {
            Map<String, String> env = Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(proxy.port()), "PGDATABASE", "app",
                    "PGUSER", RunningSidecar.USER, "PGPASSWORD", RunningSidecar.PASSWORD);
            ProcessResult required = LocalPostgres.runClient(List.of("psql", "-X", "-At", "-c", "select 1"),
                    merged(env, "PGSSLMODE", "require"), Duration.ofSeconds(30));
            assertThat(required.exitCode()).isNotZero();
            assertThat(required.stderr()).contains("server does not support SSL");
            ProcessResult preferred = LocalPostgres.runClient(List.of("psql", "-X", "-At", "-c", "select 1"),
                    merged(env, "PGSSLMODE", "prefer"), Duration.ofSeconds(30));
            assertThat(preferred.exitCode()).as(preferred.stderr()).isZero();
            assertThat(preferred.stdout().strip()).isEqualTo("1");
        }
    }

    private static Map<String, String> merged(Map<String, String> env, String key, String value) {
        var out = new java.util.HashMap<>(env);
        out.put(key, value);
        return out;
    }
}
