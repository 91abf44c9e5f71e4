package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.sidecar.health.CircuitBreaker;
import io.poolkeeper.sidecar.health.ProbeResult;
import io.poolkeeper.sidecar.health.ServerProber;
import io.poolkeeper.sidecar.health.ServerState;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Servers that stop answering without going away: a blackhole that accepts connections and never
 * says a word ({@link Blackhole}), in front of the replica or the primary, switched on under load
 * and off again; and a replica stopped and started. The probe must mark such a server down
 * within {@code probe.timeout} of its next probe, reads must skip it, no client may wait past
 * its query timeout (plus the cancel grace) or acquire timeout, and the server's breaker must
 * open, fail fast, and close again through HALF_OPEN once the server answers.
 */
class BlackholeIT {
    private static final long PROBE_INTERVAL_MILLIS = 200;
    private static final long PROBE_TIMEOUT_MILLIS = 200;
    private static final long ACQUIRE_TIMEOUT_MILLIS = 500;
    private static final long QUERY_TIMEOUT_MILLIS = 1000;
    /** ClientSession cuts a server off this long after the query timeout when it does not answer the cancel. */
    private static final long CANCEL_GRACE_MILLIS = 2000;
    /** What this shared two-core machine may add to any deadline. */
    private static final long SLACK_MILLIS = 1500;

    private static LocalPostgres pg;
    private static LocalServer primary;
    private static LocalServer replica;

    @BeforeAll
    static void start() throws SQLException {
        pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(1));
        primary = pg.primary();
        replica = pg.replica();
        try (Connection c = primary.connect("app")) {
            exec(c, "create table blackholed_writes (id bigserial primary key, at timestamptz default now())");
        }
        pg.awaitReplicasCaughtUp();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static String faultConfig(String replicasYaml) {
        return replicasYaml
                + "probe: {interval: " + PROBE_INTERVAL_MILLIS + "ms, timeout: " + PROBE_TIMEOUT_MILLIS + "ms}\n"
                + "pool: {maxSize: 4, minIdle: 1, acquireTimeout: " + ACQUIRE_TIMEOUT_MILLIS + "ms, connectTimeout: 1s}\n"
                + "circuitBreaker: {failureThreshold: 2, resetTimeout: 1s}\n"
                + "timeouts: {query: " + QUERY_TIMEOUT_MILLIS + "ms}\n"
                + "routing: {readYourWrites: false}\n";
    }

    @Test
    void whenAProbeMeetsAServerThatNeverAnswersThenItFailsWithinTheProbeTimeout() throws Exception {
        try (Blackhole hole = Blackhole.silent()) {
            CompletableFuture<ProbeResult> first = new CompletableFuture<>();
            long start = System.nanoTime();
            try (ServerProber ignored = new ServerProber(new Endpoint("127.0.0.1", hole.port()), "app", LocalPostgres.USER,
                    LocalPostgres.PASSWORD, Map.of(), Duration.ofSeconds(30), Duration.ofMillis(PROBE_TIMEOUT_MILLIS), (e, r) -> first.complete(r))) {
                ProbeResult r = first.get(10, TimeUnit.SECONDS);
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.println("blackhole: a probe of a silent server failed after " + millis + " ms (" + r.error() + ")");
                assertThat(r.reachable()).isFalse();
                // Before, pgjdbc's whole-second login timeout made this at least 1000 ms whatever probe.timeout said.
                assertThat(millis).as("probe.timeout is %d ms", PROBE_TIMEOUT_MILLIS).isLessThan(PROBE_TIMEOUT_MILLIS + 700);
            }
        }
    }

    @Test
    void whenAConnectedServerIsBlackholedThenTheNextProbeFailsWithinTheProbeTimeout() throws Exception {
        try (Blackhole hole = Blackhole.inFrontOf(primary.port())) {
            LinkedBlockingQueue<ProbeResult> results = new LinkedBlockingQueue<>();
            try (ServerProber ignored = new ServerProber(new Endpoint("127.0.0.1", hole.port()), "app", LocalPostgres.USER,
                    LocalPostgres.PASSWORD, Map.of(), Duration.ofMillis(100), Duration.ofMillis(PROBE_TIMEOUT_MILLIS), (e, r) -> results.add(r))) {
                assertThat(results.poll(10, TimeUnit.SECONDS)).extracting(ProbeResult::reachable).isEqualTo(true);
                results.clear();
                hole.blackhole();
                long start = System.nanoTime();
                ProbeResult r;
                do {
                    r = results.poll(10, TimeUnit.SECONDS);
                    assertThat(r).as("a probe result").isNotNull();
                } while (r.reachable());
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.println("blackhole: an established probe connection failed " + millis + " ms after the blackhole (" + r.error() + ")");
                // Before, a hung connection failed the probe only at pgjdbc's socket timeout, a whole second past the probe's.
                assertThat(millis).as("one interval (100 ms) and probe.timeout").isLessThan(100 + PROBE_TIMEOUT_MILLIS + SLACK_MILLIS);
            }
        }
    }

