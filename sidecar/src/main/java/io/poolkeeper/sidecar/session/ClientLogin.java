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

    private final ProxyContext ctx;
    private final String peer;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean tlsDone;

    ClientLogin(ProxyContext ctx, Socket socket) throws IOException {
        this.ctx = ctx;
        this.socket = socket;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    String peer() {
        return peer;
    }

    OutputStream out() {
        return out;
    }

    Outcome perform() throws IOException, PgError {
        while (true) {
            byte[] packet = readStartupPacket();
            int code = Wire.readInt(packet, 0);
            switch (code) {
                case Msg.SSL_REQUEST -> answerSslRequest(packet);
                case Msg.GSSENC_REQUEST -> {
                    requireLength(packet, 4, "GSSENCRequest");
                    writeRaw('N');
                }
                case Msg.CANCEL_REQUEST -> {
                    requireLength(packet, 12, "CancelRequest");
                    return new Outcome.CancelRequested(Wire.readInt(packet, 4), Wire.readInt(packet, 8));
                }
                default -> {
                    return new Outcome.LoggedIn(startup(code, packet));
                }
            }
        }
    }

    private byte[] readStartupPacket() throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        if (length < 8 || length > MAX_STARTUP_PACKET) {
            throw new ProtocolViolation("invalid startup packet length " + length);
        }
        byte[] packet = new byte[length - 4];
        data.readFully(packet);
        return packet;
    }

    private static void requireLength(byte[] packet, int length, String what) throws ProtocolViolation {
        if (packet.length != length) throw new ProtocolViolation(what + " has the wrong length");
    }

    private void answerSslRequest(byte[] packet) throws IOException {
        requireLength(packet, 4, "SSLRequest");
        if (tlsDone) throw new ProtocolViolation("SSLRequest after TLS was already set up");
        if (ctx.tls() == null) {
            writeRaw('N');
            return;
        }
        if (in.available() > 0) {
            throw new ProtocolViolation("received unencrypted data after SSLRequest");
        }
        writeRaw('S');
        var tlsSocket = ctx.tls().upgrade(socket);
        socket = tlsSocket;
        in = tlsSocket.getInputStream();
        out = tlsSocket.getOutputStream();
        tlsDone = true;
    }

    private void writeRaw(char c) throws IOException {
        out.write(c);
        out.flush();
    }

    private Login startup(int code, byte[] packet) throws IOException, PgError {
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
            PgBuffer b = new PgBuffer();
            Messages.negotiateProtocolVersion(b, NEWEST_MINOR_VERSION, unsupported);
            b.writeTo(out);
        }
        String user = params.remove("user");
        if (user == null || user.isEmpty()) {
            throw PgError.fatal(SqlState.INVALID_AUTHORIZATION, "no PostgreSQL user name specified in startup packet");
        }
        String database = params.remove("database");
        if (database == null || database.isEmpty()) database = user;
        String replication = params.remove("replication");
        if (replication != null && !List.of("false", "off", "no", "0").contains(replication.toLowerCase(Locale.ROOT))) {
            throw PgError.fatal(SqlState.FEATURE_NOT_SUPPORTED, "replication connections are not supported through poolkeeper")
                    .withHint("connect to the server directly for replication");
        }
        if (!database.equals(ctx.config().database())) {
            throw PgError.fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database + "\" does not exist")
                    .withHint("this pool serves database \"" + ctx.config().database() + "\"");
        }
        Map<String, String> settings = sessionSettings(params);
        FrameReader reader = new FrameReader(in, 512, MAX_STARTUP_PACKET);
        authenticate(user, reader);
        reader.setMaxMessageBytes(ctx.config().limits().maxMessageBytes());
        return new Login(socket, in, out, reader, user, peer, settings);
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

    private void authenticate(String user, FrameReader reader) throws IOException, PgError {
        AuthMethod configured = ctx.config().auth().method();
        if (configured == AuthMethod.TRUST) return;
        Optional<UserSecret> secret = ctx.users().find(user);
        Optional<ClientAuthFailure> failure = switch (AuthMethodChoice.forUser(configured, secret)) {
            case MD5 -> md5(user, secret, reader);
            case SCRAM_SHA_256 -> scram(user, secret, reader);
            case TRUST -> Optional.empty();
        };
        if (failure.isPresent()) {
            log.info("client {}: {}", peer, failure.get().logMessage());
            ctx.metrics().authFailed();
            throw PgError.fatal(failure.get().sqlState(), failure.get().clientMessage());
        }
    }

    private Optional<ClientAuthFailure> md5(String user, Optional<UserSecret> secret, FrameReader reader) throws IOException {
        Md5Challenge challenge = Md5Challenge.start(user, secret, ctx.random());
        PgBuffer b = new PgBuffer();
        Messages.authenticationMd5(b, challenge.salt());
        b.writeTo(out);
        return challenge.verify(passwordMessage(reader));
    }

    private Optional<ClientAuthFailure> scram(String user, Optional<UserSecret> secret, FrameReader reader) throws IOException {
        ScramServerExchange exchange = ScramServerExchange.start(user, secret, ctx.random());
        PgBuffer b = new PgBuffer();
        Messages.authenticationSasl(b, "SCRAM-SHA-256");
        b.writeTo(out);

        byte[] initial = passwordMessage(reader);
        int mechEnd = Wire.cstringEnd(initial, 0, initial.length);
        String mechanism = Wire.cstring(initial, 0, mechEnd);
        if (initial.length < mechEnd + 5) throw new ProtocolViolation("SASLInitialResponse too short");
        int dataLength = Wire.readInt(initial, mechEnd + 1);
        byte[] clientFirst = dataLength < 0 ? new byte[0] : Arrays.copyOfRange(initial, mechEnd + 5, Math.min(initial.length, mechEnd + 5 + dataLength));
        ScramServerExchange.Step step = exchange.handleClientFirst(mechanism, clientFirst);
        if (step instanceof ScramServerExchange.Step.Rejected r) return Optional.of(r.failure());
        Messages.authenticationSaslContinue(b, ((ScramServerExchange.Step.Challenge) step).serverFirstMessage());
        b.writeTo(out);

        step = exchange.handleClientFinal(passwordMessage(reader));
        if (step instanceof ScramServerExchange.Step.Rejected r) return Optional.of(r.failure());
        if (!(step instanceof ScramServerExchange.Step.Accepted accepted)) throw new IllegalStateException("SCRAM ended on " + step);
        Messages.authenticationSaslFinal(b, accepted.serverFinalMessage());
        b.writeTo(out);
        return Optional.empty();
    }

    private static byte[] passwordMessage(FrameReader reader) throws IOException {
        if (!reader.next()) throw new EOFException("client left during authentication");
        if (reader.type() != Msg.PASSWORD) {
            throw new ProtocolViolation("expected a password message during authentication, got '" + (char) reader.type() + "'");
        }
        return Arrays.copyOfRange(reader.array(), reader.bodyStart(), reader.bodyStart() + reader.bodyLength());
    }
}
