package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.micrometer.core.instrument.Gauge;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.sidecar.protocol.WireClient;
import io.poolkeeper.sidecar.protocol.WireClient.Login;
import io.poolkeeper.sidecar.protocol.WireClient.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bytes that are not the protocol, at every stage of a connection: each gets an ErrorResponse
 * (where the protocol has room for one) and the proxy closes that connection, while a session
 * opened before keeps working. The sidecar trusts its clients here, so a login is one packet.
 */
@ExtendWith(LocalPostgresExtension.class)
class BadInputIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final String PROTOCOL_VIOLATION = "08P01";

    private static LocalServer server;
    private static RunningSidecar proxy;
    private static Connection bystander;

    @BeforeAll
    static void start(LocalPostgres pg) throws SQLException {
        server = pg.primary();
        proxy = RunningSidecar.start(server, "auth: {method: trust}\npool: {maxSize: 4, minIdle: 1}\n");
        bystander = proxy.connect();
    }

    @AfterAll
    static void stop() throws SQLException {
        bystander.close();
        proxy.close();
    }

    /** After every case: the session opened before still answers, and no other client is left behind. */
    @AfterEach
    void bystanderStillWorksAndNothingIsLeftBehind() throws SQLException {
        try (Statement s = bystander.createStatement(); ResultSet rs = s.executeQuery("select 'still here', count(*) from pg_class")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
        awaitTrue("only the bystander to be connected (clients now: " + connectedClients() + ")", () -> connectedClients() == 1);
    }

    @Nested
    class BeforeLogin {
        @Test
        void whenTheStartupPacketSaysLengthTwoThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.int32(2));
                assertRefused(c, PROTOCOL_VIOLATION, "invalid startup packet length 2");
            }
        }

        @Test
        void whenTheStartupPacketIsOverTheCapThenProtocolViolationAndCloseWithoutReadingIt() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.concat(WireClient.int32(100_000), WireClient.int32(WireClient.PROTOCOL_3_0)));
                assertRefused(c, PROTOCOL_VIOLATION, "invalid startup packet length 100000");
            }
        }

        @Test
        void whenAQueryComesBeforeAnyStartupPacketThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.query("select 1"));
                assertRefused(c, PROTOCOL_VIOLATION, "invalid startup packet length");
            }
        }

        @Test
        void whenATlsClientHelloComesWithoutSslRequestThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = client()) {
                c.send(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
                assertRefused(c, PROTOCOL_VIOLATION, "invalid startup packet length");
            }
        }

        @Test
        void whenTheClientSpeaksProtocolTwoThenFeatureNotSupportedAndClose() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.startupPacket(2 << 16, Map.of("user", RunningSidecar.USER, "database", RunningSidecar.DATABASE)));
                Message error = assertRefused(c, "0A000", "unsupported frontend protocol 2.0");
                assertThat(error.text()).contains("3.0");
            }
        }

        @Test
        void whenTheStartupPacketNamesNoUserThenInvalidAuthorizationAndClose() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.startupPacket(WireClient.PROTOCOL_3_0, Map.of("database", RunningSidecar.DATABASE)));
                assertRefused(c, "28000", "no PostgreSQL user name specified");
            }
        }

        @Test
        void whenTheStartupPacketNamesAnotherDatabaseThenInvalidCatalogNameAndClose() throws IOException {
            try (WireClient c = client()) {
                c.sendStartup(RunningSidecar.USER, "no_such_db");
                assertRefused(c, "3D000", "database \"no_such_db\" does not exist");
            }
        }

        @Test
        void whenTheStartupPacketLacksItsFinalNulThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = client()) {
                byte[] body = WireClient.concat(WireClient.int32(WireClient.PROTOCOL_3_0), WireClient.cstring("user"), "app".getBytes(StandardCharsets.UTF_8));
                c.send(WireClient.untyped(body));
                assertRefused(c, PROTOCOL_VIOLATION, "not terminated");
            }
        }
    }

    @Nested
    class AfterLogin {
        @Test
        void whenAMessageSaysLengthThreeThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = loggedIn()) {
                c.send(new byte[] {'Q', 0, 0, 0, 3});
                assertRefused(c, PROTOCOL_VIOLATION, "invalid message length 3");
            }
        }

        @Test
        void whenAMessageSaysLengthTwoToTheThirtyFirstMinusOneThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = loggedIn()) {
                c.send(new byte[] {'Q', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 's', 'e', 'l'});
                assertRefused(c, PROTOCOL_VIOLATION, "invalid message length 2147483647");
            }
        }

        @Test
        void whenTheClientSendsABackendOnlyMessageTypeThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = loggedIn()) {
                c.send(WireClient.message('Z', new byte[] {'I'}));
                assertRefused(c, PROTOCOL_VIOLATION, "unknown message type 'Z'");
            }
        }

        @Test
        void whenHttpArrivesOnAnOpenSessionThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = loggedIn()) {
                c.send("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertRefused(c, PROTOCOL_VIOLATION, "invalid message length");
            }
        }

        @Test
        void whenAClientDiesHalfWayThroughAMessageThenItsSessionEndsAndNothingHangs() throws IOException {
            try (WireClient c = loggedIn()) {
                byte[] whole = WireClient.query("select 'never finished'");
                c.send(Arrays.copyOf(whole, 9));
            }
            // @AfterEach: the bystander answers and the dead client's session is gone
        }

        @Test
        void whenAClientDiesHalfWayThroughAMessageInsideATransactionThenTheTransactionIsRolledBack() throws Exception {
            try (WireClient c = loggedIn()) {
                assertOk(c.simpleQuery("begin; create table half_sent (a int)"));
                byte[] whole = WireClient.query("insert into half_sent values (1)");
                c.send(Arrays.copyOf(whole, 12));
            }
            awaitTrue("no server session to be left idle in transaction", () -> serverCount(
                    "select count(*) from pg_stat_activity where datname = 'app' and state like 'idle in transaction%'") == 0);
            assertThat(serverCount("select count(*) from pg_class where relname = 'half_sent'")).isZero();
        }
    }

    @Nested
    class EncryptionRequests {
        @Test
        void whenTheClientAsksForTlsThatIsNotConfiguredThenNAndAPlainLoginWorksOnTheSameSocket() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.untyped(WireClient.int32(WireClient.SSL_REQUEST)));
                assertThat(c.readSingleByte()).isEqualTo('N');
                assertLoginAndQueryWork(c);
            }
        }

        @Test
        void whenTheClientAsksForGssEncryptionThenNAndAPlainLoginWorksOnTheSameSocket() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.untyped(WireClient.int32(WireClient.GSSENC_REQUEST)));
                assertThat(c.readSingleByte()).isEqualTo('N');
                c.send(WireClient.untyped(WireClient.int32(WireClient.SSL_REQUEST)));
                assertThat(c.readSingleByte()).isEqualTo('N');
                assertLoginAndQueryWork(c);
            }
        }

        @Test
        void whenAnSslRequestHasTheWrongLengthThenProtocolViolationAndClose() throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.untyped(WireClient.concat(WireClient.int32(WireClient.SSL_REQUEST), WireClient.int32(0))));
                assertRefused(c, PROTOCOL_VIOLATION, "SSLRequest has the wrong length");
            }
        }

        private void assertLoginAndQueryWork(WireClient c) throws IOException {
            assertLoggedIn(c);
            List<Message> replies = c.simpleQuery("select 'plain ' || 'text'");
            assertOk(replies);
            assertThat(dataRows(replies)).containsExactly(List.of("plain text"));
            c.send(WireClient.terminate());
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Nested
    class CancelRequests {
        private static final String SLEEP = "select pg_sleep(2), 'slept'";

        @Test
        void whenACancelRequestHasTheWrongSecretKeyThenTheRunningQueryCompletesNormally() throws Exception {
            try (WireClient a = WireClient.connect(proxy.port(), Duration.ofSeconds(15))) {
                Login login = assertLoggedIn(a);
                a.send(WireClient.query(SLEEP));
                awaitRunningOnServer(SLEEP);

                sendCancel(login.processId(), login.secretKey() + 1);

                List<Message> replies = a.readUntilReady();
                assertOk(replies);
                assertThat(dataRows(replies)).containsExactly(Arrays.asList("", "slept"));
            }
        }

        @Test
        void whenACancelRequestHasTheRightKeyThenTheRunningQueryIsCancelled() throws Exception {
            // the control for the case above: the same cancel with the right key does cancel
            try (WireClient a = WireClient.connect(proxy.port(), Duration.ofSeconds(15))) {
                Login login = assertLoggedIn(a);
                a.send(WireClient.query(SLEEP));
                awaitRunningOnServer(SLEEP);

                sendCancel(login.processId(), login.secretKey());

                List<Message> replies = a.readUntilReady();
                assertThat(replies).filteredOn(m -> m.type() == 'E').singleElement()
                        .satisfies(e -> assertThat(e.sqlState()).isEqualTo("57014"));
            }
        }

        private void sendCancel(int processId, int secretKey) throws IOException {
            try (WireClient c = client()) {
                c.send(WireClient.cancelRequest(processId, secretKey));
                // the proxy hangs up once it has acted on the request; it never answers one
                assertThat(c.readUntilClosed()).isEmpty();
            }
        }

        private void awaitRunningOnServer(String sql) {
            awaitTrue("\"" + sql + "\" to run on the server", () -> serverCount(
                    "select count(*) from pg_stat_activity where state = 'active' and query = '" + sql.replace("'", "''") + "'") == 1);
        }
    }

    // ---- helpers ----

    private static WireClient client() throws IOException {
        return WireClient.connect(proxy.port(), READ_TIMEOUT);
    }

    private static WireClient loggedIn() throws IOException {
        WireClient c = client();
        assertLoggedIn(c);
        return c;
    }

    private static Login assertLoggedIn(WireClient c) throws IOException {
        Login login = c.loginTrust(RunningSidecar.USER, RunningSidecar.DATABASE);
        assertThat(login.succeeded()).as("trust login: %s", login.error()).isTrue();
        return login;
    }

    /**
     * The proxy's answer to bad input: exactly one FATAL ErrorResponse with {@code sqlState} whose
     * message contains {@code text}, then the connection closed by the proxy.
     */
    private static Message assertRefused(WireClient c, String sqlState, String text) throws IOException {
        List<Message> messages = c.readUntilClosed();
        assertThat(messages).as("messages before close").hasSize(1);
        Message error = messages.getFirst();
        assertThat(error.type()).as("message type of %s", error).isEqualTo('E');
        assertThat(error.sqlState()).as("SQLSTATE of %s", error).isEqualTo(sqlState);
        assertThat(error.severity()).isEqualTo("FATAL");
        assertThat(error.text()).contains(text);
        return error;
    }

    private static void assertOk(List<Message> replies) {
        assertThat(replies).as("replies").noneMatch(m -> m.type() == 'E');
        assertThat(replies.getLast().type()).isEqualTo('Z');
    }

    private static List<List<String>> dataRows(List<Message> replies) {
        return replies.stream().filter(m -> m.type() == 'D').map(Message::columns).toList();
    }

    private static long connectedClients() {
        return Math.round(proxy.sidecar().registry().find("poolkeeper.clients").gauges().stream().mapToDouble(Gauge::value).sum());
    }

    private static long serverCount(String sql) {
        try (Connection c = server.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Polls until {@code condition} holds, failing after 10 seconds. */
    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
