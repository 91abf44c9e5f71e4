package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 5,000 clients logged in and idle, through one sidecar, while 8 others work: all are served,
 * each idle one costs the sidecar a measured (and printed) amount of memory, and once they leave,
 * the client count, file descriptors and threads are back where they started. The idle clients
 * run in a child process ({@link IdleClientsMain}) so this JVM holds only the sidecar's side.
 */
@ExtendWith(LocalPostgresExtension.class)
class IdleClientsIT {
    private static final int IDLE = 5000;

    @Test
    void whenFiveThousandClientsIdleBesideAWorkingLoadThenAllAreServedAndNothingLeaksAfterwards(LocalPostgres pg) throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "auth: {method: trust}\npool: {maxSize: 10, minIdle: 2}\n")) {
            RunningSidecar.awaitPrimaryProbed(proxy);
            warmUp(proxy);
            ProcessStats base = ProcessStats.now();
            long baseClients = proxy.clients();

            Process child = new ProcessBuilder(ChildJvm.command(List.of("-Xmx512m"), IdleClientsMain.class, String.valueOf(proxy.port()), String.valueOf(IDLE)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
                long loginStart = System.nanoTime();
                String ready = out.readLine();
                long loginMillis = (System.nanoTime() - loginStart) / 1_000_000;
                assertThat(ready).as("the child's report").isEqualTo("READY " + IDLE + " 0");
                assertThat(proxy.clients()).isEqualTo(baseClients + IDLE);
                ProcessStats peak = ProcessStats.now();

                AtomicBoolean working = new AtomicBoolean(true);
                AtomicInteger done = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                List<Thread> load = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    load.add(Thread.ofVirtual().start(() -> {
                        try (Connection c = DriverManager.getConnection(proxy.jdbcUrl(""), "worker", "")) {
                            while (working.get()) {
                                if (TransactionPoolingIsolationIT.one(c, "select count(*) from pg_class").isEmpty()) failed.incrementAndGet();
                                done.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }));
                }
                in.println("query");
                String queried = out.readLine();
                Thread.sleep(500);
                working.set(false);
                for (Thread t : load) t.join(30_000);
                assertThat(queried).as("every idle client served when it finally asks").isEqualTo("QUERIED " + IDLE + " 0");
                assertThat(failed.get()).as("working load failures").isZero();
                assertThat(done.get()).isGreaterThan(100);

                in.println("close");
                assertThat(out.readLine()).isEqualTo("CLOSED");
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (proxy.clients() > baseClients && System.nanoTime() < deadline) Thread.sleep(50);
                Thread.sleep(500);
                ProcessStats after = ProcessStats.now();

                double heapPerClient = (peak.heapBytes() - base.heapBytes()) / (double) IDLE;
                double rssPerClient = (peak.rssBytes() - base.rssBytes()) / (double) IDLE;
                System.out.printf("idle clients: %d logged in within %d ms; %d working statements beside them%n"
                                + "  before: %s%n  with %d idle: %s%n  after: %s%n"
                                + "  per idle client: %.1f KiB of heap (after GC), %.1f KiB of RSS%n",
                        IDLE, loginMillis, done.get(), base, IDLE, peak, after, heapPerClient / 1024, rssPerClient / 1024);

                // An idle plain-TCP client waits in an event loop's selector, not on a thread of its own.
                assertThat(peak.clientThreads()).as("client threads while %d clients idle", IDLE).isLessThanOrEqualTo(base.clientThreads() + 20);
                assertThat(proxy.clients()).as("clients after they left").isEqualTo(baseClients);
                assertThat(after.fds()).as("file descriptors after").isLessThanOrEqualTo(base.fds() + 20);
                assertThat(after.platformThreads()).as("platform threads after").isLessThanOrEqualTo(base.platformThreads() + 5);
                assertThat(after.clientThreads()).as("client threads after").isLessThanOrEqualTo(base.clientThreads() + 2);
                assertThat(after.heapBytes() - base.heapBytes()).as("heap kept after they left").isLessThan(16L << 20);
                assertThat(heapPerClient).as("heap per idle client").isLessThan(64 * 1024);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** One client through the whole path first, so lazily loaded classes are not counted per client. */
    private static void warmUp(RunningSidecar proxy) throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Connection c = DriverManager.getConnection(proxy.jdbcUrl(""), "warm", "")) {
                TransactionPoolingIsolationIT.one(c, "select 1");
            }
        }
    }
}
