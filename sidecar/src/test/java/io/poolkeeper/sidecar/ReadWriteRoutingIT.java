package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A primary and two streaming replicas behind one sidecar: where each kind of transaction lands,
 * by each strategy, and what lag and read-your-writes do to it. The server a statement ran on is
 * told by {@code inet_server_port()}.
 */
class ReadWriteRoutingIT {
    private static LocalPostgres pg;
    private static LocalServer primary;
    private static LocalServer replicaA;
    private static LocalServer replicaB;

    @BeforeAll
    static void start() throws SQLException {
        pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(2));
        primary = pg.primary();
        replicaA = pg.replicas().get(0);
        replicaB = pg.replicas().get(1);
        try (Connection c = primary.connect("app")) {
            exec(c, "create table routed (id serial primary key, note text)");
            exec(c, "insert into routed(note) values ('seed')");
        }
        pg.awaitReplicasCaughtUp();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static String routing(String strategy, String extra) {
        return "replicas:\n" + FailoverIT.replicaLine(pg, 0) + FailoverIT.replicaLine(pg, 1)
                + "routing: {readStrategy: " + strategy + ", maxReplicaLag: 1s}\n"
                + "probe: {interval: 200ms, timeout: 1s}\n" + extra;
    }

    static RunningSidecar sidecar(String strategy, String extra) {
        RunningSidecar proxy = RunningSidecar.start(primary, routing(strategy, extra));
        awaitRoles(proxy, 2);
        return proxy;
    }