    @Test
    void whenTheReplicaIsBlackholedUnderReadsThenItIsSkippedNoReadHangsAndItsBreakerRecoversThroughHalfOpen() throws Exception {
        try (Blackhole hole = Blackhole.inFrontOf(replica.port());
             RunningSidecar proxy = RunningSidecar.start(primary, faultConfig(
                     "replicas:\n  - {host: 127.0.0.1, port: " + hole.port() + "}\n"))) {
            ReadWriteRoutingIT.awaitRoles(proxy, 1);
            Endpoint holeEndpoint = new Endpoint("127.0.0.1", hole.port());
            try (BreakerWatch breaker = new BreakerWatch(proxy, holeEndpoint);
                 Load reads = new Load(proxy, 4, "select inet_server_port() from pg_sleep(0.05)")) {
                reads.awaitSuccessesOn(replica.port(), 20);
                long holeAt = System.nanoTime();
                hole.blackhole();
                long detectedAt = awaitUnhealthy(proxy, hole.port());
                long detectMillis = (detectedAt - holeAt) / 1_000_000;
                Thread.sleep(2 * QUERY_TIMEOUT_MILLIS + CANCEL_GRACE_MILLIS);
                long restoreAt = System.nanoTime();
                hole.restore();
                long backAt = reads.awaitSuccessOnAfter(replica.port(), restoreAt, 15_000);
                Thread.sleep(300);
                reads.stop();

                System.out.println("blackholed replica: marked down " + detectMillis + " ms after the blackhole, reads back on it "
                        + (backAt - restoreAt) / 1_000_000 + " ms after it answered again; " + reads.summary() + "; breaker " + breaker.states());
                assertThat(detectMillis).as("marked down within one probe interval and probe.timeout")
                        .isLessThan(PROBE_INTERVAL_MILLIS + PROBE_TIMEOUT_MILLIS + SLACK_MILLIS);
                assertThat(reads.longestMillis()).as("no read waits past the query timeout and the cancel grace")
                        .isLessThan(QUERY_TIMEOUT_MILLIS + CANCEL_GRACE_MILLIS + SLACK_MILLIS);
                List<Sample> whileDown = reads.startedBetween(detectedAt + 200_000_000L, restoreAt);
                assertThat(whileDown).as("reads while the replica is down").hasSizeGreaterThan(10)
                        .allSatisfy(s -> {
                            assertThat(s.sqlState()).as("read failed").isNull();
                            assertThat(s.port()).as("read served by the primary").isEqualTo(primary.port());
                            assertThat(s.millis()).as("read fast, not waiting on the blackhole").isLessThan(ACQUIRE_TIMEOUT_MILLIS);
                        });
                assertThat(reads.failures()).as("only reads caught in flight fail, with a connection error or a cancel")
                        .hasSizeLessThanOrEqualTo(8)
                        .allSatisfy(s -> assertThat(s.sqlState()).matches("08...|57014"));
                assertThat(breaker.states()).as("the breaker opens, lets a trial through, and closes")
                        .containsSubsequence(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN, CircuitBreaker.State.CLOSED);
                assertThat(breaker.states().getLast()).isEqualTo(CircuitBreaker.State.CLOSED);
            }
        }
    }

