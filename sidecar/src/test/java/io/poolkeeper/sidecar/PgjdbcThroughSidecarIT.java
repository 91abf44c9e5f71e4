package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.localpg.LocalServer;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/** pgjdbc, the driver most JVM applications use, through the sidecar: what works direct must work here. */
@ExtendWith(LocalPostgresExtension.class)
class PgjdbcThroughSidecarIT {
    private static LocalServer server;
    private static RunningSidecar proxy;

    @BeforeAll
    static void start(LocalPostgres pg) {
        server = pg.primary();
        proxy = RunningSidecar.start(server, "pool: {maxSize: 4, minIdle: 1}\n");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void whenClientQueriesThenRowsAndServerVersionComeBack() throws SQLException {
        try (Connection c = proxy.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 41 + 1, 'héllo'::text")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(rs.getString(2)).isEqualTo("héllo");
            assertThat(c.getMetaData().getDatabaseProductVersion()).startsWith("15.");
        }
    }

    @Test
    void whenStatementsArePreparedServerSideThenEveryExecutionIsRightAcrossServerConnections() throws Exception {
        int clients = 8;
        var failures = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
        Thread[] threads = new Thread[clients];
        for (int i = 0; i < clients; i++) {
            int id = i;
            threads[i] = Thread.ofVirtual().start(() -> {
                try (Connection c = proxy.connect("prepareThreshold=1");
                     PreparedStatement ps = c.prepareStatement("select ?::int * " + (id + 1) + ", pg_backend_pid()")) {
                    for (int n = 0; n < 150; n++) {
                        ps.setInt(1, n);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            assertThat(rs.getInt(1)).isEqualTo(n * (id + 1));
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
        }
        for (Thread t : threads) t.join();
        assertThat(failures).isEmpty();
    }

    @Test
    void whenTwoClientsUseTheSameStatementNameForDifferentQueriesThenNeitherSeesTheOther() throws SQLException {
        try (Connection a = proxy.connect("prepareThreshold=1"); Connection b = proxy.connect("prepareThreshold=1");
             PreparedStatement pa = a.prepareStatement("select 'from a'"); PreparedStatement pb = b.prepareStatement("select 'from b', 2")) {
            for (int i = 0; i < 5; i++) {
                try (ResultSet ra = pa.executeQuery(); ResultSet rb = pb.executeQuery()) {
                    ra.next();
                    rb.next();
                    assertThat(ra.getString(1)).isEqualTo("from a");
                    assertThat(rb.getString(1)).isEqualTo("from b");
                }
            }
        }
    }

    @Test
    void whenBatchAndBinaryTypesAreUsedThenValuesRoundTrip() throws SQLException {
        try (Connection c = proxy.connect("prepareThreshold=1&binaryTransfer=true")) {
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists kinds (id int primary key, u uuid, n numeric, t timestamptz, b bytea, a int[])");
                s.execute("truncate kinds");
            }
            UUID uuid = UUID.randomUUID();
            OffsetDateTime when = OffsetDateTime.of(2026, 11, 25, 10, 0, 0, 0, ZoneOffset.UTC);
            try (PreparedStatement ins = c.prepareStatement("insert into kinds values (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 50; i++) {
                    ins.setInt(1, i);
                    ins.setObject(2, uuid);
                    ins.setBigDecimal(3, new BigDecimal("12345.678").add(BigDecimal.valueOf(i)));
                    ins.setObject(4, when.plusSeconds(i));
                    ins.setBytes(5, new byte[] {0, (byte) i, (byte) 255});
                    ins.setArray(6, c.createArrayOf("int4", new Integer[] {i, i + 1}));
                    ins.addBatch();
                }
                int[] counts = ins.executeBatch();
                assertThat(counts).hasSize(50).containsOnly(1);
            }
            try (PreparedStatement q = c.prepareStatement("select u, n, t, b, a from kinds where id = ?")) {
                for (int i : new int[] {0, 17, 49}) {
                    q.setInt(1, i);
                    try (ResultSet rs = q.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getObject(1)).isEqualTo(uuid);
                        assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(new BigDecimal("12345.678").add(BigDecimal.valueOf(i)));
                        assertThat(rs.getObject(3, OffsetDateTime.class).toInstant()).isEqualTo(when.plusSeconds(i).toInstant());
                        assertThat(rs.getBytes(4)).containsExactly(0, (byte) i, (byte) 255);
                        Array a = rs.getArray(5);
                        assertThat((Integer[]) a.getArray()).containsExactly(i, i + 1);
                    }
                }
            }
        }
    }

    @Test
    void whenCopyRunsInBothDirectionsThenAllRowsArrive() throws Exception {
        try (Connection c = proxy.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists copied (id int, name text)");
                s.execute("truncate copied");
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 5000; i++) rows.append(i).append('\t').append("name-").append(i).append('\n');
            long in = copy.copyIn("COPY copied FROM STDIN", new StringReader(rows.toString()));
            assertThat(in).isEqualTo(5000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long outRows = copy.copyOut("COPY (SELECT * FROM copied ORDER BY id) TO STDOUT", out);
            assertThat(outRows).isEqualTo(5000);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(rows.toString());
        }
    }

    @Test
    void whenServerRaisesErrorsAndNoticesThenClientGetsTheServersSqlStateAndTheSessionGoesOn() throws SQLException {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("select * from no_such_table"))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42P01");
            s.execute("do $$ begin raise notice 'hello from the server'; end $$");
            SQLWarning w = s.getWarnings();
            assertThat(w == null ? null : w.getMessage()).contains("hello from the server");
            c.setAutoCommit(false);
            assertThatThrownBy(() -> s.execute("select 1/0")).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22012");
            assertThatThrownBy(() -> s.execute("select 1")).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25P02");
            c.rollback();
            try (ResultSet rs = s.executeQuery("select 7")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        }
    }

    @Test
    void whenAClientWaitsOnAFullPoolThenItGetsTheRowsOnceAConnectionIsFree() throws Exception {
        try (RunningSidecar small = RunningSidecar.start(server, "pool: {maxSize: 1, minIdle: 0}\n");
             Connection holder = small.connect(); Connection waiter = small.connect()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("select 1");
            }
            var result = new java.util.concurrent.CompletableFuture<Integer>();
            Thread.ofVirtual().start(() -> {
                try (Statement s = waiter.createStatement(); ResultSet rs = s.executeQuery("select 5")) {
                    rs.next();
                    result.complete(rs.getInt(1));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            Thread.sleep(300);
            assertThat(result.isDone()).as("the waiter is still queued").isFalse();
            holder.commit();
            assertThat(result.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(5);
        }
    }
}
