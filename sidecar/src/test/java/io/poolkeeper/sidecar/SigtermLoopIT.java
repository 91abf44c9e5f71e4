package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.sidecar.cli.SidecarCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real sidecar process under load, repeated: each time the sidecar (the class
 * {@code poolkeeper sidecar} runs, in a JVM of its own) stops accepting at once, lets a
 * transaction that ends within {@code shutdownGrace} commit, cuts one that would not at the grace
 * limit, loses no acknowledged commit, and exits with 143 (128 + SIGTERM, the JVM's status after
 * a signal-started shutdown) leaving no process behind; afterwards the server has no session of
 * the sidecars' login. The iterations default to 100; {@code -Dpoolkeeper.sigterm.iterations}
 * changes that.
 */
@ExtendWith(LocalPostgresExtension.class)
class SigtermLoopIT {
    private static final int ITERATIONS = Integer.getInteger("poolkeeper.sigterm.iterations", 100);
    private static final Duration GRACE = Duration.ofSeconds(1);
    /**
     * From the end of the grace to the process being gone, ≈ 0.35 s measured: the hook starts
     * 5–100 ms after the signal, closing sockets and pools takes ≈ 15 ms, and the JVM's exit waits
     * up to 300 ms for threads blocked in native code (the virtual threads' I/O pollers). With the
     * two cores shared at a load average of 18 it took up to 2.4 s; the rest is room for that.
     */
    private static final Duration EXIT_AFTER_GRACE = Duration.ofSeconds(5);
    /** A process not gone this long after the signal is stuck, not slow. */
    private static final Duration STUCK = Duration.ofSeconds(30);
    /** A transaction open at the signal that finishes well within the grace. */
    private static final String SHORT_SLEEP = "select pg_sleep(0.5)";
    /**
     * A transaction open at the signal that can never end within the grace, however late the hook
     * runs: it waits for an advisory lock the test's own session holds until the iteration ends.
     */
    private static final String LONG_WAIT = "select pg_advisory_xact_lock(%d)";
    /** The sidecar's server login, its own so its connections can be counted on the server. */
    private static final String POOL_ROLE = "sigterm_pool";
    private static final int SIGTERM_EXIT = 128 + 15;
    /**
     * Signal to listener closed. The sidecar closes it first thing in its shutdown hook; the time
     * until the JVM runs the hook is the JVM's (median 7 ms, at most 301 ms in 100 runs here, with
     * the next sidecar's JVM starting beside it; 535 ms at a load average of 18), and a client
     * connecting in it is served as usual.
     */
    private static final Duration STOP_ACCEPTING = Duration.ofSeconds(3);
    /**
     * A quick start: C1 only, the JDK's shared class archive, a small heap with the serial
     * collector. (A dynamic class archive of our own classes is refused: their classpath holds
     * directories, target/classes among them, and the failed dump turns the exit status into 1.)
     */
    private static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC", "-Xmx96m");

    private static LocalServer server;
    private static String serverLogin;

    @BeforeAll
    static void prepare(LocalPostgres pg) throws SQLException {
        server = pg.primary();
        serverLogin = RunningSidecar.ownServerLogin(server, POOL_ROLE);
        try (Connection c = server.connect("app")) {
            exec(c, "create table if not exists ledger (id bigint primary key)");
            exec(c, "create table if not exists sigterm_tx (note text)");
            exec(c, "grant all on ledger, sigterm_tx to " + POOL_ROLE);
        }
    }

