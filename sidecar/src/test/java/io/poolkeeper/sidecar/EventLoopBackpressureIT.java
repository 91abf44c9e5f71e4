package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.sidecar.protocol.WireClient;
import io.poolkeeper.sidecar.protocol.WireClient.Message;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * The event loops never wait on one socket: a client that does not read its (large) result, and
 * a client sending more than the server takes at once, each leave their session waiting in the
 * selector for their socket to drain while every other client, on the same loops, is served; and
 * both get every byte in the end.
 */
@ExtendWith(LocalPostgresExtension.class)
class EventLoopBackpressureIT {
    /** Far more than the kernel buffers between client, proxy and server hold (a few MiB on loopback). */
    private static final int ROWS = 40_000;
    private static final int ROW_BYTES = 1000;

    private static LocalServer server;
    private static RunningSidecar proxy;

    @BeforeAll
    static void start(LocalPostgres pg) throws SQLException {
        server = pg.primary();
        proxy = RunningSidecar.start(server, "auth: {method: trust}\npool: {maxSize: 4, minIdle: 1}\n");
        try (Connection c = server.connect("app"); Statement s = c.createStatement()) {
            s.execute("create table if not exists copied_in (id int, pad text)");
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void whenAClientDoesNotReadItsLargeResultThenOthersAreServedMeanwhileAndItGetsEveryRowLater() throws Exception {
        try (WireClient slow = WireClient.connect(proxy.port(), Duration.ofSeconds(30))) {
            assertThat(slow.loginTrust(RunningSidecar.USER, RunningSidecar.DATABASE).succeeded()).isTrue();
            slow.send(WireClient.query("select i, repeat('x', " + ROW_BYTES + ") from generate_series(1, " + ROWS + ") i"));

            // 8 clients (spread over the same loops as the slow one) each run 200 statements while it reads nothing.
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<Integer>> others = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                others.add(pool.submit(() -> {
                    int done = 0;
                    try (Connection conn = proxy.connect(); Statement s = conn.createStatement()) {
                        for (int i = 0; i < 200; i++) {
                            try (ResultSet rs = s.executeQuery("select " + i)) {
                                rs.next();
                                if (rs.getInt(1) == i) done++;
                            }
                        }
                    }
                    return done;
                }));
            }
            for (Future<Integer> f : others) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).as("statements answered beside the slow reader").isEqualTo(200);
            }
            pool.close();

            int rows = 0;
            String last = null;
            for (Message m : slow.readUntilReady()) {
                if (m.type() == 'D') {
                    rows++;
                    last = m.columns().get(0);
                }
                assertThat(m.type()).as("no error in the slow reader's result").isNotEqualTo('E');
            }
            assertThat(rows).as("rows the slow reader got").isEqualTo(ROWS);
            assertThat(last).isEqualTo(String.valueOf(ROWS));
        }
    }

    @Test
    void whenAClientCopiesInMoreThanTheServerTakesAtOnceThenEveryRowArrives() throws Exception {
        StringBuilder data = new StringBuilder(ROWS * (ROW_BYTES + 10));
        String pad = "y".repeat(ROW_BYTES);
        for (int i = 1; i <= ROWS; i++) data.append(i).append('\t').append(pad).append('\n');
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("truncate copied_in");
            Reader in = new StringReader(data.toString());
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY copied_in FROM STDIN", in);
            assertThat(copied).isEqualTo(ROWS);
            try (ResultSet rs = s.executeQuery("select count(*), sum(id), min(length(pad)) from copied_in")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(ROWS);
                assertThat(rs.getLong(2)).isEqualTo((long) ROWS * (ROWS + 1) / 2);
                assertThat(rs.getInt(3)).isEqualTo(ROW_BYTES);
            }
        }
    }
}
