package io.poolkeeper.sidecar;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny PostgreSQL server for tests that need a server to misbehave: it logs anyone in
 * (AuthenticationOk and the ParameterStatus values pgjdbc insists on), answers the simple and
 * extended protocol well enough for pgjdbc, HikariCP and the sidecar's probe ({@code select
 * 'text'} returns that text, {@code show ...} and other selects a row, anything else a command
 * tag), and on a simple Query whose text names one of the {@link Misbehaviour}s, sends that
 * malformed reply instead. It counts logins and the connections its peer closed.
 */
final class FakePgServer implements AutoCloseable {
    /** The malformed replies, each chosen by a simple Query containing its {@link #trigger()}. */
    enum Misbehaviour {
        /** An ErrorResponse with severity and message but no SQLSTATE ('C') field, then ReadyForQuery. */
        ERROR_WITHOUT_SQLSTATE,
        /** A DataRow whose length is right for its bytes but whose column count promises a column it lacks. */
        SHORT_DATA_ROW,
        /** A message of a type the protocol does not have ('!') in the middle of a result. */
        UNKNOWN_MESSAGE_TYPE,
        /** A DataRow header saying 1000 bytes, 10 of them sent, then silence with the connection open. */
        TRUNCATED_THEN_SILENT,
        /** The same truncated DataRow, then the connection closed. */
        TRUNCATED_THEN_CLOSED,
        /** No answer at all, the connection left open: a hung backend. */
        NO_ANSWER;

        String trigger() {
            return "misbehave_" + name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern SELECT_TEXT = Pattern.compile("(?is)^\\s*select\\s+'([^']*)'.*");

    private final ServerSocket listener;
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final AtomicInteger cancels = new AtomicInteger();
    private final AtomicInteger pids = new AtomicInteger(1000);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    FakePgServer() {
        try {
            listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().daemon().name("fake-pg-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Completed startups so far: each is a new server connection. */
    int logins() {
        return logins.get();
    }

    /** Connections that ended because the peer closed them. */
    int closedByPeer() {
        return closedByPeer.get();
    }

    int cancels() {
        return cancels.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) throw new UncheckedIOException(e);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            if (!startup(in, out)) return;
            new Connection(in, out, socket).run();
        } catch (IOException e) {
            // the peer went away; counted where it matters
        } finally {
            open.remove(socket);
        }
    }

    /** Reads startup packets; false for a CancelRequest (or an end), which gets no session. */
    private boolean startup(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            int length = in.readInt();
            byte[] packet = new byte[length - 4];
            in.readFully(packet);
            int code = readInt(packet, 0);
            if (code == 80877103 || code == 80877104) { // SSLRequest, GSSENCRequest
                out.write('N');
                out.flush();
                continue;
            }
            if (code == 80877102) { // CancelRequest: taken, never acted on (this server cannot interrupt itself)
                cancels.incrementAndGet();
                return false;
            }
            break;
        }
        message(out, 'R', int32(0));
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("server_version", "15.4");
        params.put("server_encoding", "UTF8");
        params.put("client_encoding", "UTF8");
        params.put("DateStyle", "ISO, MDY");
        params.put("IntervalStyle", "postgres");
        params.put("integer_datetimes", "on");
        params.put("standard_conforming_strings", "on");
        params.put("TimeZone", "UTC");
        params.put("is_superuser", "on");
        params.put("session_authorization", "postgres");
        params.put("application_name", "");
        for (var e : params.entrySet()) message(out, 'S', concat(cstring(e.getKey()), cstring(e.getValue())));
        message(out, 'K', concat(int32(pids.incrementAndGet()), int32(42)));
        message(out, 'Z', new byte[] {'I'});
        out.flush();
        logins.incrementAndGet();
        return true;
    }

    private final class Connection {
        private final DataInputStream in;
        private final OutputStream out;
        private final Socket socket;
        private final Map<String, String> statements = new HashMap<>();
        private final Map<String, String> portals = new HashMap<>();

        Connection(DataInputStream in, OutputStream out, Socket socket) {
            this.in = in;
            this.out = out;
            this.socket = socket;
        }

        void run() throws IOException {
            while (true) {
                int type = in.read();
                if (type < 0) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                byte[] body = new byte[in.readInt() - 4];
                in.readFully(body);
                switch (type) {
                    case 'Q' -> {
                        String sql = text(body, 0);
                        if (!misbehave(sql)) {
                            result(sql, true);
                            message(out, 'Z', new byte[] {'I'});
                            out.flush();
                        }
                    }
                    case 'P' -> {
                        int nameEnd = nul(body, 0);
                        statements.put(text(body, 0), text(body, nameEnd + 1));
                        message(out, '1', new byte[0]);
                    }
                    case 'B' -> {
                        int portalEnd = nul(body, 0);
                        portals.put(text(body, 0), statements.getOrDefault(text(body, portalEnd + 1), ""));
                        message(out, '2', new byte[0]);
                    }
                    case 'D' -> {
                        String sql = body[0] == 'S' ? statements.getOrDefault(text(body, 1), "") : portals.getOrDefault(text(body, 1), "");
                        if (body[0] == 'S') message(out, 't', new byte[] {0, 0});
                        describe(sql);
                    }
                    case 'E' -> result(portals.getOrDefault(text(body, 0), ""), false);
                    case 'C' -> message(out, '3', new byte[0]);
                    case 'S' -> {
                        message(out, 'Z', new byte[] {'I'});
                        out.flush();
                    }
                    case 'H' -> out.flush();
                    case 'X' -> {
                        return;
                    }
                    default -> throw new IOException("fake server got message type " + (char) type);
                }
            }
        }

        /** The malformed reply {@code sql} asks for, if any; true when one was sent. */
        private boolean misbehave(String sql) throws IOException {
            Misbehaviour m = null;
            for (Misbehaviour candidate : Misbehaviour.values()) if (sql.contains(candidate.trigger())) m = candidate;
            if (m == null) return false;
            switch (m) {
                case ERROR_WITHOUT_SQLSTATE -> {
                    message(out, 'E', concat(new byte[] {'S'}, cstring("ERROR"), new byte[] {'M'}, cstring("something failed"), new byte[] {0}));
                    message(out, 'Z', new byte[] {'I'});
                    out.flush();
                }
                case SHORT_DATA_ROW -> {
                    rowDescription(List.of("v"), 25);
                    message(out, 'D', concat(new byte[] {0, 2}, int32(3), "abc".getBytes(StandardCharsets.UTF_8)));
                    message(out, 'C', cstring("SELECT 1"));
                    message(out, 'Z', new byte[] {'I'});
                    out.flush();
                }
                case UNKNOWN_MESSAGE_TYPE -> {
                    rowDescription(List.of("v"), 25);
                    message(out, '!', "abc".getBytes(StandardCharsets.UTF_8));
                    message(out, 'C', cstring("SELECT 0"));
                    message(out, 'Z', new byte[] {'I'});
                    out.flush();
                }
                case TRUNCATED_THEN_SILENT, TRUNCATED_THEN_CLOSED -> {
                    rowDescription(List.of("v"), 25);
                    out.write('D');
                    out.write(int32(1000));
                    out.write(new byte[] {0, 1, 0, 0, 0, 100, 'a', 'b', 'c', 'd'});
                    out.flush();
                    if (m == Misbehaviour.TRUNCATED_THEN_CLOSED) {
                        socket.close();
                        return true;
                    }
                    drainUntilClosed();
                }
                case NO_ANSWER -> drainUntilClosed();
            }
            return true;
        }

        /** Reads and ignores whatever comes until the peer closes: a server that stopped answering. */
        private void drainUntilClosed() throws IOException {
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // ignored
            }
            closedByPeer.incrementAndGet();
            throw new IOException("closed by peer");
        }

        private void describe(String sql) throws IOException {
            Shape s = shape(sql);
            if (s.columns().isEmpty()) message(out, 'n', new byte[0]);
            else rowDescription(s.columns(), s.types());
        }

        private void result(String sql, boolean withDescription) throws IOException {
            Shape s = shape(sql);
            if (sql.isBlank()) {
                message(out, 'I', new byte[0]);
                return;
            }
            if (!s.columns().isEmpty()) {
                if (withDescription) rowDescription(s.columns(), s.types());
                ByteArrayOutputStream row = new ByteArrayOutputStream();
                row.writeBytes(new byte[] {0, (byte) s.values().size()});
                for (String v : s.values()) {
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    row.writeBytes(int32(b.length));
                    row.writeBytes(b);
                }
                message(out, 'D', row.toByteArray());
                message(out, 'C', cstring(s.tag()));
            } else {
                message(out, 'C', cstring(s.tag()));
            }
        }

        private void rowDescription(List<String> names, int... types) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(new byte[] {0, (byte) names.size()});
            for (int i = 0; i < names.size(); i++) {
                int type = types[Math.min(i, types.length - 1)];
                b.writeBytes(cstring(names.get(i)));
                b.writeBytes(int32(0));
                b.writeBytes(new byte[] {0, 0});
                b.writeBytes(int32(type));
                int len = switch (type) {
                    case 16 -> 1;
                    case 20 -> 8;
                    case 23 -> 4;
                    default -> -1;
                };
                b.writeBytes(new byte[] {(byte) (len >> 8), (byte) len});
                b.writeBytes(int32(-1));
                b.writeBytes(new byte[] {0, 0});
            }
            message(out, 'T', b.toByteArray());
        }
    }

