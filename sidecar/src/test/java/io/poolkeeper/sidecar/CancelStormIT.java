package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cancels in bulk on a busy pool: a cancel must stop the statement of the client that sent it
 * and nothing else, even when 50 arrive at once, and even when it races the end of its
 * statement while the same server connection is lent to another client.
 */
class CancelStormIT {
    private static LocalPostgres pg;
    private static LocalServer server;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(0).withMaxConnections(140));
        server = pg.primary();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void whenHalfOfAHundredRunningClientsCancelAtOnceThenExactlyThoseGet57014AndTheOthersFinish() throws Exception {
        int clients = 100;
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: " + clients + ", minIdle: " + clients + ", acquireTimeout: 10s}\n")) {
            // HikariCP opens connections one at a time: fill the pool first, so all hundred statements run together
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (proxy.sidecar().topology().primary().pool().stats().total() < clients) {
                if (System.nanoTime() > deadline) throw new AssertionError("the pool never filled: " + proxy.sidecar().topology().primary().pool().stats());
                Thread.sleep(50);
            }
            List<Connection> connections = new ArrayList<>();
            List<Statement> statements = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    connections.add(proxy.connect());
                    statements.add(connections.getLast().createStatement());
                }
                Map<Integer, CompletableFuture<String>> outcomes = new ConcurrentHashMap<>();
                for (int i = 0; i < clients; i++) {
                    Statement s = statements.get(i);
                    String sql = "select pg_sleep(5) /* cancel-storm-" + i + " */";
                    outcomes.put(i, CompletableFuture.supplyAsync(() -> TimeoutsAndCancelIT.sqlStateOf(() -> s.execute(sql)),
                            runnable -> Thread.ofVirtual().start(runnable)));
                }
                awaitRunning(clients);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < clients; i++) order.add(i);
                Collections.shuffle(order, new Random(20_261_125));
                Set<Integer> cancelled = new HashSet<>(order.subList(0, clients / 2));

                CountDownLatch go = new CountDownLatch(1);
                List<Thread> cancellers = new ArrayList<>();
                for (int i : cancelled) {
                    Statement s = statements.get(i);
                    cancellers.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            s.cancel();
                        } catch (SQLException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                long start = System.nanoTime();
                go.countDown();
                for (Thread t : cancellers) t.join(10_000);
                for (int i : cancelled) outcomes.get(i).get(10, TimeUnit.SECONDS);
                long cancelMillis = (System.nanoTime() - start) / 1_000_000;
                Set<Integer> stillRunning = runningMarkers();

                Set<Integer> got57014 = new HashSet<>();
                Map<Integer, String> others = new java.util.TreeMap<>();
                for (int i = 0; i < clients; i++) {
                    String outcome = outcomes.get(i).get(15, TimeUnit.SECONDS);
                    if (outcome.equals("57014")) got57014.add(i);
                    else if (!outcome.equals("ok")) others.put(i, outcome);
                }
                System.out.println("cancel storm: " + cancelled.size() + " cancels answered within " + cancelMillis + " ms; "
                        + got57014.size() + " clients got 57014; still running right after: " + stillRunning.size());
                assertThat(others).as("outcomes other than success or 57014").isEmpty();
                assertThat(got57014).as("the clients that got 57014").isEqualTo(cancelled);
                Set<Integer> uncancelled = new HashSet<>(order.subList(clients / 2, clients));
                assertThat(stillRunning).as("statements still running on the server once the cancels were answered").isEqualTo(uncancelled);
                for (int i : List.of(order.getFirst(), order.getLast())) {
                    assertThat(TransactionPoolingIsolationIT.one(connections.get(i), "select 'usable " + i + "'")).isEqualTo("usable " + i);
                }
            } finally {
                for (Connection c : connections) c.close();
            }
        }
    }

    @Test
    void whenCancelsRaceShortStatementsOnAPoolSmallerThanItsClientsThenNoBystanderIsEverCancelled() throws Exception {
        int targets = 30;
        int bystanders = 30;
        try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 10, minIdle: 10, acquireTimeout: 10s}\n")) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<Statement> targetStatements = new java.util.concurrent.CopyOnWriteArrayList<>();
            Map<String, AtomicInteger> targetOutcomes = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> bystanderOutcomes = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            CountDownLatch ready = new CountDownLatch(targets + bystanders);
            for (int i = 0; i < targets + bystanders; i++) {
                boolean target = i < targets;
                Map<String, AtomicInteger> outcomes = target ? targetOutcomes : bystanderOutcomes;
                threads.add(Thread.ofVirtual().start(() -> {
                    try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
                        if (target) targetStatements.add(s);
                        ready.countDown();
                        while (running.get()) {
                            String outcome = TimeoutsAndCancelIT.sqlStateOf(() -> s.execute("select pg_sleep(0.01)"));
                            outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (SQLException e) {
                        outcomes.computeIfAbsent("connect " + e.getSQLState(), k -> new AtomicInteger()).incrementAndGet();
                        ready.countDown();
                    }
                }));
            }
            assertThat(ready.await(60, TimeUnit.SECONDS)).isTrue();
            Random random = new Random(7);
            AtomicInteger cancelsSent = new AtomicInteger();
            List<Thread> cancellers = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                cancellers.add(Thread.ofVirtual().start(() -> {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
                    while (System.nanoTime() < end) {
                        Statement victim;
                        synchronized (random) {
                            victim = targetStatements.get(random.nextInt(targetStatements.size()));
                        }
                        try {
                            victim.cancel();
                            cancelsSent.incrementAndGet();
                            Thread.sleep(ThreadLocalRandom.current().nextInt(8));
                        } catch (SQLException e) {
                            // a cancel that could not be sent is no cancel
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            for (Thread t : cancellers) t.join(30_000);
            running.set(false);
            for (Thread t : threads) t.join(30_000);
            System.out.println("cancel race: " + cancelsSent.get() + " cancels tried (pgjdbc sends one only while its statement runs); targets " + targetOutcomes + "; bystanders " + bystanderOutcomes);
            assertThat(bystanderOutcomes).as("bystanders' outcomes").containsOnlyKeys("ok");
            assertThat(bystanderOutcomes.get("ok").get()).isGreaterThan(100);
            assertThat(targetOutcomes).as("targets' outcomes").containsOnlyKeys("ok", "57014");
            assertThat(targetOutcomes.get("57014").get()).as("cancels that hit their own statement").isGreaterThan(20);
        }
    }

    private static void awaitRunning(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runningMarkers().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + runningMarkers().size() + " statements started; on the server: "
                        + server.sql("select string_agg(state || ': ' || query, ' | ') from pg_stat_activity where datname = 'app'"));
            }
            Thread.sleep(20);
        }
    }

    /** The markers of the cancel-storm statements running on the server now. */
    private static Set<Integer> runningMarkers() throws SQLException {
        Set<Integer> out = new HashSet<>();
        try (Connection c = server.connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select substring(query from 'cancel-storm-([0-9]+)') from pg_stat_activity "
                     + "where state = 'active' and query like 'select pg_sleep(5) /* cancel-storm-%' and pid <> pg_backend_pid()")) {
            while (rs.next()) out.add(Integer.parseInt(rs.getString(1)));
        }
        return out;
    }
}
