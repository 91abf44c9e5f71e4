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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cancels, query and acquire timeouts, and connection retirement, against a real server. */
@ExtendWith(LocalPostgresExtension.class)
class TimeoutsAndCancelIT {
    private static LocalServer server;

    @BeforeAll
    static void remember(LocalPostgres pg) {
        server = pg.primary();
    }

    @Test
    void whenAClientCancelsThenOnlyItsOwnStatementStops() throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 4}\n");
             Connection victim = proxy.connect(); Connection bystander = proxy.connect();
             Statement slow = victim.createStatement(); Statement other = bystander.createStatement()) {
            CompletableFuture<String> cancelled = CompletableFuture.supplyAsync(() -> sqlStateOf(() -> slow.execute("select pg_sleep(30)")));
            CompletableFuture<String> unaffected = CompletableFuture.supplyAsync(() -> sqlStateOf(() -> other.execute("select pg_sleep(1.5)")));
            awaitRunning("pg_sleep(30)");
            long start = System.nanoTime();
            slow.cancel();
            assertThat(cancelled.get(10, TimeUnit.SECONDS)).isEqualTo("57014");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
            assertThat(unaffected.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(TransactionPoolingIsolationIT.one(victim, "select 'still usable'")).isEqualTo("still usable");
        }
    }

    @Test
    void whenAStatementRunsPastTheQueryTimeoutThenItIsCancelledOnTheServerWith57014() throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(server, "timeouts: {query: 500ms}\n");
             Connection c = proxy.connect(); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            assertThat(sqlStateOf(() -> s.execute("select pg_sleep(20)"))).isEqualTo("57014");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(400L, 8000L);
            try (Connection direct = server.connect("app")) {
                assertThat(TransactionPoolingIsolationIT.one(direct,
                        "select count(*) from pg_stat_activity where query like 'select pg_sleep(20)%' and state = 'active'")).isEqualTo("0");
            }
            assertThat(TransactionPoolingIsolationIT.one(c, "select 'fine'")).isEqualTo("fine");
        }
    }

    @Test
    void whenThePoolStaysFullThenTheWaiterGetsAnErrorNamingThePoolAndCanRetryLater() throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 1, minIdle: 0, acquireTimeout: 500ms}\n");
             Connection holder = proxy.connect(); Connection waiter = proxy.connect()) {
            holder.setAutoCommit(false);
            TransactionPoolingIsolationIT.exec(holder, "select 1");
            assertThatThrownBy(() -> TransactionPoolingIsolationIT.exec(waiter, "select 2"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("pool \"" + server.host() + ":" + server.port() + "\"")
                    .hasMessageContaining("size 1")
                    .hasMessageMatching("(?s).*after waiting \\d+ ms.*")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("53300");
            holder.commit();
            assertThat(TransactionPoolingIsolationIT.one(waiter, "select 'served'")).isEqualTo("served");
        }
    }

    @Test
    void whenAConnectionHasServedMaxUsesThenItIsReplaced() throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 1, minIdle: 1, maxUsesPerConnection: 3}\n");
             Connection c = proxy.connect()) {
            RunningSidecar.awaitPrimaryProbed(proxy);
            Set<String> backends = new HashSet<>();
            for (int i = 0; i < 9; i++) backends.add(TransactionPoolingIsolationIT.one(c, "select pg_backend_pid()"));
            assertThat(backends).hasSizeGreaterThanOrEqualTo(3);
            assertThat(proxy.admin("/metrics").body()).containsPattern("poolkeeper_server_connections_retired_total\\{[^}]*reason=\"max_uses\"[^}]*} [1-9]");
        }
    }

    private static void awaitRunning(String fragment) throws Exception {
        try (Connection direct = server.connect("app")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String n = TransactionPoolingIsolationIT.one(direct,
                        "select count(*) from pg_stat_activity where state = 'active' and query like '%" + fragment.replace("'", "''") + "%' and pid <> pg_backend_pid()");
                if (!n.equals("0")) return;
                Thread.sleep(20);
            }
            throw new AssertionError("statement " + fragment + " never started on the server");
        }
    }

    interface SqlAction {
        void run() throws SQLException;
    }

    static String sqlStateOf(SqlAction action) {
        try {
            action.run();
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
