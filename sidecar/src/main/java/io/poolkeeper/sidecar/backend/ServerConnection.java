package io.poolkeeper.sidecar.backend;

import io.poolkeeper.sidecar.protocol.ErrorFields;
import io.poolkeeper.sidecar.protocol.FrameReader;
import io.poolkeeper.sidecar.protocol.Messages;
import io.poolkeeper.sidecar.protocol.Msg;
import io.poolkeeper.sidecar.protocol.PgBuffer;
import io.poolkeeper.sidecar.protocol.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * One physical server connection as the proxy sees it: pgjdbc's socket, TLS or plain (used directly only while
 * the connection is borrowed and at a ReadyForQuery boundary, so pgjdbc always finds it idle), the
 * statements prepared on it, and the session settings applied to it.
 *
 * <p>Touched only by the session that has it borrowed, under that session's lock.
 */
public final class ServerConnection {
    private static final int READ_BUFFER = 16 * 1024;

    private final long id;
    private final PGConnection pg;
    private final Socket socket;
    private final boolean tls;
    private final OutputStream out;
    private final FrameReader reader;
    private final Set<String> prepared = new HashSet<>();
    private final Map<String, String> baseline;
    private final Map<String, String> settings;
    private final SocketChannel channel;
    private int uses;
    private Object syncedTo;
    /** HikariCP asked for a validation on an event loop, which must not wait on the server: the borrower does it. */
    private volatile boolean validationDue;

    ServerConnection(long id, PGConnection pg, CapturingSocketFactory.Captured sockets, int maxMessageBytes) throws IOException {
        this.id = id;
        this.pg = pg;
        // Aborting closes the TCP socket under any TLS: closing a TLS socket would first try to say goodbye to a server that may hang.
        this.socket = sockets.plain();
        this.tls = sockets.tls() != null;
        this.channel = tls ? null : sockets.plain().getChannel();
        this.out = sockets.streams().getOutputStream();
        InputStream in = sockets.streams().getInputStream();
        this.reader = new FrameReader(in, READ_BUFFER, maxMessageBytes);
        this.baseline = StartupSettings.of(pg);
        this.settings = new HashMap<>(baseline);
    }

    public long id() {
        return id;
    }

    /** True when the connection to the server is encrypted. */
    public boolean tls() {
        return tls;
    }

    /** The plain connection's channel, for an event loop to serve while the connection is leased; null over TLS. */
    public SocketChannel channel() {
        return channel;
    }

    public FrameReader reader() {
        return reader;
    }

    public OutputStream out() {
        return out;
    }

    /** Server-side names of the statements prepared (or being prepared) on this connection. */
    public Set<String> prepared() {
        return prepared;
    }

    /** The session settings in force on this connection, by name, as last set through the proxy. */
    public Map<String, String> settings() {
        return settings;
    }

    public Map<String, String> baselineSettings() {
        return baseline;
    }

    /** The client settings snapshot {@link #settings()} was last brought to; null when unknown. */
    public Object syncedTo() {
        return syncedTo;
    }

    public void syncedTo(Object snapshot) {
        this.syncedTo = snapshot;
    }

    /** Counts one more transaction; true when the connection has now served {@code maxUses} (0: no limit). */
    public boolean countUse(int maxUses) {
        uses++;
        return maxUses > 0 && uses >= maxUses;
    }

    /** True when counting one more use would reach {@code maxUses} ({@link #countUse}; 0: no limit). */
    public boolean oneMoreUseUsesUp(int maxUses) {
        return maxUses > 0 && uses + 1 >= maxUses;
    }

    /** Asks the server to cancel what this connection is running (pgjdbc's own cancel request). */
    public void cancel() throws SQLException {
        pg.cancelQuery();
    }

