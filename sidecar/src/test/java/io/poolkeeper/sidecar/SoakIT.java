package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The soak: mixed traffic for a long while (10 minutes by default) with periodic faults, then a
 * check that nothing leaked and latency stayed bounded. MANUAL: it does not run in CI or in
 * {@code ./poolkeeper test}; run it by hand with
 * <pre>
 * mvn -B verify -pl sidecar -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=SoakIT -Dpoolkeeper.soak=true [-Dpoolkeeper.soak.minutes=10]
 * </pre>
 * Traffic: 16 clients mixing reads, writes, multi-statement transactions and prepared statements
 * (reconnecting now and then), 2 clients connecting for one statement each, 1 client whose
 * slow statements are cancelled. Faults: a replica stopped for 5 s and started again every
 * minute (the two in turn), and a reload every 10 s that resizes the pool and drops or restores
 * the second replica. Every 30 s a window is recorded: statements, failures by SQLSTATE,
 * latency percentiles, clients, file descriptors, threads and heap after GC.
 * See docs/hardening.md.
 */
@EnabledIfSystemProperty(named = "poolkeeper.soak", matches = "true")
class SoakIT {
    private static final long WINDOW_MILLIS = 30_000;

    record Window(int index, int ok, Map<String, Integer> failures, long p50Micros, long p99Micros, long maxMicros,
                  long clients, ProcessStats stats) {}

