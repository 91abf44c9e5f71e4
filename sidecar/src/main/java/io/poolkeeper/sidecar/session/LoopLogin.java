package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.protocol.FrameReader;
import io.poolkeeper.sidecar.protocol.Messages;
import io.poolkeeper.sidecar.protocol.PgBuffer;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.ProtocolViolation;
import io.poolkeeper.sidecar.protocol.SqlState;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's login on an event loop: its startup packets and password messages are read as they
 * arrive and answered by {@link ClientLogin}, and no thread is held meanwhile (a thread per new
 * client cost a pgbench {@code -C} run more CPU than PgBouncer's whole login). A client that asks
 * for TLS goes on on a thread, where SSLSocket does the handshake. The login deadline is watched by
 * the loop.
 */
final class LoopLogin implements EventLoop.Deadline {
    private static final Logger log = LoggerFactory.getLogger(LoopLogin.class);

    /** Where a login on the loop goes when it ends; each is called at most once, and only one of them. */
    interface Owner {
        /** Logged in: on the loop, with the channel still registered there for read. */
        void loggedIn(ClientLogin.Login login, EventLoop loop);

        /** The client asked for TLS: a thread goes on from the SSLRequest, with the time left of the deadline. */
        void continueOnThread(Socket socket, ClientLogin exchange, byte[] sslRequest, long deadlineNanos);

        void cancelRequested(ClientLogin.Outcome.CancelRequested cancel);

        /** The login failed or the client left; the channel is closed. */
        void failed();
    }

    private final ProxyContext ctx;
    private final ClientLogin exchange;
    private final SocketChannel channel;
    private final EventLoop loop;
    private final Owner owner;
    private final long deadlineNanos;
    private final ByteBuffer lengthWord = ByteBuffer.allocate(4);
    /** The body of the startup packet while it arrives. */
    private ByteBuffer packet;
    /** Password messages; then the session's reader, with what the client may have sent after. */
    private FrameReader reader;
    private SelectionKey key;
    private boolean over;

    LoopLogin(ProxyContext ctx, SocketChannel channel, EventLoop loop, Owner owner, long deadlineNanos) {
        this.ctx = ctx;
        this.channel = channel;
        this.loop = loop;
        this.owner = owner;
        this.deadlineNanos = deadlineNanos;
        this.exchange = new ClientLogin(ctx, String.valueOf(channel.socket().getRemoteSocketAddress()));
    }

    /** On the loop: takes the (non-blocking) channel into the selector and reads what is there. */
    void start() {
        try {
            key = loop.register(channel, SelectionKey.OP_READ, this::step);
        } catch (IOException e) {
            end();
            return;
        }
        loop.watch(this);
        step();
    }

    private void step() {
        if (over) return;
        try {
            while (true) {
                if (!exchange.reply().writeTo(channel)) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                switch (exchange.expect()) {
                    case STARTUP_PACKET -> {
                        byte[] p = readStartupPacket();
                        if (p == null) {
                            key.interestOps(SelectionKey.OP_READ);
                            return;
                        }
                        if (exchange.wantsTls(p)) {
                            toThread(p);
                            return;
                        }
                        // Bytes sent ahead matter only after an SSLRequest answered 'S', which a thread handles.
                        exchange.onStartupPacket(p, false);
                    }
                    case PASSWORD_MESSAGE -> {
                        if (reader == null) reader = ClientLogin.loginReader(channel.socket().getInputStream());
                        if (!reader.nextBuffered()) {
                            int n = reader.fill(channel);
                            if (n < 0) throw new EOFException("client left during authentication");
                            if (n == 0) {
                                key.interestOps(SelectionKey.OP_READ);
                                return;
                            }
                            continue;
                        }
                        exchange.onPasswordMessage(reader);
                    }
                    case DONE -> {
                        finish();
                        return;
                    }
                    case TLS_HANDSHAKE -> throw new IllegalStateException("TLS is set up on a thread, not on the loop");
                }
            }
        } catch (ProtocolViolation e) {
            ctx.metrics().protocolViolation();
            refuse(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "poolkeeper: " + e.getMessage()));
        } catch (PgError e) {
            refuse(e);
        } catch (IOException | CancelledKeyException e) {
            log.debug("client {} left during login: {}", exchange.peer(), e.toString());
            end();
        }
    }

    /** The next whole startup packet without its length word, or null until it has all arrived. */
    private byte[] readStartupPacket() throws IOException {
        if (packet == null) {
            if (channel.read(lengthWord) < 0) throw new EOFException("client left before its startup packet");
            if (lengthWord.hasRemaining()) return null;
            int length = lengthWord.getInt(0);
            ClientLogin.checkStartupLength(length);
            packet = ByteBuffer.allocate(length - 4);
        }
        if (channel.read(packet) < 0) throw new EOFException("client left inside its startup packet");
        if (packet.hasRemaining()) return null;
        byte[] whole = packet.array();
        packet = null;
        lengthWord.clear();
        return whole;
    }


    private void finish() throws IOException {
        over = true;
        ClientLogin.Outcome.CancelRequested cancel = exchange.cancelRequested();
        if (cancel != null) {
            close();
            owner.cancelRequested(cancel);
            return;
        }
        Socket socket = channel.socket();
        owner.loggedIn(exchange.login(socket, socket.getInputStream(), socket.getOutputStream(), reader), loop);
    }

    private void toThread(byte[] sslRequest) {
        over = true;
        loop.deregister(key, () -> {
            try {
                channel.configureBlocking(true);
            } catch (IOException e) {
                close();
                owner.failed();
                return;
            }
            owner.continueOnThread(channel.socket(), exchange, sslRequest, deadlineNanos);
        });
    }

    /** Tells the client why, if its socket takes the message at once, and ends the login. */
    private void refuse(PgError error) {
        PgBuffer b = new PgBuffer(256);
        Messages.errorResponse(b, error);
        try {
            b.writeTo(channel);
        } catch (IOException ignored) {
            // the client left before hearing why
        }
        end();
    }

    private void end() {
        over = true;
        close();
        owner.failed();
    }

    private void close() {
        if (key != null) key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    /** The login deadline: a client that has not finished by then is cut off, however it trickles its bytes. */
    @Override
    public boolean check(long nowNanos) {
        if (over) return true;
        if (nowNanos - deadlineNanos < 0) return false;
        log.debug("client {}: login took longer than timeouts.login", exchange.peer());
        end();
        return true;
    }
}
