package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two clients behind a pool of one server connection, so every statement of one runs on the
 * connection the other just used: nothing one leaves in the session may reach the other, and
 * each keeps the settings it asked for.
 */
@ExtendWith(LocalPostgresExtension.class)
class TransactionPoolingIsolationIT {
    private static LocalServer server;
    private static RunningSidecar proxy;

    @BeforeAll
    static void start(LocalPostgres pg) throws SQLException {
        server = pg.primary();
        proxy = RunningSidecar.start(server, "pool: {maxSize: 1, minIdle: 1}\n");
        try (Connection c = server.connect("app"); Statement s = c.createStatement()) {
            s.execute("create table if not exists isolation_rows (a int)");
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void whenOneClientSetsASettingThenOnlyThatClientKeepsIt() throws SQLException {
        try (Connection a = proxy.connect(); Connection b = proxy.connect()) {
            exec(a, "SET search_path TO pg_catalog");
            exec(a, "set statement_timeout = '7s'");
            assertThat(one(b, "show search_path")).isEqualTo("\"$user\", public");
            assertThat(one(b, "show statement_timeout")).isEqualTo("0");
            assertThat(one(a, "show search_path")).isEqualTo("pg_catalog");
            assertThat(one(a, "show statement_timeout")).isEqualTo("7s");
            exec(a, "RESET statement_timeout");
            assertThat(one(a, "show statement_timeout")).isEqualTo("0");
            assertThat(one(a, "show search_path")).isEqualTo("pg_catalog");
        }
    }

    @Test
    void whenSettingsChangeThroughSetConfigOrADoBlockThenOnlyThatClientKeepsThem() throws SQLException {
        try (Connection a = proxy.connect(); Connection b = proxy.connect()) {
            one(a, "select set_config('search_path', 'pg_catalog', false)");
            exec(a, "DO $$ BEGIN EXECUTE 'SET statement_timeout = 4242'; END $$");
            assertThat(one(b, "show search_path")).isEqualTo("\"$user\", public");
            assertThat(one(b, "show statement_timeout")).isEqualTo("0");
            assertThat(one(a, "show search_path")).isEqualTo("pg_catalog");
            assertThat(one(a, "show statement_timeout")).isEqualTo("4242ms");
        }
    }

    @Test
    void whenASetIsRolledBackThenTheClientDoesNotKeepIt() throws SQLException {
        try (Connection a = proxy.connect()) {
            a.setAutoCommit(false);
            exec(a, "set work_mem = '7MB'");
            a.rollback();
            a.setAutoCommit(true);
            assertThat(one(a, "show work_mem")).isEqualTo("4MB");
        }
    }

    @Test
    void whenEachClientNamesItselfThenEachSeesItsOwnApplicationName() throws SQLException {
        try (Connection a = proxy.connect("ApplicationName=alpha"); Connection b = proxy.connect("ApplicationName=beta")) {
            for (int i = 0; i < 3; i++) {
                assertThat(one(a, "show application_name")).isEqualTo("alpha");
                assertThat(one(b, "show application_name")).isEqualTo("beta");
            }
        }
    }

    @Test
    void whenOneClientMakesItsSessionReadOnlyThenTheOtherCanStillWrite() throws SQLException {
        try (Connection a = proxy.connect(); Connection b = proxy.connect()) {
            exec(a, "set default_transaction_read_only = on");
            exec(b, "insert into isolation_rows values (1)");
            assertThatThrownBy(() -> exec(a, "insert into isolation_rows values (2)"))
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25006");
        }
    }

    @Test
    void whenAClientLeavesTempTablesCursorsAndLocksThenTheNextClientFindsNone() throws SQLException {
        try (Connection a = proxy.connect(); Connection b = proxy.connect(); Connection direct = server.connect("app")) {
            exec(a, "create temp table scratch (a int)");
            exec(a, "declare held cursor with hold for select 1");
            exec(a, "select pg_advisory_lock(4242)");
            assertThat(one(b, "select count(*) from pg_class where relname = 'scratch' and relpersistence = 't'")).isEqualTo("0");
            assertThat(one(b, "select count(*) from pg_cursors where name = 'held'")).isEqualTo("0");
            assertThat(one(direct, "select pg_try_advisory_lock(4242)")).isEqualTo("t");
            exec(direct, "select pg_advisory_unlock(4242)");
        }
    }

    @Test
    void whenAClientListensThenItGetsAClearErrorAndCarriesOn() throws SQLException {
        try (Connection a = proxy.connect()) {
            assertThatThrownBy(() -> exec(a, "LISTEN events"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("LISTEN is not supported in transaction pooling mode")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            assertThat(one(a, "select 3")).isEqualTo("3");
        }
    }

    @Test
    void whenAClientDisappearsMidTransactionThenItsWorkIsRolledBackAndTheConnectionIsClean() throws Exception {
        try (Connection direct = server.connect("app")) {
            exec(direct, "create table if not exists abandoned (a int)");
            exec(direct, "truncate abandoned");
            Connection a = proxy.connect();
            a.setAutoCommit(false);
            exec(a, "insert into abandoned values (1)");
            a.abort(Executors.newVirtualThreadPerTaskExecutor());
            try (Connection b = proxy.connect()) {
                assertThat(one(b, "select count(*) from abandoned")).isEqualTo("0");
                assertThat(one(b, "select current_setting('transaction_isolation')")).isEqualTo("read committed");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            String idleInTransaction;
            do {
                idleInTransaction = one(direct, "select count(*) from pg_stat_activity where application_name = 'poolkeeper' and state like 'idle in transaction%'");
            } while (!idleInTransaction.equals("0") && System.nanoTime() < deadline);
            assertThat(idleInTransaction).isEqualTo("0");
            assertThat(one(direct, "select count(*) from abandoned")).isEqualTo("0");
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
