package io.poolkeeper.sidecar.protocol;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-side PostgreSQL frontend at the byte level: encodes startup-style packets and typed
 * messages (well-formed or not), sends raw bytes, and reads the backend's messages back. It
 * shares no code with the proxy's own encoders, so a test built on it checks the proxy against
 * the protocol as written, not against itself.
 */
public final class WireClient implements AutoCloseable {
    public static final int PROTOCOL_3_0 = 3 << 16;
    public static final int SSL_REQUEST = 80877103;
    public static final int GSSENC_REQUEST = 80877104;
    public static final int CANCEL_REQUEST = 80877102;

    /** One backend message: its type byte and its body (without type and length). */
    public record Message(char type, byte[] body) {
        /** For an ErrorResponse or NoticeResponse: field code to value, e.g. 'C' to the SQLSTATE. */
        public Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int p = 0;
            while (p < body.length && body[p] != 0) {
                char code = (char) body[p++];
                int end = p;
                while (body[end] != 0) end++;
                fields.put(code, new String(body, p, end - p, StandardCharsets.UTF_8));
                p = end + 1;
            }
            return fields;
        }

        public String sqlState() {
            return fields().get('C');
        }

        public String severity() {
            return fields().get('V');
        }

        public String text() {
            return fields().get('M');
        }

        /** For a DataRow: the columns as text (null for SQL NULL). */
        public List<String> columns() {
            int count = readShort(body, 0);
            List<String> out = new ArrayList<>(count);
            int p = 2;
            for (int i = 0; i < count; i++) {
                int len = readInt(body, p);
                p += 4;
                out.add(len < 0 ? null : new String(body, p, len, StandardCharsets.UTF_8));
                if (len > 0) p += len;
            }
            return out;
        }

        @Override
        public String toString() {
            return type == 'E' || type == 'N' ? type + fields().toString() : type + "(" + body.length + " bytes)";
        }
    }

    /** What a login ended with: the key a CancelRequest needs, or the error that refused it. */
    public record Login(int processId, int secretKey, Message error) {
        public boolean succeeded() {
            return error == null;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}; every read gives up after {@code readTimeout}. */
    public static WireClient connect(int port, Duration readTimeout) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) readTimeout.toMillis());
        return new WireClient(s);
    }

    // ---- encoding (static, so unit tests can build bytes without a socket) ----

    /** A startup-style packet: length, then the body as given. */
    public static byte[] untyped(byte[] body) {
        return concat(int32(body.length + 4), body);
    }

    /** A v3 (or other version) StartupMessage with the given parameters. */
    public static byte[] startupPacket(int protocol, Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(int32(protocol));
        params.forEach((k, v) -> {
            body.writeBytes(cstring(k));
            body.writeBytes(cstring(v));
        });
        body.write(0);
        return untyped(body.toByteArray());
    }

    public static byte[] cancelRequest(int processId, int secretKey) {
        return untyped(concat(int32(CANCEL_REQUEST), int32(processId), int32(secretKey)));
    }

    /** A typed message with its correct length. */
    public static byte[] message(char type, byte[] body) {
        return concat(new byte[] {(byte) type}, int32(body.length + 4), body);
    }

    public static byte[] query(String sql) {
        return message('Q', cstring(sql));
    }

    public static byte[] sync() {
        return message('S', new byte[0]);
    }

    public static byte[] terminate() {
        return message('X', new byte[0]);
    }

    public static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    public static byte[] cstring(String s) {
        return concat(s.getBytes(StandardCharsets.UTF_8), new byte[] {0});
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    // ---- talking ----

    public WireClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends a v3 StartupMessage for {@code user} and {@code database}. */
    public WireClient sendStartup(String user, String database) throws IOException {
        return send(startupPacket(PROTOCOL_3_0, Map.of("user", user, "database", database)));
    }

    /**
     * Sends a v3 StartupMessage and reads to the first ReadyForQuery, for a proxy that trusts
     * its clients; a refused login comes back as the ErrorResponse.
     */
    public Login loginTrust(String user, String database) throws IOException {
        sendStartup(user, database);
        return readLogin();
    }

    /** Reads the rest of a login: authentication, parameters and key data up to ReadyForQuery or an error. */
    public Login readLogin() throws IOException {
        int processId = 0;
        int secretKey = 0;
        while (true) {
            Message m = read();
            switch (m.type()) {
                case 'R' -> {
                    if (readInt(m.body(), 0) != 0) throw new IllegalStateException("the proxy asked for a password; start it with auth: {method: trust}");
                }
                case 'K' -> {
                    processId = readInt(m.body(), 0);
                    secretKey = readInt(m.body(), 4);
                }
                case 'E' -> {
                    return new Login(0, 0, m);
                }
                case 'Z' -> {
                    return new Login(processId, secretKey, null);
                }
                default -> {
                    // ParameterStatus, NegotiateProtocolVersion, notices: nothing to keep
                }
            }
        }
    }

    /** Sends a simple Query and returns every message up to and including its ReadyForQuery. */
    public List<Message> simpleQuery(String sql) throws IOException {
        send(query(sql));
        return readUntilReady();
    }

    /** Reads every message up to and including the next ReadyForQuery. */
    public List<Message> readUntilReady() throws IOException {
        List<Message> replies = new ArrayList<>();
        Message m;
        do {
            m = read();
            replies.add(m);
        } while (m.type() != 'Z');
        return replies;
    }

    /** Reads one byte that is not a message (the answer to SSLRequest or GSSENCRequest). */
    public char readSingleByte() throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("the proxy closed the connection instead of answering");
        return (char) b;
    }

    /** Reads one whole backend message. */
    public Message read() throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        if (length < 4 || length > 64 << 20) throw new IOException("backend sent message '" + (char) type + "' with length " + length);
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message((char) type, body);
    }

    /**
     * Reads what the proxy still sends until it closes the connection, and returns those
     * messages. A reset counts as closed: a peer that closes with unread bytes from us in its
     * socket buffer resets the connection, as PostgreSQL itself does after a FATAL error.
     *
     * @throws SocketTimeoutException when the connection is still open after the read timeout
     */
    public List<Message> readUntilClosed() throws IOException {
        List<Message> messages = new ArrayList<>();
        try {
            while (true) {
                int type = in.read();
                if (type < 0) return messages;
                int length = in.readInt();
                byte[] body = new byte[Math.max(0, length - 4)];
                in.readFully(body);
                messages.add(new Message((char) type, body));
            }
        } catch (EOFException e) {
            return messages;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) return messages;
            throw e;
        }
    }

    /** Closes our end without saying goodbye, as a crashed client would. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    static int readShort(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