    @Test
    void whenThePrimaryIsBlackholedThenWritesFailFastReadsGoOnAndWritesResumeThroughHalfOpen() throws Exception {
        try (Blackhole hole = Blackhole.inFrontOf(primary.port());
             RunningSidecar proxy = RunningSidecar.start("127.0.0.1", hole.port(), faultConfig(
                     "replicas:\n  - {host: 127.0.0.1, port: " + replica.port() + "}\n"))) {
            ReadWriteRoutingIT.awaitRoles(proxy, 1);
            Endpoint holeEndpoint = new Endpoint("127.0.0.1", hole.port());
            try (BreakerWatch breaker = new BreakerWatch(proxy, holeEndpoint);
                 Load writes = new Load(proxy, 3, "insert into blackholed_writes default values returning inet_server_port(), pg_sleep(0.05)");
                 Load reads = new Load(proxy, 2, "select inet_server_port() from pg_sleep(0.02)")) {
                writes.awaitSuccessesOn(primary.port(), 20);
                long holeAt = System.nanoTime();
                hole.blackhole();
                long detectedAt = awaitUnhealthy(proxy, hole.port());
                long detectMillis = (detectedAt - holeAt) / 1_000_000;
                Thread.sleep(2 * QUERY_TIMEOUT_MILLIS + CANCEL_GRACE_MILLIS);
                long restoreAt = System.nanoTime();
                hole.restore();
                long backAt = writes.awaitSuccessOnAfter(primary.port(), restoreAt, 15_000);
                Thread.sleep(300);
                writes.stop();
                reads.stop();

                System.out.println("blackholed primary: marked down " + detectMillis + " ms after the blackhole, writes back "
                        + (backAt - restoreAt) / 1_000_000 + " ms after it answered again; writes " + writes.summary()
                        + "; reads " + reads.summary() + "; breaker " + breaker.states() + "; " + pgjdbcConnectThreads()
                        + " pgjdbc connect threads alive");
                assertThat(detectMillis).isLessThan(PROBE_INTERVAL_MILLIS + PROBE_TIMEOUT_MILLIS + SLACK_MILLIS);
                assertThat(writes.longestMillis()).as("no write waits past the query timeout and the cancel grace")
                        .isLessThan(QUERY_TIMEOUT_MILLIS + CANCEL_GRACE_MILLIS + SLACK_MILLIS);
                List<Sample> whileDown = writes.startedBetween(detectedAt + 200_000_000L, restoreAt);
                assertThat(whileDown).as("writes while the primary is down").hasSizeGreaterThan(10)
                        .allSatisfy(s -> {
                            assertThat(s.sqlState()).as("write refused").isEqualTo("08006");
                            assertThat(s.millis()).as("refused at once").isLessThan(200);
                        });
                assertThat(reads.failures()).as("reads go to the replica throughout").isEmpty();
                assertThat(reads.startedBetween(holeAt, restoreAt)).hasSizeGreaterThan(10)
                        .allSatisfy(s -> assertThat(s.port()).isEqualTo(replica.port()));
                assertThat(breaker.states()).containsSubsequence(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN, CircuitBreaker.State.CLOSED);
                assertThat(breaker.states().getLast()).isEqualTo(CircuitBreaker.State.CLOSED);
            }
        }
    }

