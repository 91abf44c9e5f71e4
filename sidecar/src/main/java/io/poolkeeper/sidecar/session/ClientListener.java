package io.poolkeeper.sidecar.session;

import io.micrometer.core.instrument.MeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.admin.ClientState;
import io.poolkeeper.sidecar.admin.Events;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.auth.UserList;
import io.poolkeeper.sidecar.route.Routes;
import io.poolkeeper.sidecar.tls.ServerTls;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.SqlState;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts clients and hands each to an event loop for its login ({@link LoopLogin}) and then its
 * {@link ClientSession}, which the loop serves from there whenever the client's socket is plain
 * TCP. A client that asks for TLS logs in on a virtual thread, where SSLSocket does the handshake.
 */
public final class ClientListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientListener.class);

    /** Closing a TLS socket waits for the client's close_notify; a client that never sends one must not hold the thread. */
    private static final int CLOSE_WAIT_MILLIS = 1000;

    /** Ends logins that outlive timeouts.login; one daemon thread for every listener in the process. */
    private static final ScheduledThreadPoolExecutor LOGIN_DEADLINES = loginDeadlines();

    private static ScheduledThreadPoolExecutor loginDeadlines() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("poolkeeper-login-deadline").factory());
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    private final ProxyContext ctx;
    private final SessionRegistry registry;
    private final boolean readOnly;
    private final ServerSocketChannel serverSocket;
    /** The acceptor waits here rather than in accept(), so that a stop can wake it and still take the backlog in. */
    private final Selector acceptSelector;
    private volatile boolean stopping;
    private final EventLoop.Group loops;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clients = new AtomicInteger();
    /** Clients accepted whose login has not ended yet: a drain waits for them as for sessions (they are not in the registry). */
    private final AtomicInteger logins = new AtomicInteger();

    /**
     * Starts accepting clients on {@code config.listen} and, when configured, on
     * {@code config.listenReadOnly}, where every transaction is a read.
     */
    public static Clients start(SidecarConfig config, Routes routes, UserList users, ServerTls tls,
                                ProxyMetrics metrics, MeterRegistry meters) throws IOException {
        ProxyContext ctx = new ProxyContext(config, routes, users, tls, new SessionMetrics(metrics),
                new RoutingMeters(meters, config.database()));
        SessionRegistry registry = new SessionRegistry(() -> ctx.config().timeouts().query());
        EventLoop.Group loops = new EventLoop.Group(config.limits().eventLoopCount(Runtime.getRuntime().availableProcessors()));
        List<ClientListener> listeners = new ArrayList<>();
        try {
            listeners.add(new ClientListener(ctx, registry, loops, config.listenAddress(), false));
            if (config.listenReadOnly() != null) {
                listeners.add(new ClientListener(ctx, registry, loops, Endpoint.parse(config.listenReadOnly()), true));
            }
        } catch (IOException e) {
            for (ClientListener l : listeners) l.close();
            registry.close();
            loops.close();
            throw e;
        }
        return new Clients(ctx, registry, listeners, loops);
    }

    /**
     * Stops accepting new clients; those connected stay, and so do those the kernel had already
     * connected and not yet handed over: they are taken in (and told 57P01 once logged in) rather
     * than reset with the listening socket.
     */
    void stopAccepting() {
        stopping = true;
        acceptSelector.wakeup();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ClientListener(ProxyContext ctx, SessionRegistry registry, EventLoop.Group loops, Endpoint address, boolean readOnly)
            throws IOException {
        this.ctx = ctx;
        this.registry = registry;
        this.loops = loops;
        this.readOnly = readOnly;
        this.serverSocket = ServerSocketChannel.open();
        try {
            serverSocket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverSocket.bind(new InetSocketAddress(address.host(), address.port()), 4096);
        } catch (IOException e) {
            serverSocket.close();
            throw new IOException("listen: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        this.acceptSelector = Selector.open();
        serverSocket.configureBlocking(false);
        serverSocket.register(acceptSelector, SelectionKey.OP_ACCEPT);
        this.acceptor = Thread.ofPlatform().daemon().name("poolkeeper-accept").start(this::acceptLoop);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.socket().getLocalSocketAddress();
    }

    private void acceptLoop() {
        try {
            while (!stopping) {
                acceptSelector.select();
                acceptSelector.selectedKeys().clear();
                acceptPending();
            }
            acceptPending();
        } catch (IOException e) {
            log.warn("accepting clients stopped: {}", e.getMessage());
        } finally {
            closeQuietly(serverSocket);
            closeQuietly(acceptSelector);
        }
    }

    private void acceptPending() {
        while (true) {
            SocketChannel channel;
            try {
                channel = serverSocket.accept();
            } catch (IOException e) {
                log.warn("accept failed: {}", e.getMessage());
                return;
            }
            if (channel == null) return;
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        Socket socket = channel.socket();
        logins.incrementAndGet();
        open.add(socket);
        ctx.metrics().clientConnected();
        try {
            if (clients.incrementAndGet() > ctx.config().limits().maxClientConnections()) {
                // A fresh socket's buffer takes the short refusal without blocking the acceptor.
                ClientLogin.tell(socket.getOutputStream(), PgError.fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already")
                        .withHint("limits.maxClientConnections is " + ctx.config().limits().maxClientConnections()));
                loginEnded(socket);
                return;
            }
            socket.setTcpNoDelay(true);
            channel.configureBlocking(false);
        } catch (IOException e) {
            log.debug("client {} left before its login: {}", socket.getRemoteSocketAddress(), e.toString());
            loginEnded(socket);
            return;
        }
        long deadline = System.nanoTime() + ctx.config().timeouts().login().toNanos();
        EventLoop loop = loops.next();
        LoopLogin login = new LoopLogin(ctx, channel, loop, new LoopLogin.Owner() {
            @Override
            public void loggedIn(ClientLogin.Login in, EventLoop on) {
                loginOnLoopEnded(socket, in, on);
            }

            @Override
            public void continueOnThread(Socket s, ClientLogin exchange, byte[] sslRequest, long deadlineNanos) {
                Thread.ofVirtual().name("poolkeeper-client-tls").start(() -> loginOnThread(s, exchange, sslRequest, deadlineNanos));
            }

            @Override
            public void cancelRequested(ClientLogin.Outcome.CancelRequested cancel) {
                // A cancel opens a connection to the server: not on the loop.
                Thread.ofVirtual().name("poolkeeper-cancel").start(() -> registry.cancel(cancel.processId(), cancel.secretKey()));
                loginEnded(socket);
            }

            @Override
            public void failed() {
                loginEnded(socket);
            }
        }, deadline);
        loop.execute(login::start);
    }

    private void loginOnLoopEnded(Socket socket, ClientLogin.Login login, EventLoop loop) {
        try {
            startSession(socket, login, loop).serveOnLoop();
        } catch (IOException e) {
            log.debug("client {} left during login: {}", login.peer(), e.toString());
            loginEnded(socket);
        }
    }

    /** The rest of a login that asked for TLS, on a virtual thread, and then the session. */
    private void loginOnThread(Socket socket, ClientLogin exchange, byte[] sslRequest, long deadlineNanos) {
        boolean sessionStarted = false;
        try {
            long loginMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, loginMillis));
            ClientLogin.Outcome outcome;
            // The read timeout alone would let a client that sends a byte now and then stay in login
            // for ever; the deadline closes the socket when the whole login has taken too long.
            LoginDeadline deadline = new LoginDeadline(socket);
            ScheduledFuture<?> timer = LOGIN_DEADLINES.schedule(deadline::expire, loginMillis, TimeUnit.MILLISECONDS);
            try {
                outcome = exchange.perform(socket, sslRequest);
                if (!deadline.finish()) throw new SocketTimeoutException("login took longer than timeouts.login");
            } finally {
                deadline.finish();
                timer.cancel(false);
            }
            switch (outcome) {
                case ClientLogin.Outcome.CancelRequested c -> registry.cancel(c.processId(), c.secretKey());
                case ClientLogin.Outcome.LoggedIn in -> {
                    ClientSession session = startSession(socket, in.login(), loops.next());
                    sessionStarted = true;
                    session.serve();
                }
            }
        } catch (PgError e) {
            // perform told the client already, on the stream it had reached
            log.debug("client {} refused: {}", exchange.peer(), e.getMessage());
        } catch (IOException e) {
            log.debug("client {} left during login: {}", socket.getRemoteSocketAddress(), e.toString());
        } finally {
            if (!sessionStarted) loginEnded(socket);
        }
    }

    /** Logins accepted and not yet ended (in a session, refused, or gone). */
    int loginsInProgress() {
        return logins.get();
    }

    private void loginEnded(Socket socket) {
        logins.decrementAndGet();
        closeQuietly(socket);
        clients.decrementAndGet();
        open.remove(socket);
        ctx.metrics().clientDisconnected(ClientState.LOGIN);
    }

    /** The session owns the client from here: its end (on a thread or on a loop) closes the sockets and forgets it. */
    private ClientSession startSession(Socket socket, ClientLogin.Login login, EventLoop loop) throws IOException {
        login.socket().setSoTimeout(0);
        open.add(login.socket());
        Events.connect(login.peer(), login.user());
        ctx.metrics().clientState(ClientState.LOGIN, ClientState.IDLE);
        if (readOnly) login = login.withSetting("default_transaction_read_only", "on");
        Socket clientSocket = login.socket();
        ClientSession session = new ClientSession(ctx, login, registry.newProcessId(), ctx.random().nextInt(), readOnly, loop,
                ended -> {
                    registry.remove(ended);
                    open.remove(clientSocket);
                    open.remove(socket);
                    if (!clientSocket.isClosed()) {
                        try {
                            clientSocket.setSoTimeout(CLOSE_WAIT_MILLIS);
                        } catch (IOException ignored) {
                            // closed meanwhile
                        }
                        closeQuietly(clientSocket);
                    }
                    closeQuietly(socket);
                    clients.decrementAndGet();
                });
        registry.add(session);
        logins.decrementAndGet();
        return session;
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    /** Closes a client's socket if its login has not finished when the deadline comes; once finished, never. */
    private static final class LoginDeadline {
        private final Socket socket;
        private boolean finished;
        private boolean expired;

        LoginDeadline(Socket socket) {
            this.socket = socket;
        }

        synchronized void expire() {
            if (finished) return;
            expired = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed already
            }
        }

        /** Marks the login over; false when the deadline came first. */
        synchronized boolean finish() {
            finished = true;
            return !expired;
        }
    }

    @Override
    public void close() {
        stopAccepting();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the session thread notices and ends
            }
        }
    }
}