    @Test
    void whenMixedTrafficRunsForMinutesUnderPeriodicFaultsThenNothingLeaksAndLatencyStaysBounded() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("poolkeeper.soak.minutes", "10"));
        try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(2).withMaxConnections(200))) {
            LocalServer primary = pg.primary();
            try (Connection c = primary.connect("app")) {
                exec(c, "create table soak (id int primary key, v bigint not null default 0)");
                exec(c, "insert into soak select g, 0 from generate_series(1, 1000) g");
            }
            pg.awaitReplicasCaughtUp();
            String both = "replicas:\n" + FailoverIT.replicaLine(pg, 0) + FailoverIT.replicaLine(pg, 1);
            String one = "replicas:\n" + FailoverIT.replicaLine(pg, 0);
            String rest = "probe: {interval: 500ms, timeout: 1s}\ntimeouts: {query: 10s}\ncircuitBreaker: {failureThreshold: 3, resetTimeout: 5s}\n";
            try (RunningSidecar proxy = RunningSidecar.start(primary, both + rest + "pool: {maxSize: 20, minIdle: 4, acquireTimeout: 5s}\n")) {
                ReadWriteRoutingIT.awaitRoles(proxy, 2);
                ProcessStats base = ProcessStats.now();
                long baseClients = proxy.clients();
                String baseYaml = proxy.yaml();

                AtomicBoolean running = new AtomicBoolean(true);
                ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
                Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
                AtomicInteger ok = new AtomicInteger();
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 16; i++) threads.add(Thread.ofVirtual().start(() -> mixed(proxy, running, latencies, failures, ok)));
                for (int i = 0; i < 2; i++) threads.add(Thread.ofVirtual().start(() -> churn(proxy, running, latencies, failures, ok)));
                threads.add(Thread.ofVirtual().start(() -> cancelled(proxy, running, failures, ok)));

                Thread faults = Thread.ofVirtual().start(() -> {
                    int tick = 0;
                    try {
                        while (running.get()) {
                            Thread.sleep(10_000);
                            tick++;
                            String next = switch (tick % 3) {
                                case 0 -> baseYaml;
                                case 1 -> baseYaml.replace("maxSize: 20, minIdle: 4", "maxSize: 12, minIdle: 2");
                                default -> baseYaml.replace(both, one);
                            };
                            proxy.sidecar().reload(SidecarConfigYaml.parse(next));
                            if (tick % 6 == 0) {
                                LocalServer victim = pg.replicas().get((tick / 6) % 2);
                                victim.stop();
                                Thread.sleep(5000);
                                victim.start();
                            }
                        }
                        proxy.sidecar().reload(SidecarConfigYaml.parse(baseYaml));
                    } catch (Exception e) {
                        failures.computeIfAbsent("fault injector: " + e, k -> new AtomicInteger()).incrementAndGet();
                    }
                });

                List<Window> windows = new ArrayList<>();
                long end = System.nanoTime() + (long) (minutes * 60e9);
                int index = 0;
                while (System.nanoTime() < end) {
                    Thread.sleep(Math.min(WINDOW_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                    long[] lat = drain(latencies);
                    Map<String, Integer> failed = new TreeMap<>();
                    failures.forEach((k, v) -> failed.put(k, v.getAndSet(0)));
                    failed.values().removeIf(v -> v == 0);
                    Window w = new Window(index++, ok.getAndSet(0), failed, pct(lat, 50), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1],
                            proxy.clients(), ProcessStats.now());
                    windows.add(w);
                    System.out.println("soak " + w);
                }
                running.set(false);
                faults.join(30_000);
                for (Thread t : threads) t.join(30_000);
                for (LocalServer r : pg.replicas()) if (!r.isRunning()) r.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (proxy.clients() > baseClients && System.nanoTime() < deadline) Thread.sleep(100);
                ProcessStats after = ProcessStats.now();
                System.out.println("soak: before " + base + "; after " + after);

                int total = windows.stream().mapToInt(Window::ok).sum();
                int failedTotal = windows.stream().mapToInt(w -> w.failures().values().stream().mapToInt(x -> x).sum()).sum();
                assertThat(windows).allSatisfy(w -> {
                    assertThat(w.ok()).as("statements served in window %d", w.index()).isGreaterThan(100);
                    assertThat(w.p99Micros()).as("p99 latency in window %d", w.index()).isLessThan(2_000_000);
                    assertThat(w.failures().keySet()).as("kinds of failure in window %d", w.index())
                            .allSatisfy(k -> assertThat(k).matches("08...|57P0[123]|57014|53300"));
                });
                assertThat((double) failedTotal / Math.max(1, total)).as("share of failed statements").isLessThan(0.01);
                assertThat(proxy.clients()).as("clients after").isEqualTo(baseClients);
                assertThat(after.fds()).as("file descriptors after").isLessThanOrEqualTo(base.fds() + 30);
                assertThat(after.platformThreads()).as("platform threads after").isLessThanOrEqualTo(base.platformThreads() + 10);
                assertThat(after.clientThreads()).as("client threads after").isLessThanOrEqualTo(base.clientThreads() + 2);
                Window first = windows.getFirst();
                assertThat(after.heapBytes() - first.stats().heapBytes()).as("heap growth from the first window to the end").isLessThan(64L << 20);
            }
        }
    }

    private static void mixed(RunningSidecar proxy, AtomicBoolean running, ConcurrentLinkedQueue<Long> latencies,
                              Map<String, AtomicInteger> failures, AtomicInteger ok) {
        Connection c = null;
        PreparedStatement read = null;
        int ops = 0;
        while (running.get()) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long start = System.nanoTime();
            try {
                if (c == null || ++ops % 200 == 0) {
                    if (c != null) c.close();
                    c = proxy.connect();
                    read = c.prepareStatement("select v from soak where id = ?");
                }
                int id = 1 + r.nextInt(1000);
                switch (r.nextInt(10)) {
                    case 0, 1, 2, 3 -> {
                        read.setInt(1, id);
                        try (ResultSet rs = read.executeQuery()) {
                            rs.next();
                        }
                    }
                    case 4, 5 -> exec(c, "update soak set v = v + 1 where id = " + id);
                    case 6 -> {
                        c.setAutoCommit(false);
                        try {
                            exec(c, "update soak set v = v + 1 where id = " + id);
                            exec(c, "set local statement_timeout = '5s'");
                            TransactionPoolingIsolationIT.one(c, "select v from soak where id = " + id);
                            c.commit();
                        } finally {
                            try {
                                c.setAutoCommit(true);
                            } catch (SQLException ignored) {
                                // the connection is gone; replaced below
                            }
                        }
                    }
                    default -> TransactionPoolingIsolationIT.one(c, "select count(*) from soak where id between " + id + " and " + (id + 20));
                }
                latencies.add((System.nanoTime() - start) / 1000);
                ok.incrementAndGet();
            } catch (SQLException e) {
                failures.computeIfAbsent(String.valueOf(e.getSQLState()), k -> new AtomicInteger()).incrementAndGet();
                try {
                    if (c != null) c.close();
                } catch (SQLException ignored) {
                    // replaced
                }
                c = null;
                pause(50);
            }
        }
        try {
            if (c != null) c.close();
        } catch (SQLException ignored) {
            // done
        }
    }

    private static void churn(RunningSidecar proxy, AtomicBoolean running, ConcurrentLinkedQueue<Long> latencies,
                              Map<String, AtomicInteger> failures, AtomicInteger ok) {
        while (running.get()) {
            long start = System.nanoTime();
            try (Connection c = proxy.connect()) {
                TransactionPoolingIsolationIT.one(c, "select 1");
                latencies.add((System.nanoTime() - start) / 1000);
                ok.incrementAndGet();
            } catch (SQLException e) {
                failures.computeIfAbsent(String.valueOf(e.getSQLState()), k -> new AtomicInteger()).incrementAndGet();
                pause(50);
            }
            pause(20);
        }
    }

    private static void cancelled(RunningSidecar proxy, AtomicBoolean running, Map<String, AtomicInteger> failures, AtomicInteger ok) {
        while (running.get()) {
            try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
                Thread canceller = Thread.ofVirtual().start(() -> {
                    pause(100 + ThreadLocalRandom.current().nextInt(200));
                    try {
                        s.cancel();
                    } catch (SQLException ignored) {
                        // nothing to cancel
                    }
                });
                String outcome = TimeoutsAndCancelIT.sqlStateOf(() -> s.execute("select pg_sleep(0.5)"));
                canceller.join();
                if (outcome.equals("ok") || outcome.equals("57014")) ok.incrementAndGet();
                else failures.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
            } catch (SQLException e) {
                failures.computeIfAbsent(String.valueOf(e.getSQLState()), k -> new AtomicInteger()).incrementAndGet();
                pause(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long[] drain(ConcurrentLinkedQueue<Long> q) {
        List<Long> xs = new ArrayList<>();
        Long x;
        while ((x = q.poll()) != null) xs.add(x);
        return xs.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