    @Test
    void whenTheReplicaIsStoppedAndStartedAgainThenReadsFallBackAndItsBreakerRecoversThroughHalfOpen() throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(primary, faultConfig(
                "replicas:\n  - {host: 127.0.0.1, port: " + replica.port() + "}\n"))) {
            ReadWriteRoutingIT.awaitRoles(proxy, 1);
            try (BreakerWatch breaker = new BreakerWatch(proxy, new Endpoint("127.0.0.1", replica.port()));
                 Load reads = new Load(proxy, 4, "select inet_server_port() from pg_sleep(0.05)")) {
                reads.awaitSuccessesOn(replica.port(), 20);
                long stopAt = System.nanoTime();
                replica.stop();
                awaitUnhealthy(proxy, replica.port());
                Thread.sleep(1500);
                long startAt = System.nanoTime();
                replica.start();
                long backAt = reads.awaitSuccessOnAfter(replica.port(), startAt, 20_000);
                Thread.sleep(300);
                reads.stop();
                System.out.println("stopped replica: reads back on it " + (backAt - startAt) / 1_000_000 + " ms after it started; "
                        + reads.summary() + "; breaker " + breaker.states());
                assertThat(reads.longestMillis()).isLessThan(QUERY_TIMEOUT_MILLIS + CANCEL_GRACE_MILLIS + SLACK_MILLIS);
                assertThat(reads.failures()).hasSizeLessThanOrEqualTo(8).allSatisfy(s -> assertThat(s.sqlState()).matches("08...|57P0[123]"));
                assertThat(reads.startedBetween(stopAt + 1_000_000_000L, startAt)).hasSizeGreaterThan(10)
                        .allSatisfy(s -> assertThat(s.port()).isEqualTo(primary.port()));
                assertThat(breaker.states()).containsSubsequence(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN, CircuitBreaker.State.CLOSED);
            } finally {
                if (!replica.isRunning()) replica.start();
            }
        }
    }

    static long pgjdbcConnectThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("PostgreSQL JDBC driver connection thread")).count();
    }

    /** Polls /status until the server on {@code port} shows as unhealthy; returns when. */
    static long awaitUnhealthy(RunningSidecar proxy, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String fragment = "\"endpoint\":\"127.0.0.1:" + port + "\",\"role\":\"[a-z]+\",\"healthy\":false";
        while (true) {
            String status = proxy.admin("/status").body().replaceAll("\\s+", "");
            if (java.util.regex.Pattern.compile(fragment).matcher(status).find()) return System.nanoTime();
            if (System.nanoTime() > deadline) throw new AssertionError("never marked down: " + status);
            Thread.sleep(10);
        }
    }

    /** Every state one server's breaker goes through, polled every millisecond. */
    static final class BreakerWatch implements AutoCloseable {
        private final List<CircuitBreaker.State> states = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        BreakerWatch(RunningSidecar proxy, Endpoint endpoint) {
            ServerState server = proxy.sidecar().topology().server(endpoint);
            assertThat(server).as("server %s in the topology", endpoint).isNotNull();
            thread = Thread.ofPlatform().daemon().name("breaker-watch").start(() -> {
                CircuitBreaker.State last = null;
                while (running.get()) {
                    CircuitBreaker.State now = server.breaker().state();
                    if (now != last) states.add(now);
                    last = now;
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        List<CircuitBreaker.State> states() {
            return List.copyOf(states);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(1000);
        }
    }

    record Sample(long startNanos, long endNanos, int port, String sqlState) {
        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }
    }

    /** Clients running one statement (returning the server's port) in a loop, each run recorded; a failed client reconnects. */
    static final class Load implements AutoCloseable {
        private final List<Sample> samples = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ids = new AtomicLong();
        private final AtomicLong longestConnect = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();

        Load(RunningSidecar proxy, int clients, String sql) {
            for (int i = 0; i < clients; i++) threads.add(Thread.ofVirtual().start(() -> run(proxy, sql)));
        }

        private void run(RunningSidecar proxy, String sql) {
            Connection c = null;
            while (running.get()) {
                ids.incrementAndGet();
                long start = System.nanoTime();
                try {
                    if (c == null) {
                        c = proxy.connect("connectTimeout=10&socketTimeout=30");
                        longestConnect.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                        start = System.nanoTime();
                    }
                    int port = Integer.parseInt(one(c, sql));
                    samples.add(new Sample(start, System.nanoTime(), port, null));
                } catch (SQLException e) {
                    samples.add(new Sample(start, System.nanoTime(), 0, e.getSQLState() == null ? "null:" + e.getMessage() : e.getSQLState()));
                    try {
                        if (c != null) c.close();
                    } catch (SQLException ignored) {
                        // gone anyway
                    }
                    c = null;
                    sleep(20);
                }
            }
            try {
                if (c != null) c.close();
            } catch (SQLException ignored) {
                // the test is over
            }
        }

        void awaitSuccessesOn(int port, int count) throws InterruptedException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (samples.stream().filter(s -> s.sqlState() == null && s.port() == port).count() < count) {
                if (System.nanoTime() > deadline) throw new AssertionError("no " + count + " successes on port " + port + ": " + summary());
                Thread.sleep(10);
            }
        }

        /** When the first statement started after {@code after} succeeded on {@code port}. */
        long awaitSuccessOnAfter(int port, long after, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            while (true) {
                for (Sample s : samples) if (s.sqlState() == null && s.port() == port && s.startNanos() > after) return s.endNanos();
                if (System.nanoTime() > deadline) throw new AssertionError("nothing served on port " + port + " again: " + summary());
                Thread.sleep(10);
            }
        }

        List<Sample> startedBetween(long from, long to) {
            return samples.stream().filter(s -> s.startNanos() >= from && s.endNanos() <= to).toList();
        }

        List<Sample> failures() {
            return samples.stream().filter(s -> s.sqlState() != null).toList();
        }

        long longestMillis() {
            return samples.stream().mapToLong(Sample::millis).max().orElse(0);
        }

        String summary() {
            return samples.size() + " statements, " + failures().size() + " failed " + failures().stream().map(Sample::sqlState).toList()
                    + ", longest " + longestMillis() + " ms, longest login " + longestConnect.get() + " ms";
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) t.join(15_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
