package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.sidecar.protocol.WireClient;
import io.poolkeeper.sidecar.protocol.WireClient.Message;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Password guessing: 10,000 wrong SCRAM logins, in parallel batches over raw sockets, for a real
 * user, a second real user and users that do not exist. None may succeed; an unknown user must
 * get exactly the answer a wrong password gets (so the sidecar does not reveal who exists); and
 * no password, and no query parameter value, may ever reach the sidecar's log or /metrics.
 */
@ExtendWith(LocalPostgresExtension.class)
class AuthBruteForceIT {
    private static final int ATTEMPTS = 10_000;
    private static final int BATCH = 100;
    private static final String PARAMETER_SECRET = "param-value-7f3a9c";

    @Test
    void whenTenThousandWrongPasswordsAreTriedThenNoneSucceedsUnknownUsersLookTheSameAndNoSecretIsLogged(LocalPostgres pg) throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
        Set<String> triedPasswords = ConcurrentHashMap.newKeySet();
        String metrics;
        AtomicInteger successes = new AtomicInteger();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        Map<String, String> serverFirstShapes = new ConcurrentHashMap<>();
        long millis;
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "monitoring: {slowQuery: 100ms}\n")) {
            ScramWire.Outcome right = ScramWire.login(proxy.port(), RunningSidecar.USER, RunningSidecar.PASSWORD);
            assertThat(right.loggedIn()).as("the test's SCRAM client logs in with the right password: %s", right.error()).isTrue();
            right.client().close();

            long start = System.nanoTime();
            for (int batch = 0; batch < ATTEMPTS / BATCH; batch++) {
                List<Thread> threads = new ArrayList<>();
                for (int k = 0; k < BATCH; k++) {
                    int attempt = batch * BATCH + k;
                    String user = switch (attempt % 5) {
                        case 0, 1, 2 -> RunningSidecar.USER;
                        case 3 -> "other";
                        default -> "ghost" + (attempt % 7);
                    };
                    String password = "guess-" + (attempt % 50) + "-Zq8w";
                    triedPasswords.add(password);
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            ScramWire.Outcome o = ScramWire.login(proxy.port(), user, password);
                            if (o.loggedIn()) {
                                successes.incrementAndGet();
                                o.client().close();
                                return;
                            }
                            String kind = user.startsWith("ghost") ? "unknown user" : "wrong password";
                            Message e = o.error();
                            answers.computeIfAbsent(kind + " | " + e.fields().keySet() + " " + e.sqlState() + " " + e.severity()
                                    + " " + e.text().replace(user, "<user>"), x -> new AtomicInteger()).incrementAndGet();
                            if (o.serverFirst() != null) {
                                Map<Character, String> a = ScramWire.attributes(o.serverFirst());
                                serverFirstShapes.put(kind, "salt " + a.get('s').length() + " chars, i=" + a.get('i') + ", nonce " + a.get('r').length() + " chars");
                            }
                        } catch (Exception e) {
                            answers.computeIfAbsent("exception | " + e, x -> new AtomicInteger()).incrementAndGet();
                        }
                    }));
                }
                for (Thread t : threads) t.join(60_000);
            }
            millis = (System.nanoTime() - start) / 1_000_000;

            // a client that sends its password in clear where the SCRAM exchange is expected
            for (int i = 0; i < 20; i++) {
                String cleartext = "cleartext-guess-" + i + "-Zq8w";
                triedPasswords.add(cleartext);
                try (WireClient c = WireClient.connect(proxy.port(), Duration.ofSeconds(10))) {
                    c.sendStartup(RunningSidecar.USER, RunningSidecar.DATABASE);
                    assertThat(c.read().type()).isEqualTo('R');
                    c.send(WireClient.message('p', WireClient.cstring(cleartext)));
                    assertThat(c.readUntilClosed()).as("answer to a cleartext password").singleElement()
                            .satisfies(m -> assertThat(m.type()).isEqualTo('E'));
                }
            }

            // query parameters, in a statement slow enough to be logged and in one that fails on the server
            try (Connection c = proxy.connect()) {
                try (PreparedStatement ps = c.prepareStatement("select pg_sleep(0.15), ?::text")) {
                    ps.setString(1, PARAMETER_SECRET);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(2)).isEqualTo(PARAMETER_SECRET);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("select ?::int")) {
                    ps.setString(1, PARAMETER_SECRET);
                    ps.executeQuery();
                } catch (SQLException expected) {
                    assertThat(expected.getMessage()).as("the server's error reaches the client").contains(PARAMETER_SECRET);
                }
            }
            metrics = proxy.admin("/metrics").body();
        } finally {
            System.setErr(originalErr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        System.out.println("auth: " + ATTEMPTS + " wrong SCRAM logins in " + millis + " ms (" + (ATTEMPTS * 1000L / Math.max(1, millis))
                + "/s), " + successes.get() + " succeeded; answers " + new TreeMap<>(answers) + "; server-first " + serverFirstShapes
                + "; " + log.lines().count() + " log lines captured");

        assertThat(successes.get()).as("logins that succeeded with a wrong password").isZero();
        assertThat(answers.keySet()).as("distinct answers").containsExactlyInAnyOrder(
                "unknown user | [S, V, C, M] 28P01 FATAL password authentication failed for user \"<user>\"",
                "wrong password | [S, V, C, M] 28P01 FATAL password authentication failed for user \"<user>\"");
        assertThat(answers.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(ATTEMPTS);
        assertThat(serverFirstShapes.get("unknown user")).as("an unknown user's challenge looks like a real one")
                .isEqualTo(serverFirstShapes.get("wrong password"));

        assertThat(log).as("the captured log holds the failures (so the capture works)").contains("password authentication failed for user");
        assertThat(log).as("and the slow statement").contains("event=slow_query");
        for (String secret : concat(triedPasswords, RunningSidecar.PASSWORD, "other-secret", LocalPostgres.PASSWORD, PARAMETER_SECRET)) {
            assertThat(log).as("the log").doesNotContain(secret);
            assertThat(metrics).as("/metrics").doesNotContain(secret);
        }
    }

    private static List<String> concat(Set<String> set, String... more) {
        List<String> out = new ArrayList<>(set);
        out.addAll(List.of(more));
        return out;
    }

    /** Writes to two streams: what the tests print stays visible while the log is kept. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
