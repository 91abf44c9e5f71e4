package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.sidecar.FakePgServer.Misbehaviour;
import io.poolkeeper.sidecar.protocol.WireClient;
import io.poolkeeper.sidecar.protocol.WireClient.Message;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server that breaks the protocol ({@link FakePgServer}): an ErrorResponse without SQLSTATE, a
 * DataRow shorter than its column count says, an unknown message type, a reply cut off in the
 * middle of a message (then silence, or a close), no reply at all. Each time the client gets an
 * error within the query timeout plus the cancel grace (no hang), the server connection is
 * retired rather than lent to the next client, and a client connected all along keeps working.
 */
class MalformedServerRepliesIT {
    /** timeouts.query below; a server that ignores the cancel is cut off one query timeout (at least 2 s) later. */
    private static final long QUERY_TIMEOUT_MILLIS = 1000;
    private static final long CUT_OFF_MILLIS = QUERY_TIMEOUT_MILLIS + 2000;

    private static FakePgServer server;
    private static RunningSidecar proxy;
    private static WireClient canary;

    @BeforeAll
    static void start() throws IOException {
        server = new FakePgServer();
        proxy = RunningSidecar.start("127.0.0.1", server.port(), "auth: {method: trust}\npool: {maxSize: 2, minIdle: 0}\n"
                + "timeouts: {query: " + QUERY_TIMEOUT_MILLIS + "ms}\nprobe: {interval: 500ms, timeout: 1s}\n");
        RunningSidecar.awaitPrimaryProbed(proxy);
        canary = login();
        assertServes(canary, "canary");
    }

    @AfterAll
    static void stop() throws IOException {
        canary.close();
        proxy.close();
        server.close();
    }

    @Test
    void whenTheServerAnswersProperlyThenTheFakeServesThroughTheSidecar() throws IOException {
        try (WireClient c = login()) {
            assertServes(c, "plain");
        }
    }

    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void whenTheServerSendsAMalformedReplyThenTheClientGetsAnErrorAndTheServerConnectionIsRetired(Misbehaviour bad) throws Exception {
        double brokenBefore = proxy.retired("broken");
        long start = System.nanoTime();
        List<Message> got;
        boolean closed;
        try (WireClient victim = login()) {
            victim.send(WireClient.query("select '" + bad.trigger() + "'"));
            Reply reply = readReply(victim);
            got = reply.messages();
            closed = reply.closed();
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("malformed reply " + bad + ": client answered in " + millis + " ms with " + got + (closed ? ", then closed" : ""));
            assertThat(got).as("what the client got").anyMatch(m -> m.type() == 'E');
            assertThat(millis).as("no hang: answered within the query timeout and the cancel grace").isLessThan(CUT_OFF_MILLIS + 2000);
            if (bad == Misbehaviour.ERROR_WITHOUT_SQLSTATE) {
                assertThat(closed).as("a server error the client can read ends only the statement").isFalse();
                assertServes(victim, "victim goes on");
            } else {
                Message error = got.stream().filter(m -> m.type() == 'E').findFirst().orElseThrow();
                assertThat(error.sqlState()).isEqualTo("08006");
                assertThat(error.severity()).isEqualTo("FATAL");
                assertThat(closed).as("the client's transaction outcome is unknown, so its connection ends").isTrue();
            }
        }
        awaitTrue("the server connection that misbehaved to be retired as broken",
                () -> proxy.retired("broken") > brokenBefore);
        assertServes(canary, "canary after " + bad);
        try (WireClient next = login()) {
            assertServes(next, "next client after " + bad);
        }
        assertThat(proxy.admin("/status").body().replaceAll("\\s+", "")).contains("\"breaker\":\"CLOSED\"");
        awaitTrue("only the canary to be counted as connected (now " + proxy.clients() + ")", () -> proxy.clients() == 1);
    }

    // ---- helpers ----

    record Reply(List<Message> messages, boolean closed) {}

    /** Reads until ReadyForQuery or until the sidecar closes the connection. */
    static Reply readReply(WireClient c) throws IOException {
        List<Message> messages = new ArrayList<>();
        try {
            while (true) {
                Message m = c.read();
                messages.add(m);
                if (m.type() == 'Z') return new Reply(messages, false);
            }
        } catch (EOFException e) {
            return new Reply(messages, true);
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) return new Reply(messages, true);
            throw e;
        }
    }

    static WireClient login() throws IOException {
        WireClient c = WireClient.connect(proxy.port(), Duration.ofSeconds(15));
        WireClient.Login login = c.loginTrust(RunningSidecar.USER, RunningSidecar.DATABASE);
        assertThat(login.succeeded()).as("login: %s", login.error()).isTrue();
        return c;
    }

    static void assertServes(WireClient c, String text) throws IOException {
        List<Message> replies = c.simpleQuery("select '" + text + "'");
        assertThat(replies).as("replies to select '%s'", text).noneMatch(m -> m.type() == 'E');
        assertThat(replies.stream().filter(m -> m.type() == 'D').map(Message::columns).toList()).containsExactly(List.of(text));
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