    /** What a statement returns: columns with type OIDs and one row, or none and a command tag. */
    private record Shape(List<String> columns, int[] types, List<String> values, String tag) {}

    private static Shape shape(String sql) {
        String s = sql.strip().toLowerCase(Locale.ROOT);
        if (s.contains("pg_is_in_recovery")) {
            return new Shape(List.of("pg_is_in_recovery", "lsn", "timeline"), new int[] {16, 20, 23}, List.of("f", "100", "1"), "SELECT 1");
        }
        if (s.startsWith("show")) return new Shape(List.of("v"), new int[] {25}, List.of(s.contains("isolation") ? "read committed" : "on"), "SHOW");
        if (s.startsWith("select")) {
            Matcher m = SELECT_TEXT.matcher(sql);
            return new Shape(List.of("v"), new int[] {25}, List.of(m.matches() ? m.group(1) : "1"), "SELECT 1");
        }
        String word = s.isEmpty() ? "" : s.split("[\\s;]+")[0].toUpperCase(Locale.ROOT);
        return new Shape(List.of(), new int[0], List.of(), word);
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    // ---- encoding ----

    private static void message(OutputStream out, char type, byte[] body) throws IOException {
        out.write(type);
        out.write(int32(body.length + 4));
        out.write(body);
    }

    private static int nul(byte[] b, int from) {
        int i = from;
        while (b[i] != 0) i++;
        return i;
    }

    private static String text(byte[] b, int from) {
        return new String(b, from, nul(b, from) - from, StandardCharsets.UTF_8);
    }

    static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    static byte[] cstring(String s) {
        return concat(s.getBytes(StandardCharsets.UTF_8), new byte[] {0});
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }
}
