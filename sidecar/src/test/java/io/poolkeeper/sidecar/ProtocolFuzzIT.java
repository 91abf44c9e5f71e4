package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.sidecar.protocol.WireClient;
import io.poolkeeper.sidecar.protocol.WireClient.Message;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A seeded fuzzer against a live sidecar (SCRAM logins, real server): random bytes and mutated
 * messages before the startup packet, during the SCRAM exchange and after login. Every
 * connection must end, within a few seconds of the fuzzer falling silent (it then half-closes,
 * as a client that is done would), with the sidecar closing it; a pgjdbc canary logged in
 * throughout keeps being served; the client count comes back to the canary alone; and the heap
 * stays bounded. The seed is printed and can be set with {@code -Dpoolkeeper.fuzz.seed}, the
 * number of connections with {@code -Dpoolkeeper.fuzz.iterations}.
 */
@ExtendWith(LocalPostgresExtension.class)
class ProtocolFuzzIT {
    private static final int[] SPECIAL_LENGTHS = {0, 1, 3, 4, 5, 7, 8, 9999, 10_000, 10_001, 65_536, 1 << 20, (1 << 20) + 1,
            Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
    private static final byte[] FRONTEND_TYPES = "QPBDESHXCFdcfp".getBytes(StandardCharsets.US_ASCII);
    private static final long QUIET_MILLIS = 400;
    private static final long CLOSE_MILLIS = 3000;

    enum Stage { BEFORE_STARTUP, DURING_SCRAM, AFTER_LOGIN }

    @Test
    void whenRandomAndMutatedMessagesArriveAtEveryStageThenEachConnectionEndsAndTheCanaryIsServed(LocalPostgres pg) throws Exception {
        long seed = Long.getLong("poolkeeper.fuzz.seed", 20_261_125L);
        int iterations = Integer.getInteger("poolkeeper.fuzz.iterations", 300);
        Random random = new Random(seed);
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "pool: {maxSize: 4, minIdle: 1}\nlimits: {maxMessageBytes: 1048576}\n");
             Connection canary = proxy.connect()) {
            assertThat(TransactionPoolingIsolationIT.one(canary, "select 'canary'")).isEqualTo("canary");
            long heapBefore = ProcessStats.heapAfterGc();
            Map<String, Integer> outcomes = new TreeMap<>();
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            int done = 0;
            for (int i = 0; i < iterations && System.nanoTime() < deadline; i++) {
                Stage stage = Stage.values()[random.nextInt(Stage.values().length)];
                long caseSeed = random.nextLong();
                String outcome = fuzzOnce(proxy, stage, new Random(caseSeed));
                if (outcome.startsWith("HANG")) {
                    throw new AssertionError("connection " + i + " (" + stage + ", case seed " + caseSeed + ", run seed " + seed + ") hung: " + outcome);
                }
                outcomes.merge(stage + " " + outcome, 1, Integer::sum);
                if (i % 10 == 0) assertThat(TransactionPoolingIsolationIT.one(canary, "select 'canary " + i + "'")).isEqualTo("canary " + i);
                done++;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(TransactionPoolingIsolationIT.one(canary, "select 'canary at the end'")).isEqualTo("canary at the end");
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.clients() != 1 && System.nanoTime() < wait) Thread.sleep(20);
            long heapAfter = ProcessStats.heapAfterGc();
            System.out.printf("fuzz: seed %d, %d connections in %d ms; outcomes %s; heap after GC %.1f -> %.1f MiB%n",
                    seed, done, millis, outcomes, heapBefore / 1048576.0, heapAfter / 1048576.0);
            assertThat(done).isGreaterThanOrEqualTo(Math.min(iterations, 200));
            assertThat(proxy.clients()).as("clients left: only the canary").isEqualTo(1);
            assertThat(heapAfter - heapBefore).as("heap kept after the fuzz").isLessThan(32L << 20);
        }
    }

    @Test
    void whenLoggedInClientsClaimHugeMessagesAndStallThenTheSidecarDoesNotReserveThatMemory(LocalPostgres pg) throws Exception {
        int clients = 40;
        int claimed = 60 << 20; // under the default 64 MiB cap
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "")) {
            long heapBefore = ProcessStats.heapAfterGc();
            List<WireClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    ScramWire.Outcome o = ScramWire.login(proxy.port(), RunningSidecar.USER, RunningSidecar.PASSWORD);
                    assertThat(o.loggedIn()).isTrue();
                    open.add(o.client());
                    o.client().send(WireClient.concat(new byte[] {'Q'}, WireClient.int32(claimed), "select '".getBytes(StandardCharsets.US_ASCII)));
                }
                Thread.sleep(500);
                long heapDuring = ProcessStats.heapAfterGc();
                System.out.printf("huge claims: %d clients each claiming a %d MiB message: heap after GC %.1f -> %.1f MiB%n",
                        clients, claimed >> 20, heapBefore / 1048576.0, heapDuring / 1048576.0);
                assertThat(heapDuring - heapBefore).as("heap reserved for %d claimed messages of %d MiB", clients, claimed >> 20)
                        .isLessThan(32L << 20);
            } finally {
                for (WireClient c : open) c.close();
            }
        }
    }

    /**
     * Found by the fuzzer: after an extended-protocol error the server ignores everything up to a
     * Sync, so a Query sent before that Sync is never answered. The sidecar must ignore it too (as
     * PostgreSQL's clients see), not wait for its answer; and a client that leaves without the
     * Sync must not leave the sidecar waiting on a ROLLBACK the server ignores.
     */
    @Test
    void whenAClientSendsAQueryAfterAnExtendedProtocolErrorBeforeItsSyncThenOnlyTheSyncIsAnswered(LocalPostgres pg) throws Exception {
        byte[] failingDescribe = WireClient.concat(
                WireClient.message('D', WireClient.concat(new byte[] {'S'}, WireClient.cstring("no_such_statement"))),
                WireClient.message('H', new byte[0]));
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "pool: {maxSize: 1, minIdle: 1}\n")) {
            try (WireClient c = WireClient.connect(proxy.port(), Duration.ofSeconds(10))) {
                assertThat(ScramWire.login(c, RunningSidecar.USER, RunningSidecar.PASSWORD).loggedIn()).isTrue();
                c.send(failingDescribe);
                assertThat(c.read().sqlState()).as("the Describe's error").isEqualTo("26000");
                c.send(WireClient.concat(WireClient.query("select 'ignored'"), WireClient.sync()));
                Message next = c.read();
                assertThat(next.type()).as("answer after the Sync: %s", next).isEqualTo('Z');
                List<Message> replies = c.simpleQuery("select 'served'");
                assertThat(replies.stream().filter(m -> m.type() == 'D').map(Message::columns).toList()).containsExactly(List.of("served"));
            }
            try (WireClient c = WireClient.connect(proxy.port(), Duration.ofSeconds(10))) {
                assertThat(ScramWire.login(c, RunningSidecar.USER, RunningSidecar.PASSWORD).loggedIn()).isTrue();
                c.send(failingDescribe);
                assertThat(c.read().sqlState()).isEqualTo("26000");
                c.send(WireClient.query("select 'ignored'"));
                c.shutdownOutput();
                assertThat(c.readUntilClosedWithin(Duration.ofSeconds(5))).as("the sidecar closes the session").isEmpty();
            }
            try (Connection after = proxy.connect()) {
                assertThat(TransactionPoolingIsolationIT.one(after, "select 'the only server connection is fine'"))
                        .isEqualTo("the only server connection is fine");
            }
        }
    }

    /** One connection: fuzz at {@code stage}, then wait for the sidecar to end it. Returns the outcome's name. */
    private static String fuzzOnce(RunningSidecar proxy, Stage stage, Random r) throws Exception {
        byte[] sent = null;
        try (WireClient c = WireClient.connect(proxy.port(), Duration.ofMillis(QUIET_MILLIS))) {
            try {
                switch (stage) {
                    case BEFORE_STARTUP -> {
                        sent = beforeStartup(r);
                        c.send(sent);
                        if (sent.length >= 8 && java.nio.ByteBuffer.wrap(sent).getInt(0) == 8
                                && java.nio.ByteBuffer.wrap(sent).getInt(4) == WireClient.SSL_REQUEST) {
                            char answer = c.readSingleByte(); // the one-byte answer to SSLRequest comes before any message
                            if (answer != 'N') throw new AssertionError("SSLRequest without TLS configured answered " + answer);
                        }
                    }
                    case DURING_SCRAM -> {
                        c.sendStartup(RunningSidecar.USER, RunningSidecar.DATABASE);
                        Message sasl = c.read();
                        if (sasl.type() != 'R') return "REFUSED_AT_STARTUP";
                        c.send(duringScram(r));
                    }
                    case AFTER_LOGIN -> {
                        ScramWire.Outcome o = ScramWire.login(c, RunningSidecar.USER, RunningSidecar.PASSWORD);
                        if (!o.loggedIn()) throw new AssertionError("login refused: " + o.error());
                        sent = afterLogin(r);
                        c.send(sent);
                    }
                }
            } catch (SocketException e) {
                return "CLOSED_WHILE_SENDING";
            }
            boolean sawError = false;
            try {
                while (true) {
                    Message m = c.read();
                    if (m.type() == 'E') sawError = true;
                }
            } catch (EOFException e) {
                return sawError ? "ERROR_THEN_CLOSE" : "CLOSE";
            } catch (SocketTimeoutException e) {
                // quiet: the sidecar waits for more, as it should for an incomplete message; say we are done
            } catch (SocketException e) {
                return sawError ? "ERROR_THEN_CLOSE" : "CLOSE";
            }
            c.shutdownOutput();
            long start = System.nanoTime();
            try {
                List<Message> rest = c.readUntilClosedWithin(Duration.ofMillis(CLOSE_MILLIS));
                if (rest.stream().anyMatch(m -> m.type() == 'E')) sawError = true;
                return (sawError ? "ERROR_" : "") + "QUIET_THEN_CLOSE_AFTER_FIN";
            } catch (SocketTimeoutException e) {
                return "HANG: still open " + (System.nanoTime() - start) / 1_000_000 + " ms after the client's FIN; sent: "
                        + (sent == null ? "-" : java.util.HexFormat.ofDelimiter(" ").formatHex(sent, 0, Math.min(sent.length, 300)));
            }
        }
    }

    private static byte[] beforeStartup(Random r) {
        byte[] startup = WireClient.startupPacket(WireClient.PROTOCOL_3_0, Map.of("user", RunningSidecar.USER, "database", RunningSidecar.DATABASE));
        return switch (r.nextInt(8)) {
            case 0 -> randomBytes(r, 1 + r.nextInt(300));
            case 1 -> mutate(r, startup);
            case 2 -> WireClient.concat(WireClient.int32(special(r)), randomBytes(r, r.nextInt(64)));
            case 3 -> WireClient.concat(WireClient.untyped(WireClient.int32(WireClient.SSL_REQUEST)), r.nextBoolean() ? startup : mutate(r, startup));
            case 4 -> { // oversized startup, body and all
                int length = 10_001 + r.nextInt(90_000);
                yield WireClient.concat(WireClient.int32(length), WireClient.int32(WireClient.PROTOCOL_3_0), randomBytes(r, length - 8));
            }
            case 5 -> mutate(r, WireClient.cancelRequest(r.nextInt(), r.nextInt()));
            case 6 -> WireClient.concat(WireClient.query("select 1"), startup);
            default -> WireClient.untyped(WireClient.concat(WireClient.int32(r.nextBoolean() ? WireClient.PROTOCOL_3_0 : r.nextInt()),
                    randomBytes(r, r.nextInt(200))));
        };
    }

    private static byte[] duringScram(Random r) {
        String clientFirst = "n,,n=,r=" + "fuzzfuzzfuzzfuzzfuzzfuzz";
        return switch (r.nextInt(6)) {
            case 0 -> mutate(r, ScramWire.saslInitialResponse("SCRAM-SHA-256", clientFirst));
            case 1 -> ScramWire.saslInitialResponse(r.nextBoolean() ? "SCRAM-SHA-256-PLUS" : "PLAIN", clientFirst);
            case 2 -> WireClient.message('p', WireClient.concat(WireClient.cstring("SCRAM-SHA-256"), WireClient.int32(special(r)),
                    randomBytes(r, r.nextInt(40))));
            case 3 -> WireClient.concat(ScramWire.saslInitialResponse("SCRAM-SHA-256", clientFirst),
                    WireClient.message('p', r.nextBoolean() ? randomBytes(r, r.nextInt(120))
                            : ("c=biws,r=fuzz,p=" + new String(randomBytes(r, 44), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1)));
            case 4 -> WireClient.message((char) FRONTEND_TYPES[r.nextInt(FRONTEND_TYPES.length)], randomBytes(r, r.nextInt(60)));
            default -> ScramWire.saslInitialResponse("SCRAM-SHA-256", new String(randomBytes(r, r.nextInt(80)), StandardCharsets.ISO_8859_1));
        };
    }

    private static byte[] afterLogin(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int messages = 1 + r.nextInt(6);
        for (int i = 0; i < messages; i++) {
            byte[] m = switch (r.nextInt(5)) {
                case 0 -> validMessage(r);
                case 1 -> mutate(r, validMessage(r));
                case 2 -> WireClient.message((char) FRONTEND_TYPES[r.nextInt(FRONTEND_TYPES.length)], randomBytes(r, r.nextInt(100)));
                case 3 -> WireClient.concat(new byte[] {FRONTEND_TYPES[r.nextInt(FRONTEND_TYPES.length)]}, WireClient.int32(special(r)),
                        randomBytes(r, r.nextInt(40)));
                default -> WireClient.message((char) r.nextInt(256), randomBytes(r, r.nextInt(50)));
            };
            out.writeBytes(m);
        }
        if (r.nextBoolean()) out.writeBytes(WireClient.sync());
        return out.toByteArray();
    }

    /** A well-formed frontend message with content that may or may not make sense. */
    private static byte[] validMessage(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> WireClient.query(r.nextBoolean() ? "select " + r.nextInt() : "begin; select 1; commit");
            case 1 -> WireClient.message('P', WireClient.concat(WireClient.cstring(r.nextBoolean() ? "" : "s" + r.nextInt(3)),
                    WireClient.cstring("select $1::int"), new byte[] {0, 1}, WireClient.int32(23)));
            case 2 -> WireClient.message('B', WireClient.concat(WireClient.cstring(""), WireClient.cstring(r.nextBoolean() ? "" : "s" + r.nextInt(3)),
                    new byte[] {0, 0, 0, 1}, WireClient.int32(1), new byte[] {'7'}, new byte[] {0, 0}));
            case 3 -> WireClient.message('D', WireClient.concat(new byte[] {(byte) (r.nextBoolean() ? 'S' : 'P')}, WireClient.cstring("")));
            case 4 -> WireClient.message('E', WireClient.concat(WireClient.cstring(""), WireClient.int32(0)));
            case 5 -> WireClient.message('C', WireClient.concat(new byte[] {(byte) (r.nextBoolean() ? 'S' : 'P')}, WireClient.cstring("s1")));
            case 6 -> WireClient.message('H', new byte[0]);
            default -> WireClient.sync();
        };
    }

    private static int special(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt() : SPECIAL_LENGTHS[r.nextInt(SPECIAL_LENGTHS.length)];
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Bit flips, a truncation, a special length written anywhere, or bytes inserted. */
    static byte[] mutate(Random r, byte[] in) {
        byte[] b = in.clone();
        int changes = 1 + r.nextInt(3);
        for (int k = 0; k < changes && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b = Arrays.copyOf(b, at);
                case 2 -> {
                    b = Arrays.copyOf(b, Math.max(b.length, at + 4));
                    System.arraycopy(WireClient.int32(special(r)), 0, b, at, 4);
                }
                default -> b = WireClient.concat(Arrays.copyOf(b, at), randomBytes(r, 1 + r.nextInt(8)), Arrays.copyOfRange(b, at, b.length));
            }
        }
        return b;
    }
}
