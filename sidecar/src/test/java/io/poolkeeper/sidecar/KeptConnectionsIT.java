package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An event loop keeps a server connection between transactions instead of giving it back to
 * HikariCP and borrowing it again (session.LoopShelf): it does keep it, it discards one the
 * server ends while kept, and it gives it up to anyone else who waits for one.
 */
@ExtendWith(LocalPostgresExtension.class)
class KeptConnectionsIT {
    private static LocalServer server;

    @BeforeAll
    static void remember(LocalPostgres pg) {
        server = pg.primary();
    }

    @Test
    void whenOneClientRunsManyTransactionsThenTheLoopBorrowsFromHikariOnlyOnceInAWhile() throws Exception {
        int statements = 300;
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 4, minIdle: 0}\n");
             Connection c = proxy.connect()) {
            assertThat(one(c, "select 'warm'")).isEqualTo("warm");
            long hikariBefore = hikariBorrows(proxy);
            double proxyBefore = proxyBorrows(proxy);
            long start = System.nanoTime();
            for (int i = 0; i < statements; i++) assertThat(one(c, "select " + i)).isEqualTo(String.valueOf(i));
            long millis = (System.nanoTime() - start) / 1_000_000;
            long hikari = hikariBorrows(proxy) - hikariBefore;
            double borrows = proxyBorrows(proxy) - proxyBefore;
            System.out.printf("kept connections: %d transactions in %d ms, %.0f borrows by the sessions, %d from HikariCP%n",
                    statements, millis, borrows, hikari);
            assertThat(borrows).as("borrows the sessions made (poolkeeper_acquire_seconds_count)").isEqualTo(statements);
            // One HikariCP borrow per second of keeping at most (ServerPool.KEEP_NANOS), one per transaction without it.
            assertThat(hikari).as("borrows from HikariCP for %d transactions in %d ms", statements, millis)
                    .isLessThanOrEqualTo(millis / 1000 + 2);
        }
    }

    @Test
    void whenTheServerEndsAKeptConnectionThenItIsDiscardedAndTheNextTransactionGetsAnother() throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 1, minIdle: 0}\n");
             Connection c = proxy.connect();
             Connection observer = server.connect("app")) {
            String first = one(c, "select pg_backend_pid()");
            double brokenBefore = proxy.retired("broken");
            assertThat(one(observer, "select pg_terminate_backend(" + first + ")")).isEqualTo("t");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.retired("broken") == brokenBefore) {
                if (System.nanoTime() > deadline) throw new AssertionError("the kept connection's end was never noticed");
                Thread.sleep(10);
            }
            String second = one(c, "select pg_backend_pid()");
            assertThat(second).as("the backend serving the next transaction").isNotEqualTo(first);
            assertThat(proxy.retired("broken") - brokenBefore).as("connections retired as broken").isEqualTo(1);
        }
    }

    /**
     * One client keeps the only connection busy with back-to-back transactions on one loop; a
     * client on the other loop waits for it. The keeping loop must give it up at the end of a
     * transaction, well before the acquire timeout, not only once a second.
     */
    @Test
    void whenAClientOnAnotherLoopWaitsThenTheKeepingLoopGivesTheConnectionUpWithinTheAcquireTimeout() throws Exception {
        int waiterStatements = 20;
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 1, minIdle: 0, acquireTimeout: 500ms}\n"
                + "limits: {eventLoops: 2}\n");
             Connection busy = proxy.connect();
             Connection waiter = proxy.connect()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger busyDone = new AtomicInteger();
            CompletableFuture<Void> hammer = CompletableFuture.runAsync(() -> {
                try {
                    while (!stop.get()) {
                        exec(busy, "select 1");
                        busyDone.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getSQLState() + ": " + e.getMessage(), e);
                }
            }, task -> Thread.ofVirtual().start(task));
            List<String> failures = new ArrayList<>();
            Set<String> answered = new HashSet<>();
            try {
                while (busyDone.get() < 50) Thread.sleep(5);
                for (int i = 0; i < waiterStatements; i++) {
                    try {
                        answered.add(one(waiter, "select 'w" + i + "'"));
                    } catch (SQLException e) {
                        failures.add(e.getSQLState() + ": " + e.getMessage());
                    }
                    Thread.sleep(20);
                }
            } finally {
                stop.set(true);
            }
            hammer.get(10, TimeUnit.SECONDS);
            System.out.printf("kept connections: the waiter got %d of %d answers while the other loop ran %d transactions%n",
                    answered.size(), waiterStatements, busyDone.get());
            assertThat(failures).as("the waiting client's failures (53300 when the connection stayed kept)").isEmpty();
            assertThat(answered).hasSize(waiterStatements);
        }
    }

    private static long hikariBorrows(RunningSidecar proxy) {
        return proxy.sidecar().registry().find("hikaricp.connections.acquire").timers().stream().mapToLong(Timer::count).sum();
    }

    private static double proxyBorrows(RunningSidecar proxy) {
        return proxy.sidecar().registry().find("poolkeeper.acquire").timers().stream().mapToLong(Timer::count).sum();
    }
}
