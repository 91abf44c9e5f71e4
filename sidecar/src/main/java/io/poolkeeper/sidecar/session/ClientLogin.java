package io.poolkeeper.sidecar.session;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.sidecar.auth.AuthMethodChoice;
import io.poolkeeper.sidecar.auth.ClientAuthFailure;
import io.poolkeeper.sidecar.auth.Md5Challenge;
import io.poolkeeper.sidecar.auth.ScramServerExchange;
import io.poolkeeper.sidecar.auth.UserSecret;
import io.poolkeeper.sidecar.protocol.FrameReader;
import io.poolkeeper.sidecar.protocol.Messages;
import io.poolkeeper.sidecar.protocol.Msg;
import io.poolkeeper.sidecar.protocol.PgBuffer;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.ProtocolViolation;
import io.poolkeeper.sidecar.protocol.SqlState;
import io.poolkeeper.sidecar.protocol.Wire;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything before a client's first query: the startup packet (SSLRequest, GSSENCRequest,
 * CancelRequest or a v3 startup), TLS, and authentication against the users file. Ends with
 * AuthenticationOk not yet sent; {@link ClientSession} greets the client.
 *
 * <p>The exchange itself does no I/O: it is fed whole packets and leaves its answers in
 * {@link #reply()}, so an event loop ({@link LoopLogin}) and a blocking thread ({@link #perform})
 * drive the same steps. A thread drives it for a client that asks for TLS (the handshake is
 * SSLSocket's); a loop for everyone else.
 */
final class ClientLogin {
    private static final Logger log = LoggerFactory.getLogger(ClientLogin.class);
    /** PostgreSQL's own cap (MAX_STARTUP_PACKET_LENGTH): a startup packet is small. */
    static final int MAX_STARTUP_PACKET = 10_000;
    private static final int NEWEST_MINOR_VERSION = 0;

    /** A client that has proved who it is. {@code settings}: the session settings its startup asked for. */
    record Login(Socket socket, InputStream in, OutputStream out, FrameReader reader, String user, String peer,
                 Map<String, String> settings) {
        Login withSetting(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(settings);
            more.put(name, value);
            return new Login(socket, in, out, reader, user, peer, more);
        }
    }

    /** What the first packet turned out to be. */
    sealed interface Outcome {
        record LoggedIn(Login login) implements Outcome {}

        record CancelRequested(int processId, int secretKey) implements Outcome {}
    }

    /** What the exchange needs next, once {@link #reply()} has been sent. */
    enum Expect { STARTUP_PACKET, PASSWORD_MESSAGE, TLS_HANDSHAKE, DONE }

    private final ProxyContext ctx;
    private final String peer;
    private final PgBuffer reply = new PgBuffer(256);
    private Expect expect = Expect.STARTUP_PACKET;
    private boolean tlsDone;
    private String user;
    private Map<String, String> settings;
    private Md5Challenge md5;
    private ScramServerExchange scram;
    private Outcome.CancelRequested cancel;

    ClientLogin(ProxyContext ctx, String peer) {
        this.ctx = ctx;
        this.peer = peer;
    }

    String peer() {
        return peer;
    }

    Expect expect() {
        return expect;
    }

    /** Bytes to send the client before reading from it again. */
    PgBuffer reply() {
        return reply;
    }

    /**
     * The proven user and their settings, once {@link #expect()} is DONE for a login (not a cancel),
     * with the reader that read the password messages (null if none was needed), its cap raised.
     */
    Login login(Socket socket, InputStream in, OutputStream out, FrameReader readerSoFar) {
        FrameReader reader = readerSoFar != null ? readerSoFar : loginReader(in);
        reader.setMaxMessageBytes(ctx.config().limits().maxMessageBytes());
        return new Login(socket, in, out, reader, user, peer, settings);
    }

    /** A reader for the messages of the login, kept small until it is over. */
    static FrameReader loginReader(InputStream in) {
        return new FrameReader(in, 512, MAX_STARTUP_PACKET);
    }

    /** The cancel asked for, once {@link #expect()} is DONE; null for a login. */
    Outcome.CancelRequested cancelRequested() {
        return cancel;
    }

    /** True when {@code packet} asks for TLS and this sidecar offers it: only a thread can go on then. */
    boolean wantsTls(byte[] packet) {
        return packet.length == 4 && Wire.readInt(packet, 0) == Msg.SSL_REQUEST && ctx.tls() != null && !tlsDone;
    }

    /**
     * A whole startup-phase packet, its length word taken off.
     * @param sentAhead the client sent more after it (not allowed after an SSLRequest answered 'S')
     */
    void onStartupPacket(byte[] packet, boolean sentAhead) throws ProtocolViolation, PgError {
        if (packet.length < 4) throw new ProtocolViolation("invalid startup packet length " + (packet.length + 4));
        int code = Wire.readInt(packet, 0);
        switch (code) {
            case Msg.SSL_REQUEST -> {
                requireLength(packet, 4, "SSLRequest");
                if (tlsDone) throw new ProtocolViolation("SSLRequest after TLS was already set up");
                if (ctx.tls() == null) {
                    reply.putByte('N');
                    return;
                }
                if (sentAhead) throw new ProtocolViolation("received unencrypted data after SSLRequest");
                reply.putByte('S');
                expect = Expect.TLS_HANDSHAKE;
            }
            case Msg.GSSENC_REQUEST -> {
                requireLength(packet, 4, "GSSENCRequest");
                reply.putByte('N');
            }
            case Msg.CANCEL_REQUEST -> {
                requireLength(packet, 12, "CancelRequest");
                cancel = new Outcome.CancelRequested(Wire.readInt(packet, 4), Wire.readInt(packet, 8));
                expect = Expect.DONE;
            }
            default -> startup(code, packet);
        }
    }

    /** The driver finished the TLS handshake the 'S' promised. */
    void tlsEstablished() {
        tlsDone = true;
        expect = Expect.STARTUP_PACKET;
    }

    /** The reader's current message, read while {@link #expect()} is PASSWORD_MESSAGE. */
    void onPasswordMessage(FrameReader reader) throws ProtocolViolation, PgError {
        if (reader.type() != Msg.PASSWORD) {
            throw new ProtocolViolation("expected a password message during authentication, got '" + (char) reader.type() + "'");
        }
        byte[] body = Arrays.copyOfRange(reader.array(), reader.bodyStart(), reader.bodyStart() + reader.bodyLength());
        Optional<ClientAuthFailure> failure;
        if (md5 != null) {
            failure = md5.verify(body);
            expect = Expect.DONE;
        } else if (scram.isAwaitingClientFirst()) {
            failure = scramFirst(body);
        } else {
            failure = scramFinal(body);
        }
        if (failure.isPresent()) refuse(failure.get());
    }

    /**
     * Drives the exchange on a blocking socket to its end, {@code first} being a startup packet
     * a loop already read (or null). A refusal is told to the client (over TLS once it is set up)
     * before it is thrown.
     */
    Outcome perform(Socket socket, byte[] first) throws IOException, PgError {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        FrameReader reader = null;
        try {
            if (first != null) onStartupPacket(first, in.available() > 0);
            while (true) {
                reply.writeTo(out);
                switch (expect) {
                    case STARTUP_PACKET -> {
                        byte[] packet = readStartupPacket(in);
                        onStartupPacket(packet, in.available() > 0);
                    }
                    case TLS_HANDSHAKE -> {
                        socket = ctx.tls().upgrade(socket);
                        in = socket.getInputStream();
                        out = socket.getOutputStream();
                        tlsEstablished();
                    }
                    case PASSWORD_MESSAGE -> {
                        if (reader == null) reader = loginReader(in);
                        if (!reader.next()) throw new EOFException("client left during authentication");
                        onPasswordMessage(reader);
                    }
                    case DONE -> {
                        Outcome.CancelRequested c = cancelRequested();
                        if (c != null) return c;
                        return new Outcome.LoggedIn(login(socket, in, out, reader));
                    }
                }
            }
        } catch (ProtocolViolation e) {
            ctx.metrics().protocolViolation();
            throw tell(out, PgError.fatal(SqlState.PROTOCOL_VIOLATION, "poolkeeper: " + e.getMessage()));
        } catch (PgError e) {
            throw tell(out, e);
        }
    }

    /** Sends {@code error} to a client on a blocking stream, if it is still there; returns it for throwing. */
    static PgError tell(OutputStream out, PgError error) {
        try {
            PgBuffer b = new PgBuffer(256);
            Messages.errorResponse(b, error);
            b.writeTo(out);
        } catch (IOException ignored) {
            // the client left before hearing why
        }
        return error;
    }

    private static byte[] readStartupPacket(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        checkStartupLength(length);
        byte[] packet = new byte[length - 4];
        data.readFully(packet);
        return packet;
    }

    /** The length word of a startup packet, checked before anything is allocated for it. */
    static void checkStartupLength(int length) throws ProtocolViolation {
        if (length < 8 || length > MAX_STARTUP_PACKET) {
            throw new ProtocolViolation("invalid startup packet length " + length);
        }
    }

    private static void requireLength(byte[] packet, int length, String what) throws ProtocolViolation {
        if (packet.length != length) throw new ProtocolViolation(what + " has the wrong length");
    }

    private void startup(int code, byte[] packet) throws ProtocolViolation, PgError {
        int major = code >>> 16;
        int minor = code & 0xffff;
        if (major != 3) {
            throw PgError.fatal(SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol " + major + "." + minor
                    + ": server supports 3.0 to 3.0");
        }
        Map<String, String> params = startupParameters(packet);
        List<String> unsupported = new ArrayList<>();
        params.keySet().removeIf(name -> name.startsWith("_pq_.") && unsupported.add(name));
        if (minor > 0 || !unsupported.isEmpty()) {
            Messages.negotiateProtocolVersion(reply, NEWEST_MINOR_VERSION, unsupported);
        }
        String name = params.remove("user");
        if (name == null || name.isEmpty()) {
            throw PgError.fatal(SqlState.INVALID_AUTHORIZATION, "no PostgreSQL user name specified in startup packet");
        }
        String database = params.remove("database");
        if (database == null || database.isEmpty()) database = name;
        String replication = params.remove("replication");
        if (replication != null && !List.of("false", "off", "no", "0").contains(replication.toLowerCase(Locale.ROOT))) {
            throw PgError.fatal(SqlState.FEATURE_NOT_SUPPORTED, "replication connections are not supported through poolkeeper")
                    .withHint("connect to the server directly for replication");
        }
        if (!database.equals(ctx.config().database())) {
            throw PgError.fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database + "\" does not exist")
                    .withHint("this pool serves database \"" + ctx.config().database() + "\"");
        }
        this.settings = sessionSettings(params);
        this.user = name;
        authenticate();
    }

    private static Map<String, String> startupParameters(byte[] packet) throws ProtocolViolation {
        Map<String, String> params = new LinkedHashMap<>();
        int p = 4;
        while (p < packet.length && packet[p] != 0) {
            int nameEnd = Wire.cstringEnd(packet, p, packet.length);
            int valueEnd = Wire.cstringEnd(packet, nameEnd + 1, packet.length);
            params.put(Wire.cstring(packet, p, nameEnd), Wire.cstring(packet, nameEnd + 1, valueEnd));
            p = valueEnd + 1;
        }
        if (p >= packet.length) throw new ProtocolViolation("startup packet does not end with a NUL");
        return params;
    }

    /** Startup parameters become session settings; {@code options} may carry more as {@code -c name=value}. */
    private static Map<String, String> sessionSettings(Map<String, String> params) throws PgError {
        Map<String, String> settings = new LinkedHashMap<>();
        String options = params.remove("options");
        params.forEach((name, value) -> settings.put(name.toLowerCase(Locale.ROOT), value));
        if (options != null) settings.putAll(StartupOptions.parse(options));
        return settings;
    }

    private void authenticate() {
        AuthMethod configured = ctx.config().auth().method();
        if (configured == AuthMethod.TRUST) {
            expect = Expect.DONE;
            return;
        }
        Optional<UserSecret> secret = ctx.users().find(user);
        switch (AuthMethodChoice.forUser(configured, secret)) {
            case MD5 -> {
                md5 = Md5Challenge.start(user, secret, ctx.random());
                Messages.authenticationMd5(reply, md5.salt());
                expect = Expect.PASSWORD_MESSAGE;
            }
            case SCRAM_SHA_256 -> {
                scram = ScramServerExchange.start(user, secret, ctx.random());
                Messages.authenticationSasl(reply, "SCRAM-SHA-256");
                expect = Expect.PASSWORD_MESSAGE;
            }
            case TRUST -> expect = Expect.DONE;
        }
    }

    private Optional<ClientAuthFailure> scramFirst(byte[] initial) throws ProtocolViolation {
        int mechEnd = Wire.cstringEnd(initial, 0, initial.length);
        String mechanism = Wire.cstring(initial, 0, mechEnd);
        if (initial.length < mechEnd + 5) throw new ProtocolViolation("SASLInitialResponse too short");
        int dataLength = Wire.readInt(initial, mechEnd + 1);
        byte[] clientFirst = dataLength < 0 ? new byte[0] : Arrays.copyOfRange(initial, mechEnd + 5, Math.min(initial.length, mechEnd + 5 + dataLength));
        ScramServerExchange.Step step = scram.handleClientFirst(mechanism, clientFirst);
        if (step instanceof ScramServerExchange.Step.Rejected r) return Optional.of(r.failure());
        Messages.authenticationSaslContinue(reply, ((ScramServerExchange.Step.Challenge) step).serverFirstMessage());
        return Optional.empty();
    }

    private Optional<ClientAuthFailure> scramFinal(byte[] clientFinal) {
        ScramServerExchange.Step step = scram.handleClientFinal(clientFinal);
        if (step instanceof ScramServerExchange.Step.Rejected r) return Optional.of(r.failure());
        if (!(step instanceof ScramServerExchange.Step.Accepted accepted)) throw new IllegalStateException("SCRAM ended on " + step);
        Messages.authenticationSaslFinal(reply, accepted.serverFinalMessage());
        expect = Expect.DONE;
        return Optional.empty();
    }

    private void refuse(ClientAuthFailure failure) throws PgError {
        log.info("client {}: {}", peer, failure.logMessage());
        ctx.metrics().authFailed();
        throw PgError.fatal(failure.sqlState(), failure.clientMessage());
    }
}