    /**
     * Shuts the connection down under pgjdbc: a read waiting on it, on a thread or in an event
     * loop's selector, sees the end of the stream at once, and the server sees the client go, so
     * it rolls back; the pool then discards it. Not a close, which an event loop would not notice.
     */
    public void abort() {
        try {
            socket.shutdownInput();
        } catch (IOException ignored) {
            // shut or gone already: either way nothing more comes in
        }
        try {
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // shut or gone already: either way nothing more goes out
        }
    }

    void deferValidation() {
        validationDue = true;
    }

    public boolean isValidationDue() {
        return validationDue;
    }

    /** True (once) when HikariCP's validation of this connection was put off by an event loop. */
    public boolean takeDueValidation() {
        if (!validationDue) return false;
        validationDue = false;
        return true;
    }

    /** HikariCP's test of a connection idle for a while: pgjdbc's isValid, bounded by {@code seconds}. */
    public boolean validate(int seconds) {
        try {
            return ((Connection) pg).isValid(seconds);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Bounds every read on this connection ({@code 0}: none), for the proxy's own cleanup queries. */
    public void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Sends a Sync and reads up to its ReadyForQuery: ends an extended-protocol error's skip. Returns the transaction status. */
    public byte sync() throws IOException {
        out.write(new byte[] {Msg.SYNC, 0, 0, 0, 4});
        out.flush();
        while (reader.next()) {
            if (reader.type() == Msg.READY_FOR_QUERY) return reader.array()[reader.bodyStart()];
        }
        throw new IOException("server closed the connection during a Sync");
    }

    public String describe() {
        return "server connection #" + id + " to " + socket.getRemoteSocketAddress() + (tls ? " (TLS)" : "");
    }

    /**
     * Runs one simple query of the proxy's own (settings, cleanup) and reads it to ReadyForQuery.
     * Returns the first row's text columns, or the server's error; never touches client bytes.
     */
    public InternalResult runInternal(String sql) throws IOException {
        PgBuffer q = new PgBuffer(sql.length() + 16);
        Messages.query(q, sql);
        q.writeTo(out);
        List<String> firstRow = null;
        ErrorFields error = null;
        while (reader.next()) {
            byte type = reader.type();
            byte[] b = reader.array();
            int at = reader.bodyStart();
            if (type == Msg.DATA_ROW && firstRow == null) {
                firstRow = dataRow(b, at);
            } else if (type == Msg.ERROR_RESPONSE && error == null) {
                error = ErrorFields.parse(b, at, reader.bodyLength());
            } else if (type == Msg.READY_FOR_QUERY) {
                return new InternalResult(firstRow == null ? List.of() : firstRow, error, b[at]);
            }
        }
        throw new IOException("server closed the connection during an internal query");
    }

    private static List<String> dataRow(byte[] b, int at) {
        int columns = Wire.readShort(b, at);
        int p = at + 2;
        List<String> row = new ArrayList<>(columns);
        for (int i = 0; i < columns; i++) {
            int len = Wire.readInt(b, p);
            p += 4;
            if (len < 0) {
                row.add(null);
            } else {
                row.add(new String(b, p, len, StandardCharsets.UTF_8));
                p += len;
            }
        }
        return row;
    }

    /** The outcome of {@link #runInternal}: the first row, the error if any, the transaction status after it. */
    public record InternalResult(List<String> firstRow, ErrorFields error, byte status) {
        public boolean ok() {
            return error == null && status == 'I';
        }
    }

    /** Settings pgjdbc put in the startup packet: what RESET ALL and DISCARD ALL return the connection to. */
    private static final class StartupSettings {
        static Map<String, String> of(PGConnection pg) {
            Map<String, String> reported = pg.getParameterStatuses();
            Map<String, String> out = new HashMap<>();
            for (String name : List.of("client_encoding", "DateStyle", "TimeZone", "application_name")) {
                String v = reported.get(name);
                if (v != null) out.put(name, v);
            }
            out.put("extra_float_digits", "3");
            return out;
        }
    }

}