    @Test
    void whenTheSidecarProcessIsSentSigtermUnderLoadRepeatedlyThenEachDrainsExitsAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("sidecar.yaml"), RunningSidecar.configYaml(dir, server.host(), server.port(),
                serverLogin + "pool: {maxSize: 8, minIdle: 1}\nshutdownGrace: " + GRACE.toMillis() + "ms\n"));
        long start = System.nanoTime();
        List<Iteration> runs = new ArrayList<>();
        // Each sidecar's successor starts while it drains, so a JVM start is not paid on top of each grace.
        SidecarProcess next = SidecarProcess.start(config);
        try {
            for (int i = 1; i <= ITERATIONS; i++) {
                try (SidecarProcess current = next) {
                    next = null;
                    int number = i;
                    Iteration run = runOnce(current, i, () -> number < ITERATIONS ? SidecarProcess.start(config) : null);
                    next = run.successor();
                    runs.add(run);
                    System.out.println("sigterm " + run);
                }
            }
        } finally {
            if (next != null) next.close();
        }
        long totalMillis = (System.nanoTime() - start) / 1_000_000;
        long lingering = awaitNoPoolConnections();
        System.out.printf("sigterm: %d iterations in %.1f s; listening after start (ms) median %d, max %d; signal to refusing (ms) median %d, max %d; "
                        + "newcomers served before the sidecar saw the signal %d, told 57P01 %d; signal to exit (ms) min %d, median %d, max %d; "
                        + "%d acknowledged commits, all present; pool connections on the server 0, %d ms after the last exit%n",
                runs.size(), totalMillis / 1000.0, median(runs, Iteration::startMillis), max(runs, Iteration::startMillis),
                median(runs, Iteration::refusedMillis), max(runs, Iteration::refusedMillis),
                runs.stream().mapToLong(r -> r.newcomers().stream().filter("served"::equals).count()).sum(),
                runs.stream().mapToLong(r -> r.newcomers().stream().filter("57P01"::equals).count()).sum(),
                runs.stream().mapToLong(Iteration::exitMillis).min().orElseThrow(), median(runs, Iteration::exitMillis), max(runs, Iteration::exitMillis),
                runs.stream().mapToInt(Iteration::acknowledged).sum(), lingering);
    }

    private Iteration runOnce(SidecarProcess sidecar, int i, Starter successor) throws Exception {
        sidecar.awaitListening();
        try (Connection observer = server.connect("app")) {
            FailoverIT.Writers writers = new FailoverIT.Writers(sidecar::connect, 3);
            writers.awaitAcknowledged(10, 20_000);
            Connection shortTx = sidecar.connect();
            Connection longTx = sidecar.connect();
            exec(observer, "select pg_advisory_lock(" + i + ")");
            String longWait = LONG_WAIT.formatted(i);
            CompletableFuture<String> longOutcome = openTransaction(longTx, "long-" + i, longWait);
            awaitRunning(observer, longWait);
            CompletableFuture<String> shortOutcome = openTransaction(shortTx, "short-" + i, SHORT_SLEEP);
            awaitRunning(observer, SHORT_SLEEP);
            List<ProcessHandle> children = sidecar.process().descendants().toList();

            long signalled = System.nanoTime();
            // SIGTERM on Linux; through the handle, because Process.destroy() also closes our end of the log pipe.
            sidecar.process().toHandle().destroy();
            List<String> newcomers = new ArrayList<>();
            do {
                newcomers.add(newcomer(sidecar));
            } while (!newcomers.getLast().equals("refused") && System.nanoTime() - signalled < STOP_ACCEPTING.toNanos());
            long refusedMillis = (System.nanoTime() - signalled) / 1_000_000;
            SidecarProcess next = successor.start();
            try {
                boolean exited = sidecar.process().waitFor(STUCK.toMillis(), TimeUnit.MILLISECONDS);
                long exitMillis = (System.nanoTime() - signalled) / 1_000_000;

                assertThat(String.join(" ", newcomers)).as("iteration %d: clients connecting one after another from the signal on, for at most %d ms: "
                        + "served before the hook runs, told 57P01 while the listener closes, then refused", i, STOP_ACCEPTING.toMillis())
                        .matches("(served )*(57P01 )*refused");
                assertThat(exited).as("iteration %d: the process ended within %d s of the signal; log:%n%s", i, STUCK.toSeconds(), sidecar.log()).isTrue();
                assertThat(exitMillis).as("iteration %d: signal to exit, ms: the long transaction holds it for the grace, then it is cut", i)
                        .isBetween(GRACE.toMillis(), GRACE.plus(EXIT_AFTER_GRACE).toMillis());
                assertThat(sidecar.process().exitValue()).as("iteration %d: exit status; log:%n%s", i, sidecar.log()).isEqualTo(SIGTERM_EXIT);
                assertThat(ProcessHandle.of(sidecar.process().pid()).filter(ProcessHandle::isAlive)).as("iteration %d: the process", i).isEmpty();
                assertThat(children).as("iteration %d: child processes left", i).noneMatch(ProcessHandle::isAlive);

                assertThat(shortOutcome.get(5, TimeUnit.SECONDS)).as("iteration %d: the transaction ending within the grace", i).isEqualTo("committed");
                assertThat(longOutcome.get(5, TimeUnit.SECONDS)).as("iteration %d: the transaction cut at the grace", i).isEqualTo("08006");
                writers.stop();
                assertThat(writers.failureStates()).as("iteration %d: what the writers were told", i).allSatisfy(FailoverIT::isConnectionLoss);
                int acknowledged = assertCommitsKept(writers, i);
                return new Iteration(i, sidecar.startMillis(), refusedMillis, exitMillis, newcomers, acknowledged, next);
            } catch (Exception | AssertionError e) {
                if (next != null) next.close();
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface Starter {
        SidecarProcess start() throws IOException;
    }

    /**
     * Begins a transaction, writes {@code note}, runs {@code statement} and commits, on a thread of its
     * own (the common pool has one thread on two cores); the outcome is "committed" or the SQLSTATE.
     */
    private static CompletableFuture<String> openTransaction(Connection c, String note, String statement) {
        return CompletableFuture.supplyAsync(() -> {
            try (c) {
                c.setAutoCommit(false);
                exec(c, "insert into sigterm_tx values ('" + note + "')");
                exec(c, statement);
                c.commit();
                return "committed";
            } catch (SQLException e) {
                return e.getSQLState();
            }
        }, task -> Thread.ofVirtual().start(task));
    }

    /** "refused" when nothing listens any more, "served" when it got a working session, else the SQLSTATE it was told. */
    private static String newcomer(SidecarProcess sidecar) {
        try (Connection c = sidecar.connect()) {
            one(c, "select 1");
            return "served";
        } catch (SQLException e) {
            return e.getCause() instanceof ConnectException ? "refused" : e.getSQLState();
        }
    }

    /** Every acknowledged commit is in the table, the short transaction's too and the long one's not; the tables are then emptied for the next run. */
    private static int assertCommitsKept(FailoverIT.Writers writers, int i) throws SQLException {
        List<Long> acknowledged = List.copyOf(writers.acknowledged());
        try (Connection c = server.connect("app")) {
            long present = Long.parseLong(one(c, "select count(*) from ledger where id = any('{"
                    + String.join(",", acknowledged.stream().map(String::valueOf).toList()) + "}'::bigint[])"));
            assertThat(present).as("iteration %d: acknowledged commits present", i).isEqualTo(acknowledged.size());
            assertThat(one(c, "select string_agg(note, ',' order by note) from sigterm_tx")).as("iteration %d: transactions kept", i)
                    .isEqualTo("short-" + i);
            // Not TRUNCATE: it would wait for the cut transaction's backend, which lives until it gets its advisory lock.
            exec(c, "delete from ledger");
            exec(c, "delete from sigterm_tx");
        }
        return acknowledged.size();
    }

    private static void awaitRunning(Connection observer, String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (one(observer, "select count(*) from pg_stat_activity where usename = '" + POOL_ROLE
                + "' and state = 'active' and query = '" + sql + "'").equals("0")) {
            if (System.nanoTime() > deadline) throw new AssertionError(sql + " never started on the server");
            Thread.sleep(2);
        }
    }

    /**
     * Waits until the server has no session of the pool's role left and returns how long that
     * took: a backend cut off while waiting in {@link #LONG_WAIT} notices its closed socket only
     * once the iteration's own session has ended and handed it the lock.
     */
    private static long awaitNoPoolConnections() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(5);
        String count;
        while (!(count = server.sql("select count(*) from pg_stat_activity where usename = '" + POOL_ROLE + "'")).equals("0")) {
            assertThat(System.nanoTime()).as("%s server connections of the pool's role remain", count).isLessThan(deadline);
            Thread.sleep(50);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long median(List<Iteration> runs, ToLongFunction<Iteration> figure) {
        return runs.stream().mapToLong(figure).sorted().toArray()[runs.size() / 2];
    }

    private static long max(List<Iteration> runs, ToLongFunction<Iteration> figure) {
        return runs.stream().mapToLong(figure).max().orElseThrow();
    }

    /** One SIGTERM: its figures, and the sidecar started for the next one while this one drained (null after the last). */
    record Iteration(int number, long startMillis, long refusedMillis, long exitMillis, List<String> newcomers, int acknowledged,
                     SidecarProcess successor) {
        @Override
        public String toString() {
            return "#%d: listening %d ms after start, refusing %d ms after the signal (newcomers: %s), exited %d ms after it, %d commits acknowledged"
                    .formatted(number, startMillis, refusedMillis, String.join(" ", newcomers), exitMillis, acknowledged);
        }
    }

    /** {@code poolkeeper sidecar --config FILE} in a JVM of its own, its log kept for failure messages; closing kills what is left. */
    private static final class SidecarProcess implements AutoCloseable {
        private static final Pattern LISTENING = Pattern.compile("clients on 127\\.0\\.0\\.1:(\\d+), admin on");
        private final Process process;
        private final StringBuffer log = new StringBuffer();
        private final CompletableFuture<Integer> port = new CompletableFuture<>();
        private final long startNanos;
        private volatile long startMillis;

        private SidecarProcess(Path config) throws IOException {
            startNanos = System.nanoTime();
            process = new ProcessBuilder(ChildJvm.command(FAST_START, SidecarCommand.class, "--config", config.toString()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread.ofVirtual().start(this::readLog);
        }

        /** Starts the process; {@link #awaitListening()} waits for its listener. */
        static SidecarProcess start(Path config) throws IOException {
            return new SidecarProcess(config);
        }

        void awaitListening() {
            try {
                port.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the sidecar did not start listening: " + e + "; log:\n" + log, e);
            }
        }

        private void readLog() {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    log.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        startMillis = (System.nanoTime() - startNanos) / 1_000_000;
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                log.append("reading the log failed: ").append(e).append('\n');
            } finally {
                port.completeExceptionally(new IllegalStateException("the log ended"));
            }
        }

        Connection connect() throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", RunningSidecar.USER);
            p.setProperty("password", RunningSidecar.PASSWORD);
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port.join() + "/" + RunningSidecar.DATABASE + "?sslmode=disable", p);
        }

        Process process() {
            return process;
        }

        long startMillis() {
            return startMillis;
        }

        String log() {
            return log.toString();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
