package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pool of 5 under 50 clients: the sidecar opens exactly 5 server connections, the clients that
 * queue past the acquire timeout get 53300 naming the pool and are served when they retry, a
 * cancel still reaches its own statement, and afterwards nothing is left busy.
 */
@ExtendWith(LocalPostgresExtension.class)
class PoolOfFiveIT {
    private static final int POOL = 5;
    private static final int CLIENTS = 50;
    private static final long ACQUIRE_MILLIS = 1000;
    /** Four of the five connections, held for longer than the acquire timeout. */
    private static final String HOLD = "select pg_sleep(3)";
    /** The fifth, cancelled by its client while the pool is full. */
    private static final String VICTIM = "select pg_sleep(30)";
    /** The sidecar's server login, its own so its connections can be counted on the server. */
    private static final String POOL_ROLE = "five_pool";
    private static final String POOL_CONNECTIONS = "from pg_stat_activity where usename = '" + POOL_ROLE + "' and application_name <> 'poolkeeper-probe'";

    private static LocalServer server;

    @BeforeAll
    static void remember(LocalPostgres pg) {
        server = pg.primary();
    }

    @Test
    void whenFiftyClientsShareAPoolOfFiveThenItHoldsFiveTheQueueTimesOutCleanlyCancelsWorkAndNothingLeaks() throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(server, RunningSidecar.ownServerLogin(server, POOL_ROLE)
                + "pool: {maxSize: " + POOL + ", minIdle: 0, acquireTimeout: " + ACQUIRE_MILLIS + "ms}\n");
             Connection observer = server.connect("app")) {
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) clients.add(proxy.connect());
            BackendSampler sampler = new BackendSampler(server.connect("app"), c -> Integer.parseInt(one(c, "select count(*) " + POOL_CONNECTIONS)));
            try {
                Statement victim = clients.get(0).createStatement();
                CompletableFuture<String> cancelled = run(() -> victim.execute(VICTIM));
                List<CompletableFuture<String>> holders = IntStream.range(1, POOL)
                        .mapToObj(i -> run(() -> exec(clients.get(i), HOLD))).toList();
                awaitActive(observer, POOL);

                ConcurrentLinkedQueue<Long> timeoutWaits = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
                List<CompletableFuture<String>> queued = clients.subList(POOL, CLIENTS).stream()
                        .map(c -> run(() -> servedAfterRetries(c, timeoutWaits, unexpected))).toList();
                Thread.sleep(ACQUIRE_MILLIS + 500);
                long cancelAt = System.nanoTime();
                victim.cancel();
                assertThat(cancelled.get(5, TimeUnit.SECONDS)).as("the cancelled statement, with the pool full").isEqualTo("57014");
                long cancelMillis = (System.nanoTime() - cancelAt) / 1_000_000;

                for (CompletableFuture<String> h : holders) assertThat(h.get(10, TimeUnit.SECONDS)).as("a holder, not cancelled").isEqualTo("ok");
                for (CompletableFuture<String> q : queued) assertThat(q.get(30, TimeUnit.SECONDS)).as("a queued client, in the end").isEqualTo("ok");
                int peak = sampler.peak();

                System.out.printf("pool of five: peak %d server connections (%d samples); %d waits ended in 53300 after %d–%d ms; cancel answered in %d ms%n",
                        peak, sampler.samples(), timeoutWaits.size(), timeoutWaits.stream().mapToLong(Long::longValue).min().orElse(-1),
                        timeoutWaits.stream().mapToLong(Long::longValue).max().orElse(-1), cancelMillis);
                assertThat(peak).as("most server connections of the sidecar at once").isEqualTo(POOL);
                assertThat(unexpected).as("failures other than 53300 naming the pool").isEmpty();
                assertThat(timeoutWaits).as("waits that hit the acquire timeout").isNotEmpty()
                        .allSatisfy(ms -> assertThat(ms).isBetween(ACQUIRE_MILLIS - 50, ACQUIRE_MILLIS + 1500));
            } finally {
                sampler.close();
                for (Connection c : clients) c.close();
            }
            assertNothingLeftBusy(proxy, observer);
        }
    }

    /**
     * Runs a short statement until it is served, retrying after each 53300; records how long each
     * 53300 took and anything else that went wrong.
     */
    private static void servedAfterRetries(Connection c, ConcurrentLinkedQueue<Long> timeoutWaits, ConcurrentLinkedQueue<String> unexpected) throws SQLException {
        String pool = "pool \"" + server.host() + ":" + server.port() + "\"";
        while (true) {
            long start = System.nanoTime();
            try {
                exec(c, "select pg_sleep(0.05)");
                return;
            } catch (SQLException e) {
                if (!"53300".equals(e.getSQLState()) || !e.getMessage().contains(pool)) {
                    unexpected.add(e.getSQLState() + ": " + e.getMessage());
                    throw e;
                }
                timeoutWaits.add((System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    /**
     * Every connection retires after one transaction, so at almost every borrow the pool is under
     * its size with nothing idle: the sessions wait on their event loop while one courier thread
     * borrows inside HikariCP for them (HikariCP opens a connection only for a thread waiting in
     * it). None may be stranded there: each statement is answered within the acquire timeout, and
     * the pool never holds more than its size.
     */
    @Test
    void whenEveryConnectionRetiresAfterOneTransactionThenClientsWaitingOnTheLoopAreAllServed() throws Exception {
        int clients = 8;
        int statements = 25;
        try (RunningSidecar proxy = RunningSidecar.start(server, RunningSidecar.ownServerLogin(server, POOL_ROLE)
                + "pool: {maxSize: 2, minIdle: 0, maxUsesPerConnection: 1, acquireTimeout: 10s}\n")) {
            List<Connection> conns = new ArrayList<>();
            for (int i = 0; i < clients; i++) conns.add(proxy.connect());
            BackendSampler sampler = new BackendSampler(server.connect("app"), c -> Integer.parseInt(one(c, "select count(*) " + POOL_CONNECTIONS)));
            double retiredBefore = proxy.retired("max_uses");
            int peak;
            try {
                List<CompletableFuture<String>> work = conns.stream().map(c -> run(() -> {
                    for (int i = 0; i < statements; i++) {
                        if (!one(c, "select " + i).equals(String.valueOf(i))) throw new SQLException("wrong answer", "XX000");
                    }
                })).toList();
                for (CompletableFuture<String> w : work) assertThat(w.get(60, TimeUnit.SECONDS)).as("a client's %d statements", statements).isEqualTo("ok");
                peak = sampler.peak();
            } finally {
                sampler.close();
                for (Connection c : conns) c.close();
            }
            double retired = proxy.retired("max_uses") - retiredBefore;
            System.out.printf("retire after each use: %d statements answered, %.0f connections retired, peak %d server connections%n",
                    clients * statements, retired, peak);
            assertThat(retired).as("connections retired after their one use").isGreaterThanOrEqualTo(clients * statements);
            assertThat(peak).as("most server connections of the sidecar at once").isLessThanOrEqualTo(2);
        }
    }

    /** Once every client has left: at most five connections, all idle, the pool's meters at zero, and a newcomer served at once. */
    private static void assertNothingLeftBusy(RunningSidecar proxy, Connection observer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxy.clients() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(proxy.clients()).as("clients still connected").isZero();
        assertThat(Integer.parseInt(one(observer, "select count(*) " + POOL_CONNECTIONS))).as("server connections").isBetween(1, POOL);
        assertThat(one(observer, "select count(*) " + POOL_CONNECTIONS + " and state <> 'idle'")).as("server connections not idle").isEqualTo("0");
        assertThat(one(observer, "select count(*) " + POOL_CONNECTIONS + " and state like 'idle in transaction%'"))
                .as("server connections idle in a transaction").isEqualTo("0");
        String metrics = proxy.admin("/metrics").body();
        assertThat(metrics).containsPattern("hikaricp_connections_active\\{[^}]*} 0\\.0").containsPattern("hikaricp_connections_pending\\{[^}]*} 0\\.0")
                .doesNotContainPattern("hikaricp_connections_active\\{[^}]*} [1-9]").doesNotContainPattern("hikaricp_connections_pending\\{[^}]*} [1-9]");
        long start = System.nanoTime();
        try (Connection c = proxy.connect()) {
            assertThat(one(c, "select 'served'")).isEqualTo("served");
        }
        long newcomerMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("pool of five: afterwards a new client logged in and was served in " + newcomerMillis + " ms");
        assertThat(newcomerMillis).as("a new client's login and first statement, ms").isLessThan(ACQUIRE_MILLIS);
    }

    private static void awaitActive(Connection observer, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Integer.parseInt(one(observer, "select count(*) " + POOL_CONNECTIONS + " and state = 'active' and query like 'select pg_sleep(%'")) < count) {
            if (System.nanoTime() > deadline) throw new AssertionError("the pool's " + count + " connections never all ran a statement");
            Thread.sleep(5);
        }
    }

    /** Runs {@code action} on a thread of its own; the outcome is "ok" or the SQLSTATE. */
    private static CompletableFuture<String> run(TimeoutsAndCancelIT.SqlAction action) {
        return CompletableFuture.supplyAsync(() -> TimeoutsAndCancelIT.sqlStateOf(action), task -> Thread.ofVirtual().start(task));
    }
}