    /** Waits until the probes have found the primary and {@code replicas} replicas. */
    static void awaitRoles(RunningSidecar proxy, int replicas) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            String status = proxy.admin("/status").body().replaceAll("\\s+", "");
            int found = status.split("\"role\":\"replica\"", -1).length - 1;
            if (status.contains("\"role\":\"primary\"") && found == replicas) return;
            if (System.nanoTime() > deadline) throw new AssertionError("roles never settled: " + status);
            sleep(50);
        }
    }

    static int port(Connection c, String sql) throws SQLException {
        return Integer.parseInt(one(c, sql));
    }

    @Test
    void whenTransactionsReadOrWriteThenReadsGoToReplicasAndEverythingElseToThePrimary() throws SQLException {
        try (RunningSidecar proxy = sidecar("RoundRobin", ""); Connection c = proxy.connect()) {
            Map<Integer, Integer> reads = new HashMap<>();
            for (int i = 0; i < 10; i++) reads.merge(port(c, "select inet_server_port()"), 1, Integer::sum);
            assertThat(reads).containsOnlyKeys(replicaA.port(), replicaB.port());
            assertThat(reads.get(replicaA.port())).isEqualTo(5);
            assertThat(port(c, "select inet_server_port() from routed where note = 'seed' for update")).as("locking read").isEqualTo(primary.port());
            assertThat(port(c, "select nextval('routed_id_seq')::int * 0 + inet_server_port()")).as("nextval").isEqualTo(primary.port());
            assertThat(port(c, "with w as (insert into routed(note) values ('cte') returning id) select inet_server_port() from w"))
                    .as("data-modifying CTE").isEqualTo(primary.port());
            c.setAutoCommit(false);
            assertThat(port(c, "select inet_server_port()")).as("plain BEGIN").isEqualTo(primary.port());
            c.commit();
            String metrics = proxy.admin("/metrics").body();
            // the 10 reads, and pgjdbc's SET application_name at connect, which any server may run
            assertThat(metrics).containsPattern("poolkeeper_routing_decisions_total\\{[^}]*route=\"replica\"[^}]*} 11\\.0");
            assertThat(metrics).containsPattern("poolkeeper_routing_decisions_total\\{[^}]*route=\"primary\"[^}]*} 4\\.0");
            assertThat(metrics).containsPattern("poolkeeper_server_primary\\{[^}]*server=\"127.0.0.1:" + primary.port() + "\"[^}]*} 1");
            assertThat(metrics).containsPattern("poolkeeper_server_up\\{[^}]*server=\"127.0.0.1:" + replicaA.port() + "\"[^}]*} 1");
            assertThat(metrics).containsPattern("poolkeeper_server_breaker_state\\{[^}]*} 0");
            assertThat(metrics).contains("poolkeeper_server_lag_seconds{");
        }
        try (RunningSidecar proxy = sidecar("RoundRobin", ""); Connection fresh = proxy.connect()) {
            fresh.setAutoCommit(false);
            fresh.setReadOnly(true);
            int readOnlyTransaction = port(fresh, "select inet_server_port()");
            fresh.commit();
            assertThat(readOnlyTransaction).as("BEGIN READ ONLY").isIn(replicaA.port(), replicaB.port());
        }
    }

    @Test
    void whenWeightedThenReplicasGetReadsInProportionToTheirWeight() throws SQLException {
        try (RunningSidecar proxy = sidecar("Weighted", ""); Connection c = proxy.connect()) {
            Map<Integer, Integer> reads = new HashMap<>();
            for (int i = 0; i < 400; i++) reads.merge(port(c, "select inet_server_port()"), 1, Integer::sum);
            assertThat(reads).containsOnlyKeys(replicaA.port(), replicaB.port());
            double shareOfA = reads.get(replicaA.port()) / 400.0;
            assertThat(shareOfA).as("replica A has weight 3 of 4").isBetween(0.65, 0.85);
        }
    }

    @Test
    void whenRandomThenBothReplicasServe() throws SQLException {
        try (RunningSidecar proxy = sidecar("Random", ""); Connection c = proxy.connect()) {
            Map<Integer, Integer> reads = new HashMap<>();
            for (int i = 0; i < 100; i++) reads.merge(port(c, "select inet_server_port()"), 1, Integer::sum);
            assertThat(reads).containsOnlyKeys(replicaA.port(), replicaB.port());
            assertThat(reads.values()).allSatisfy(n -> assertThat(n).isGreaterThan(20));
        }
    }

    @Test
    void whenLeastConnectionsThenAReadAvoidsTheReplicaAlreadyBusy() throws SQLException {
        try (RunningSidecar proxy = sidecar("LeastConnections", ""); Connection holder = proxy.connect(); Connection c = proxy.connect()) {
            holder.setAutoCommit(false);
            holder.setReadOnly(true);
            int busy = port(holder, "select inet_server_port()");
            for (int i = 0; i < 5; i++) assertThat(port(c, "select inet_server_port()")).isNotEqualTo(busy).isNotEqualTo(primary.port());
            holder.commit();
        }
    }

    @Test
    void whenAClientWritesThenItsNextReadSeesTheWriteEvenWithReplicasBehind() throws Exception {
        try (RunningSidecar proxy = sidecar("RoundRobin", ""); Connection c = proxy.connect()) {
            replicaA.pauseReplay();
            replicaB.pauseReplay();
            try {
                for (int i = 0; i < 5; i++) {
                    String note = "ryw-" + i + "-" + System.nanoTime();
                    exec(c, "insert into routed(note) values ('" + note + "')");
                    assertThat(one(c, "select count(*) from routed where note = '" + note + "'")).isEqualTo("1");
                }
            } finally {
                replicaA.resumeReplay();
                replicaB.resumeReplay();
            }
        }
    }

    @Test
    void whenAReplicaFallsBehindPastTheLagLimitThenItTakesNoReadsUntilItCatchesUp() throws Exception {
        try (RunningSidecar proxy = sidecar("RoundRobin", ""); Connection c = proxy.connect(); Connection writer = primary.connect("app")) {
            replicaA.pauseReplay();
            try {
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (!proxy.admin("/status").body().replaceAll("\\s+", "").matches("(?s).*\"endpoint\":\"[^\"]*:" + replicaA.port() + "\"[^}]*\"lagMillis\":[1-9][0-9]{3,}.*")) {
                    exec(writer, "insert into routed(note) values ('lag')");
                    if (System.nanoTime() > deadline) throw new AssertionError("replica A never showed lag: " + proxy.admin("/status").body());
                    sleep(100);
                }
                sleep(300);
                for (int i = 0; i < 10; i++) assertThat(port(c, "select inet_server_port()")).isEqualTo(replicaB.port());
            } finally {
                replicaA.resumeReplay();
            }
            replicaA.awaitCaughtUpWith(primary, java.time.Duration.ofSeconds(10));
            long deadline = System.nanoTime() + 10_000_000_000L;
            boolean backInRotation = false;
            while (!backInRotation && System.nanoTime() < deadline) {
                backInRotation = port(c, "select inet_server_port()") == replicaA.port();
                sleep(50);
            }
            assertThat(backInRotation).as("replica A takes reads again once caught up").isTrue();
        }
    }

    @Test
    void whenClientsUseTheReadOnlyListenerThenEverythingGoesToReplicasAndWritesAreRefused() throws SQLException {
        try (RunningSidecar proxy = sidecar("RoundRobin", "listenReadOnly: 127.0.0.1:0\n");
             Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.sidecar().readOnlyAddress().orElseThrow().getPort()
                     + "/app?sslmode=disable", RunningSidecar.USER, RunningSidecar.PASSWORD)) {
            c.setAutoCommit(false);
            assertThat(port(c, "select inet_server_port()")).isIn(replicaA.port(), replicaB.port());
            c.rollback();
            c.setAutoCommit(true);
            assertThatThrownBy(() -> exec(c, "insert into routed(note) values ('through ro')"))
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25006");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
