package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Clients log in to the sidecar with the methods PostgreSQL offers, and are refused as PostgreSQL would refuse them. */
@ExtendWith(LocalPostgresExtension.class)
class ClientAuthIT {
    private static LocalServer server;

    @BeforeAll
    static void remember(LocalPostgres pg) {
        server = pg.primary();
    }

    @Test
    void whenScramIsConfiguredThenTheRightPasswordLogsInAndWrongOnesAreRefusedAlike() throws SQLException {
        try (RunningSidecar proxy = RunningSidecar.start(server, "")) {
            try (Connection c = proxy.connect()) {
                assertThat(TransactionPoolingIsolationIT.one(c, "select 1")).isEqualTo("1");
            }
            SQLException wrongPassword = refused(proxy, "app", "nope");
            SQLException unknownUser = refused(proxy, "mallory", "nope");
            assertThat(wrongPassword.getSQLState()).isEqualTo("28P01");
            assertThat(wrongPassword.getMessage()).contains("password authentication failed for user \"app\"");
            assertThat(unknownUser.getSQLState()).isEqualTo("28P01");
            assertThat(unknownUser.getMessage()).contains("password authentication failed for user \"mallory\"");
            assertThat(proxy.admin("/metrics").body()).containsPattern("poolkeeper_errors_total\\{[^}]*kind=\"auth_failed\"[^}]*} 2");
        }
    }

    @Test
    void whenMd5IsConfiguredThenPgjdbcLogsInWithIt() throws SQLException {
        try (RunningSidecar proxy = RunningSidecar.start(server, "auth: {method: md5, usersFile: USERS_FILE}\n")) {
            try (Connection c = proxy.connect()) {
                assertThat(TransactionPoolingIsolationIT.one(c, "select 2")).isEqualTo("2");
            }
            assertThat(refused(proxy, "app", "wrong").getSQLState()).isEqualTo("28P01");
        }
    }

    @Test
    void whenTrustIsConfiguredThenAnyPasswordIsAccepted() throws SQLException {
        try (RunningSidecar proxy = RunningSidecar.start(server, "auth: {method: trust}\n");
             Connection c = DriverManager.getConnection(proxy.jdbcUrl(""), "anyone", "")) {
            assertThat(TransactionPoolingIsolationIT.one(c, "select 3")).isEqualTo("3");
        }
    }

    @Test
    void whenTheClientAsksForAnotherDatabaseThenItIsToldWhichOneThisPoolServes() {
        try (RunningSidecar proxy = RunningSidecar.start(server, "")) {
            assertThatThrownBy(() -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/elsewhere?sslmode=disable", RunningSidecar.USER, RunningSidecar.PASSWORD))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("database \"elsewhere\" does not exist")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("3D000");
        }
    }

    private static SQLException refused(RunningSidecar proxy, String user, String password) {
        try (Connection ignored = DriverManager.getConnection(proxy.jdbcUrl(""), user, password)) {
            throw new AssertionError("login as " + user + " should have been refused");
        } catch (SQLException e) {
            return e;
        }
    }
}
