package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Servers die under load: the sidecar must follow a promoted replica, fence the old primary when
 * it returns, skip a dead replica, and never tell a client of a commit the server did not make.
 */
class FailoverIT {
    private static final long PROBE_MILLIS = 500;
    private static final long DEFAULT_PROBE_MILLIS = 2000;

    @Test
    void whenThePrimaryDiesAndAReplicaIsPromotedThenWritesFollowAndNoAcknowledgedCommitIsLost() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(2))) {
            LocalServer oldPrimary = pg.primary();
            LocalServer promoted = pg.replicas().get(0);
            try (Connection c = oldPrimary.connect("app")) {
                exec(c, "create table ledger (id bigint primary key)");
                exec(c, "alter system set synchronous_standby_names = 'ANY 2 (*)'");
                exec(c, "alter system set synchronous_commit = 'on'");
                exec(c, "select pg_reload_conf()");
            }
            pg.awaitReplicasCaughtUp();
            try (RunningSidecar proxy = RunningSidecar.start(oldPrimary, "replicas:\n" + replicaLine(pg, 0) + replicaLine(pg, 1)
                    + "probe: {interval: " + PROBE_MILLIS + "ms, timeout: 1s}\n")) {
                ReadWriteRoutingIT.awaitRoles(proxy, 2);
                Writers writers = new Writers(proxy::connect, 4);
                Thread.sleep(1000);
                oldPrimary.kill();
                promoted.promote();
                long promotedAt = System.nanoTime();
                long firstWriteAfter = writers.awaitWriteOn(promoted.port(), 20_000);
                long followMillis = (firstWriteAfter - promotedAt) / 1_000_000;
                System.out.println("failover: writes resumed on the promoted replica " + followMillis + " ms after promotion");
                assertThat(followMillis).as("writes reach the new primary within 2 x probe.interval (+1 s for this machine)")
                        .isLessThan(2 * PROBE_MILLIS + 1000);
                Thread.sleep(500);

                oldPrimary.start();
                awaitStatus(proxy, "\"endpoint\":\"127.0.0.1:" + oldPrimary.port() + "\",\"role\":\"fenced\"");
                writers.clearPorts();
                Thread.sleep(1000);
                writers.stop();

                assertThat(writers.portsWritten()).as("no write reaches the fenced old primary").containsOnly(promoted.port());
                assertThat(writers.failureStates()).as("failures a client saw: connection failures, ours or the dying server's")
                        .allSatisfy(FailoverIT::isConnectionLoss);
                try (Connection c = promoted.connect("app")) {
                    List<Long> acknowledged = List.copyOf(writers.acknowledged());
                    long present = Long.parseLong(one(c, "select count(*) from ledger where id = any('{"
                            + String.join(",", acknowledged.stream().map(String::valueOf).toList()) + "}'::bigint[])"));
                    System.out.println("failover: " + acknowledged.size() + " commits acknowledged, " + present + " present, "
                            + writers.failureStates().size() + " writes failed with a connection error");
                    assertThat(present).as("every acknowledged commit is on the new primary").isEqualTo(acknowledged.size());
                    assertThat(acknowledged.size()).isGreaterThan(50);
                }
            }
        }
    }

    /**
     * bench/run's failover case: one writer, back to back, so that its server connection is often
     * kept on the event loop between two writes when every process of the primary is killed; the
     * default probe interval; an acquire timeout (60 s) longer than the wait allowed here. The
     * next write must follow the promotion, not wait on the dead primary's pool. (bench/run, with
     * psycopg, met that wait in 2 of 3 rounds before the fix; this test, with pgjdbc, passed its
     * rounds before the fix too, so it guards the case without reproducing that race.)
     */
    @Test
    void whenThePrimaryDiesWhileTheLoopKeepsItsConnectionThenTheNextWriteFollowsThePromotion() throws Exception {
        for (int round = 1; round <= 3; round++) {
            try (LocalPostgres pg = primaryAndReplicaWithLedger()) {
                LocalServer oldPrimary = pg.primary();
                LocalServer promoted = pg.replicas().get(0);
                // The default probe interval, as in the bench: the kill goes unseen by the probes for longer.
                try (RunningSidecar proxy = RunningSidecar.start(oldPrimary, "replicas:\n" + replicaLine(pg, 0)
                        + "probe: {interval: " + DEFAULT_PROBE_MILLIS + "ms}\npool: {acquireTimeout: 60s}\n")) {
                    ReadWriteRoutingIT.awaitRoles(proxy, 1);
                    Writers writers = new Writers(proxy::connect, 1);
                    writers.awaitAcknowledged(200, 10_000);
                    killEveryProcess(oldPrimary);
                    promoted.promote();
                    long promotedAt = System.nanoTime();
                    long firstWriteAfter = writers.awaitWriteOn(promoted.port(), 30_000);
                    long followMillis = (firstWriteAfter - promotedAt) / 1_000_000;
                    writers.stop();
                    System.out.printf("failover, one writer, round %d: writes resumed %d ms after promotion; failures the client saw: %s%n",
                            round, followMillis, writers.failureStates());
                    assertThat(followMillis).as("writes reach the new primary within 2 x probe.interval (+1 s for this machine)")
                            .isLessThan(2 * DEFAULT_PROBE_MILLIS + 1000);
                }
            }
        }
    }

    /**
     * With asynchronous replication a commit the old primary acknowledged may not have reached the
     * replica before the kill: that loss is the database's, and this measures it. What the sidecar
     * must guarantee is that it adds none: every commit acknowledged after the promotion, on the
     * new primary, is there.
     */
    @Test
    void whenReplicationIsAsynchronousThenOnlyCommitsAcknowledgedBeforeTheKillCanBeLost() throws Exception {
        try (LocalPostgres pg = primaryAndReplicaWithLedger()) {
            LocalServer oldPrimary = pg.primary();
            LocalServer promoted = pg.replicas().get(0);
            try (RunningSidecar proxy = RunningSidecar.start(oldPrimary, "replicas:\n" + replicaLine(pg, 0)
                    + "probe: {interval: " + PROBE_MILLIS + "ms, timeout: 1s}\n")) {
                ReadWriteRoutingIT.awaitRoles(proxy, 1);
                Writers writers = new Writers(proxy::connect, 4);
                Thread.sleep(1000);
                oldPrimary.kill();
                long killedAt = System.nanoTime();
                promoted.promote();
                writers.awaitWriteOn(promoted.port(), 20_000);
                Thread.sleep(500);
                writers.stop();
                try (Connection c = promoted.connect("app")) {
                    List<Long> afterPromotion = List.copyOf(writers.acknowledgedOn(promoted.port()));
                    List<Long> all = List.copyOf(writers.acknowledged());
                    long present = count(c, all);
                    System.out.println("failover (async replication): " + all.size() + " commits acknowledged, "
                            + (all.size() - present) + " lost (all acknowledged by the old primary before it was killed "
                            + (System.nanoTime() - killedAt) / 1_000_000 + " ms ago)");
                    assertThat(count(c, afterPromotion)).as("commits acknowledged by the new primary").isEqualTo(afterPromotion.size());
                    assertThat(afterPromotion).isNotEmpty();
                }
            }
        }
    }

    private static long count(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) return 0;
        return Long.parseLong(one(c, "select count(*) from ledger where id = any('{"
                + String.join(",", ids.stream().map(String::valueOf).toList()) + "}'::bigint[])"));
    }

    @Test
    void whenAReplicaIsKilledUnderReadLoadThenOnlyAFewReadsFailBeforeItIsSkipped() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(2))) {
            LocalServer victim = pg.replicas().get(0);
            LocalServer survivor = pg.replicas().get(1);
            try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "replicas:\n" + replicaLine(pg, 0) + replicaLine(pg, 1)
                    + "routing: {readStrategy: RoundRobin}\nprobe: {interval: 200ms, timeout: 1s}\ncircuitBreaker: {failureThreshold: 2, resetTimeout: 30s}\n")) {
                ReadWriteRoutingIT.awaitRoles(proxy, 2);
                int failed = 0;
                int servedBySurvivor = 0;
                Connection c = proxy.connect();
                try {
                    for (int i = 0; i < 300; i++) {
                        if (i == 50) victim.kill();
                        try {
                            if (Integer.parseInt(one(c, "select inet_server_port()")) == survivor.port()) servedBySurvivor++;
                        } catch (SQLException e) {
                            failed++;
                            isConnectionLoss(e.getSQLState());
                            c.close();
                            c = proxy.connect();
                        }
                    }
                } finally {
                    c.close();
                }
                System.out.println("replica kill: " + failed + " of 300 reads failed");
                assertThat(failed).as("reads failed around the kill").isLessThanOrEqualTo(3);
                assertThat(servedBySurvivor).isGreaterThan(200);
            }
        }
    }

    /** 08xxx from the sidecar, or 57P01-57P03 that a dying server sends itself and the sidecar passes on. */
    static void isConnectionLoss(String sqlState) {
        assertThat(sqlState).matches("08...|57P0[123]");
    }

    /** A primary with the writers' table, and one replica that has caught up with it. */
    private static LocalPostgres primaryAndReplicaWithLedger() throws SQLException {
        LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(1));
        try (Connection c = pg.primary().connect("app")) {
            exec(c, "create table ledger (id bigint primary key)");
            pg.awaitReplicasCaughtUp();
        } catch (SQLException | RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    /**
     * SIGKILL to the postmaster and every process under it at once, as bench/run's failover does:
     * no backend lives on to tell its client the server is going, as they do when only the
     * postmaster dies.
     */
    private static void killEveryProcess(LocalServer server) {
        ProcessHandle postmaster = ProcessHandle.of(server.pid().orElseThrow()).orElseThrow();
        List<ProcessHandle> children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        server.kill();
    }

    static String replicaLine(LocalPostgres pg, int i) {
        LocalServer r = pg.replicas().get(i);
        return "  - {host: " + r.host() + ", port: " + r.port() + ", weight: " + (i == 0 ? 3 : 1) + "}\n";
    }

    static void awaitStatus(RunningSidecar proxy, String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!proxy.admin("/status").body().replaceAll("\\s+", "").contains(fragment)) {
            if (System.nanoTime() > deadline) throw new AssertionError("status never showed " + fragment + ": " + proxy.admin("/status").body());
            Thread.sleep(50);
        }
    }

    /** Opens a client connection to a sidecar, in this process or another. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    /** Clients inserting rows through the sidecar, each acknowledged id remembered, reconnecting after a failure. */
    static final class Writers {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ids = new AtomicLong();
        private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final ConcurrentHashMap<Integer, Long> firstWriteOn = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Integer, Set<Long>> byPort = new ConcurrentHashMap<>();
        private final List<Thread> threads;

        Writers(Connector proxy, int count) {
            threads = java.util.stream.IntStream.range(0, count).mapToObj(i -> Thread.ofVirtual().start(() -> write(proxy))).toList();
        }

        private void write(Connector proxy) {
            Connection c = null;
            while (running.get()) {
                long id = ids.incrementAndGet();
                try {
                    if (c == null) c = proxy.connect();
                    int port = Integer.parseInt(one(c, "insert into ledger values (" + id + ") returning inet_server_port()"));
                    acknowledged.add(id);
                    byPort.computeIfAbsent(port, k -> ConcurrentHashMap.newKeySet()).add(id);
                    ports.add(port);
                    firstWriteOn.putIfAbsent(port, System.nanoTime());
                } catch (SQLException e) {
                    failures.add(e.getSQLState() == null ? "null: " + e.getMessage() : e.getSQLState());
                    try {
                        if (c != null) c.close();
                    } catch (SQLException ignored) {
                        // the connection is gone either way
                    }
                    c = null;
                    sleepQuietly(20);
                }
            }
            try {
                if (c != null) c.close();
            } catch (SQLException ignored) {
                // closing at the end of the test
            }
        }

        long awaitWriteOn(int port, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            while (!firstWriteOn.containsKey(port)) {
                if (System.nanoTime() > deadline) throw new AssertionError("no write reached port " + port + "; failures: " + failures);
                Thread.sleep(5);
            }
            return firstWriteOn.get(port);
        }

        void awaitAcknowledged(int count, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            while (acknowledged.size() < count) {
                if (System.nanoTime() > deadline) throw new AssertionError("only " + acknowledged.size() + " writes acknowledged; failures: " + failures);
                Thread.sleep(5);
            }
        }

        void clearPorts() {
            ports.clear();
        }

        Set<Integer> portsWritten() {
            return ports;
        }

        Set<Long> acknowledged() {
            return acknowledged;
        }

        Set<Long> acknowledgedOn(int port) {
            return byPort.getOrDefault(port, Set.of());
        }

        List<String> failureStates() {
            return List.copyOf(failures);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) t.join(10_000);
        }

        private static void sleepQuietly(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
