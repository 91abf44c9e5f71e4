package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.sidecar.protocol.WireClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slowloris at the login: 2,000 clients that connect and then send nothing, half a startup
 * packet, a startup packet one byte every 300 ms (each read well inside the timeout, the whole
 * far beyond it), or a startup and then no answer to the SCRAM challenge. Every one must be
 * closed at {@code timeouts.login} (1 s here), holding no thread meanwhile, while a logged-in
 * canary keeps being served.
 */
@ExtendWith(LocalPostgresExtension.class)
class SlowLoginsIT {
    private static final long LOGIN_TIMEOUT_MILLIS = 1000;
    /** How late past the login timeout a close may come on this shared two-core machine. */
    private static final long SLACK_MILLIS = 2500;

    enum Kind { SILENT, HALF_STARTUP, TRICKLE, STALLED_IN_SCRAM }

    record Closed(Kind kind, long afterMillis) {}

    @Test
    void whenTwoThousandLoginsStallThenEachIsClosedAtTheLoginTimeoutAndTheCanaryIsServed(LocalPostgres pg) throws Exception {
        Map<Kind, Integer> counts = new LinkedHashMap<>();
        counts.put(Kind.SILENT, 700);
        counts.put(Kind.HALF_STARTUP, 600);
        counts.put(Kind.TRICKLE, 400);
        counts.put(Kind.STALLED_IN_SCRAM, 300);
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "timeouts: {login: " + LOGIN_TIMEOUT_MILLIS + "ms}\n");
             Connection canary = proxy.connect()) {
            List<Long> before = canaryLatencies(canary, 300);

            List<Closed> closed = new CopyOnWriteArrayList<>();
            Map<Kind, Integer> unclosed = new ConcurrentHashMap<>();
            List<Thread> watchers = new ArrayList<>();
            List<Socket> sockets = new ArrayList<>();
            AtomicBoolean loadRunning = new AtomicBoolean(true);
            List<Long> during = new CopyOnWriteArrayList<>();
            Thread canaryLoad = Thread.ofVirtual().start(() -> {
                try {
                    while (loadRunning.get()) during.addAll(canaryLatencies(canary, 10));
                } catch (Exception e) {
                    during.add(-1L);
                }
            });
            long opening = System.nanoTime();
            for (var e : counts.entrySet()) {
                for (int i = 0; i < e.getValue(); i++) {
                    Socket s = new Socket("127.0.0.1", proxy.port());
                    long connectedAt = System.nanoTime();
                    sockets.add(s);
                    Kind kind = e.getKey();
                    watchers.add(Thread.ofVirtual().start(() -> stall(s, kind, connectedAt, closed, unclosed)));
                }
            }
            long openMillis = (System.nanoTime() - opening) / 1_000_000;
            int loginThreads = ProcessStats.countClientThreads();
            for (Thread t : watchers) t.join(LOGIN_TIMEOUT_MILLIS + SLACK_MILLIS + 10_000);
            loadRunning.set(false);
            canaryLoad.join(10_000);
            for (Socket s : sockets) s.close();
            List<Long> after = canaryLatencies(canary, 300);

            StringBuilder report = new StringBuilder("slow logins: " + sockets.size() + " opened in " + openMillis
                    + " ms; client threads once all were open: " + loginThreads + "; closed after (ms)");
            for (Kind k : Kind.values()) {
                long[] ms = closed.stream().filter(c -> c.kind() == k).mapToLong(Closed::afterMillis).sorted().toArray();
                report.append(String.format("%n  %-16s n=%d min=%d median=%d p99=%d max=%d", k, ms.length, ms.length == 0 ? -1 : ms[0],
                        percentile(ms, 50), percentile(ms, 99), ms.length == 0 ? -1 : ms[ms.length - 1]));
            }
            report.append(String.format("%n  canary select 1 median (ms): before %.2f, during %.2f, after %.2f; max during %.1f; %d queries during",
                    median(before) / 1e6, median(during) / 1e6, median(after) / 1e6, during.stream().mapToLong(x -> x).max().orElse(0) / 1e6, during.size()));
            System.out.println(report);

            // A plain-TCP login waits in an event loop's selector, not on a thread of its own.
            assertThat(loginThreads).as("client threads while %d logins stalled", sockets.size()).isLessThanOrEqualTo(20);
            assertThat(unclosed).as("logins the sidecar never closed (by kind)").isEmpty();
            assertThat(closed).hasSize(sockets.size());
            assertThat(closed).allSatisfy(c -> assertThat(c.afterMillis()).as("%s closed after", c.kind())
                    .isBetween(LOGIN_TIMEOUT_MILLIS - 50, LOGIN_TIMEOUT_MILLIS + SLACK_MILLIS));
            assertThat(during).as("canary queries while the logins stalled").hasSizeGreaterThan(20).doesNotContain(-1L);
            assertThat(during.stream().mapToLong(x -> x).max().orElseThrow()).as("no canary query stalls").isLessThan(TimeUnit.SECONDS.toNanos(2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.clients() != 1 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(proxy.clients()).as("clients left: only the canary").isEqualTo(1);
        }
    }

    /** Starts the stall, then waits for the sidecar to close the connection and records when it did. */
    private static void stall(Socket s, Kind kind, long connectedAt, List<Closed> closed, Map<Kind, Integer> unclosed) {
        try {
            s.setSoTimeout((int) (LOGIN_TIMEOUT_MILLIS + SLACK_MILLIS + 5000));
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] startup = WireClient.startupPacket(WireClient.PROTOCOL_3_0, Map.of("user", RunningSidecar.USER, "database", RunningSidecar.DATABASE));
            switch (kind) {
                case SILENT -> { }
                case HALF_STARTUP -> out.write(Arrays.copyOf(startup, startup.length / 2));
                case STALLED_IN_SCRAM -> out.write(startup);
                case TRICKLE -> Thread.ofVirtual().start(() -> {
                    try {
                        for (byte b : startup) {
                            out.write(b);
                            Thread.sleep(300);
                        }
                    } catch (IOException | InterruptedException e) {
                        // closed by the sidecar: what we wait for
                    }
                });
            }
            byte[] sink = new byte[1024];
            while (in.read(sink) >= 0) {
                // AuthenticationSASL for the SCRAM case; nothing else is expected
            }
            closed.add(new Closed(kind, (System.nanoTime() - connectedAt) / 1_000_000));
        } catch (java.net.SocketTimeoutException e) {
            unclosed.merge(kind, 1, Integer::sum);
        } catch (IOException e) {
            // a reset is a close too
            closed.add(new Closed(kind, (System.nanoTime() - connectedAt) / 1_000_000));
        }
    }

    private static List<Long> canaryLatencies(Connection c, int n) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            assertThat(TransactionPoolingIsolationIT.one(c, "select 1")).isEqualTo("1");
            out.add(System.nanoTime() - start);
        }
        return out;
    }

    private static double median(List<Long> xs) {
        long[] a = xs.stream().mapToLong(x -> x).sorted().toArray();
        return a.length == 0 ? -1 : a[a.length / 2];
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) return -1;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
