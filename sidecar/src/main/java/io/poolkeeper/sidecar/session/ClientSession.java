package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.admin.ClientState;
import io.poolkeeper.sidecar.admin.Events;
import io.poolkeeper.sidecar.admin.RetireReason;
import io.poolkeeper.sidecar.backend.Lease;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.backend.ServerConnection;
import io.poolkeeper.sidecar.health.ProbeResult;
import io.poolkeeper.sidecar.health.ServerState;
import io.poolkeeper.sidecar.protocol.ErrorFields;
import io.poolkeeper.sidecar.protocol.FrameReader;
import io.poolkeeper.sidecar.protocol.Messages;
import io.poolkeeper.sidecar.protocol.Msg;
import io.poolkeeper.sidecar.protocol.PgBuffer;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.ProtocolViolation;
import io.poolkeeper.sidecar.protocol.SqlState;
import io.poolkeeper.sidecar.protocol.Wire;
import io.poolkeeper.sidecar.route.ReadContext;
import io.poolkeeper.sidecar.route.StatementClassifier;
import io.poolkeeper.sidecar.session.ReplyTracker.Kind;
import io.poolkeeper.sidecar.session.ReplyTracker.Reply;
import io.poolkeeper.sidecar.session.SessionStateScanner.Effects;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logged-in client in transaction pooling: it borrows a server connection when the client
 * first needs one, forwards frames unchanged (renaming prepared statements on the way), and gives
 * the connection back at the ReadyForQuery that ends the transaction. It reads the server only
 * when the server owes an answer it will send (a Query, Sync or Flush is out) and the client has
 * nothing more to say, which is PostgreSQL's own flow control, so a client that works against a
 * server works here.
 *
 * <p>Two drivers run the same steps ({@link #advance}): an {@link EventLoop} serves a plain TCP
 * client and a plain server connection without blocking, which is the common path; a virtual
 * thread serves the session, blocking, whenever a step must wait (for a free connection, for the
 * proxy's own settings or cleanup queries, for a connection HikariCP wants validated, over TLS),
 * and gives it back to the loop once the client is between transactions again. Only one of them
 * has the session at a time, and each hands it to the other through a queue.
 */
final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    private static final int MAX_PREPARED_PER_SERVER = 1000;
    private static final int IDLE_BUFFER = 8 * 1024;
    /** How long rolling back and cleaning a connection a client left behind may take before the connection is dropped. */
    private static final int CLEANUP_TIMEOUT_MILLIS = 5000;
    /**
     * A statement past the query timeout whose server has not answered the cancel this long after
     * it (at least; a query timeout longer than this is used instead) is cut off: its server
     * connection is closed, as a hung or unreachable server would otherwise hold the client forever.
     */
    private static final long MIN_CANCEL_GRACE_NANOS = 2_000_000_000L;

    private final ProxyContext ctx;
    private final ClientLogin.Login login;
    private final OutputStream out;
    private final FrameReader reader;
    private final PgBuffer toClient = new PgBuffer();
    private final PgBuffer toServer = new PgBuffer();
    private final ReplyTracker replies = new ReplyTracker();
    private final PreparedStatements statements = new PreparedStatements();
    private final SessionSettings settings;
    private final ExtendedMessages extended;
    private final Object leaseLock = new Object();
    final int processId;
    final int secretKey;

    private final ReadContext readContext = new ReadContext();
    private final boolean readOnlyListener;
    /** Volatile for the query-timeout watchdog, which may cut the leased connection off; changed under {@link #leaseLock}. */
    private volatile Lease lease;
    private ServerState leasedServer;
    private boolean leaseIsWrite;
    private long leasedAtNanos;
    private String lastStatement;
    private ClientState state = ClientState.IDLE;
    private volatile boolean serverBusy;
    private volatile boolean drainRequested;
    private volatile long progressNanos;
    /**
     * True from sending the server something it will answer until it has answered all of it; false
     * while a client idles inside a transaction or feeds a COPY, when nothing runs on the server.
     * What the query timeout watches.
     */
    private volatile boolean awaitingServer;
    /** When the statement now running started: the send that woke the server, or the end of the statement before it. */
    private long statementStartNanos;
    private volatile boolean timeoutCancelSent;
    private volatile boolean cutOff;
    /** The leased server sent something PostgreSQL never sends (an error without SQLSTATE): retire it at release. */
    private boolean serverMisbehaved;
    private byte txStatus = 'I';
    private boolean copyIn;
    private boolean discardUntilSync;
    /** The server had an error in the extended protocol and skips messages until a Sync we have not sent yet. */
    private boolean serverSkipsToSync;

    /** The client's channel when an event loop can serve it (plain TCP); null for a TLS client, which a thread serves. */
    private final SocketChannel channel;
    private final EventLoop loop;
    private final Consumer<ClientSession> ended;
    /** True while the event loop has the session: its sockets are non-blocking and no step may wait. */
    private boolean onLoop;
    private SelectionKey clientKey;
    private SelectionKey serverKey;
    private boolean greeted;
    /** Borrowed on the loop, but a thread must use it first (settings to apply, a validation put off, TLS). */
    private ProxyContext.Borrowed unsettled;
    /** The wait for a connection this session is in on the loop, for the loop to watch its deadline. */
    private PoolWait poolWait;
    /** The wait for a connection ended without one: the message that needed it is answered with this. */
    private PgError refusedBorrow;
    /** The read's servers in order, chosen on the loop for a borrow a thread goes on with. */
    private List<ServerState> pendingReadOrder;
    /** The current client message needed to wait on the loop: a thread handles it again. */
    private boolean redispatch;
    /** The transaction ended: the connection goes back once it is off the loop's selector (and cleaned, on a thread if that takes a query). */
    private boolean releasePending;
    /**
     * On the loop, a peer was just written to and has not been read since: its answer cannot be
     * there yet, so the loop waits for the selector instead of trying a read that would find nothing.
     */
    private boolean serverAnswerDue;
    private boolean clientAnswerDue;
    /** The client's key fired while the session waited on something else: it sent ahead, or hung up. */
    private boolean clientSpoke;
    /** The same for the leased connection's key while the session waited on the client: the server spoke unasked, or hung up. */
    private boolean serverSpoke;
    private final EventLoop.Handler serverReady = this::onServerReady;
    private Wait waitingFor;

    ClientSession(ProxyContext ctx, ClientLogin.Login login, int processId, int secretKey, boolean readOnlyListener,
                  EventLoop loop, Consumer<ClientSession> ended) {
        this.ctx = ctx;
        this.readOnlyListener = readOnlyListener;
        this.login = login;
        this.out = login.out();
        this.reader = login.reader();
        this.settings = new SessionSettings(login.settings());
        this.extended = new ExtendedMessages(reader);
        this.processId = processId;
        this.secretKey = secretKey;
        this.loop = loop;
        this.ended = ended;
        this.channel = loop == null || login.socket() instanceof SSLSocket ? null : login.socket().getChannel();
    }

    String user() {
        return login.user();
    }

    /** Greets the client and serves it until it leaves, on this thread and the event loop; never throws. */
    void serve() {
        runOnThread();
    }

    /** The same for a client that logged in on the loop: called there, with its channel in the loop's selector. */
    void serveOnLoop() {
        attachToLoop();
    }

    /** Runs the session's steps here, blocking, until it ends or the event loop can take it. */
    private void runOnThread() {
        if (step() != Wait.LOOP) {
            finish();
            return;
        }
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            log.debug("client {} gone: {}", login.peer(), e.toString());
            finish();
            return;
        }
        loop.execute(this::attachToLoop);
    }

    private void attachToLoop() {
        try {
            clientKey = loop.register(channel, SelectionKey.OP_READ, this::onClientReady);
        } catch (IOException e) {
            log.debug("client {} gone: {}", login.peer(), e.toString());
            finish();
            return;
        }
        onLoop = true;
        onReady();
    }

    private void onClientReady() {
        if (waitingFor == Wait.POOL) {
            // Waiting for a connection, the session reads nothing from the client (as on a thread);
            // the wait's end (a connection, its timeout, a retry) steps the session on.
            interest(0, 0);
            return;
        }
        clientSpoke = waitingFor != Wait.CLIENT && waitingFor != Wait.CLIENT_WRITE;
        onReady();
    }

    private void onServerReady() {
        serverSpoke = waitingFor != Wait.SERVER && waitingFor != Wait.SERVER_WRITE;
        onReady();
    }

    /** On the loop: runs the steps that need no waiting, then tells the selector what the session waits for. */
    private void onReady() {
        if (!onLoop) return;
        Wait w = step();
        waitingFor = w;
        int quietClient = quietClientInterest();
        switch (w) {
            case CLIENT -> interest(SelectionKey.OP_READ, quietServerInterest());
            case CLIENT_WRITE -> interest(SelectionKey.OP_WRITE, 0);
            case SERVER -> interest(quietClient, SelectionKey.OP_READ);
            case SERVER_WRITE -> interest(quietClient, SelectionKey.OP_WRITE);
            case DETACH_SERVER -> {
                interest(quietClient, 0);
                if (serverKey.isValid()) loop.deregister(serverKey, this::serverDetached);
            }
            case THREAD -> leaveLoop(this::runOnThread);
            case POOL -> {
                interest(quietClient, 0);
                loop.watch(poolWait);
                poolWait = null;
            }
            case DONE, LOOP -> {
                if (lease == null && unsettled == null) {
                    clientKey.cancel();
                    onLoop = false;
                    finish();
                } else {
                    leaveLoop(this::finish);
                }
            }
        }
    }

    /**
     * What the client's key asks for while the session waits on something else. It stays on read,
     * as a client that waits for its answer never becomes readable meanwhile, so the selector is
     * not touched twice per transaction; a client that does send ahead (or hangs up) makes it fire,
     * and it is then switched off until the session reads the client again.
     */
    private int quietClientInterest() {
        boolean spoke = clientSpoke;
        clientSpoke = false;
        if (!clientKey.isValid()) return 0;
        int current = clientKey.interestOps();
        return spoke || current != SelectionKey.OP_READ ? 0 : SelectionKey.OP_READ;
    }

    /**
     * What the leased connection's key asks for while the session waits on its client, inside a
     * transaction: the same as {@link #quietClientInterest()} from the other side. It stays on read,
     * so a transaction of many statements does not touch the selector at each one.
     */
    private int quietServerInterest() {
        boolean spoke = serverSpoke;
        serverSpoke = false;
        if (serverKey == null || !serverKey.isValid()) return 0;
        return spoke || serverKey.interestOps() != SelectionKey.OP_READ ? 0 : SelectionKey.OP_READ;
    }

    private void interest(int clientOps, int serverOps) {
        try {
            clientKey.interestOps(clientOps);
            if (serverKey != null) serverKey.interestOps(serverOps);
        } catch (CancelledKeyException e) {
            // a socket closed under the session (shutdown, a cut-off server): the next step finds out
        }
    }

    /** On the loop, once the leased connection's channel is off the selector: it may be given back now. */
    private void serverDetached() {
        serverKey = null;
        try {
            lease.server().channel().configureBlocking(true);
        } catch (IOException e) {
            serverMisbehaved = true;
        }
        onReady();
    }

    /**
     * Hands the session to a new virtual thread once the loop's selector has let its sockets go
     * (a connection borrowed but not used yet is still registered when the loop had kept it).
     */
    private void leaveLoop(Runnable onThread) {
        onLoop = false;
        SelectionKey server = serverKey;
        serverKey = null;
        if (server != null) server.cancel();
        SocketChannel notUsed = unsettled == null ? null : unsettled.lease().server().channel();
        SelectionKey notUsedKey = notUsed == null ? null : loop.keyFor(notUsed);
        if (notUsedKey != null) notUsedKey.cancel();
        loop.deregister(clientKey, () -> {
            try {
                channel.configureBlocking(true);
                if (lease != null && lease.server().channel() != null) lease.server().channel().configureBlocking(true);
                if (notUsed != null) notUsed.configureBlocking(true);
            } catch (IOException e) {
                log.debug("client {}: {}", login.peer(), e.toString());
            }
            Thread.ofVirtual().name("poolkeeper-client-" + processId).start(onThread);
        });
    }

    /** Called once, by whichever driver has the session as it ends; blocking when a connection is still held. */
    private void finish() {
        try {
            leaveServer();
        } finally {
            ctx.metrics().clientDisconnected(state);
            ended.accept(this);
        }
    }

    /** Runs the session's steps as far as they go; a failure is told to the client and ends the session. */
    private Wait step() {
        try {
            return advance();
        } catch (ProtocolViolation e) {
            log.info("client {}: protocol violation: {}", login.peer(), e.getMessage());
            ctx.metrics().protocolViolation();
            sendFatal(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "poolkeeper: " + e.getMessage()));
        } catch (Drained e) {
            sendFatal(shuttingDown());
        } catch (ServerLost e) {
            log.warn("client {}: {}", login.peer(), e.getMessage());
            if (leasedServer != null) leasedServer.breaker().recordFailure();
            sendFatal(PgError.fatal(SqlState.CONNECTION_FAILURE, "poolkeeper: " + e.getMessage()));
            // Told; now let it go before giving the server connection back, which may wait on a cancel still in flight.
            closeClient();
        } catch (IOException e) {
            log.debug("client {} gone: {}", login.peer(), e.toString());
        } catch (PgError e) {
            sendFatal(e);
        } catch (RuntimeException e) {
            log.error("client {}: {}", login.peer(), e.toString(), e);
            sendFatal(PgError.fatal(SqlState.INTERNAL_ERROR, "poolkeeper: internal error: " + e));
            closeClient();
        }
        return Wait.DONE;
    }

    /** Where the steps stopped: what the session waits for next, that a thread must go on, or that it is over. */
    private enum Wait { CLIENT, CLIENT_WRITE, SERVER, SERVER_WRITE, DETACH_SERVER, POOL, THREAD, LOOP, DONE }

    private void moveTo(ClientState next) {
        ctx.metrics().clientState(state, next);
        state = next;
    }

    private void greet() throws IOException, PgError {
        if (ctx.draining()) throw shuttingDown();
        Messages.authenticationOk(toClient);
        Messages.parameterStatuses(toClient, ctx.parametersFor(settings.desired()));
        Messages.backendKeyData(toClient, processId, secretKey);
        Messages.readyForQuery(toClient, (byte) 'I');
    }

    /**
     * The session's steps, up to the first that would wait: on the loop it then returns what it
     * waits for; on a thread it waits (reads and writes block) and returns only at the end, or
     * when the loop can take the session back.
     */
    private Wait advance() throws IOException, PgError {
        if (!greeted) {
            // The first client ever asks the server for its parameters, a blocking borrow.
            if (onLoop && !ctx.parametersKnown()) return Wait.THREAD;
            greeted = true;
            greet();
        }
        while (true) {
            if (releasePending) {
                // A key already cancelled is on its way off the selector (DETACH_SERVER, and the client spoke meanwhile).
                if (serverKey != null && serverKey.isValid() && keepOnLoop()) continue;
                if (serverKey != null) return Wait.DETACH_SERVER;
                if (onLoop && cleanupNeedsQuery()) return Wait.THREAD;
                releasePending = false;
                finishRelease();
                continue;
            }
            if (replies.serverWillAnswer() && !copyIn && !reader.hasBufferedMessage()) {
                if (!flushToServer()) return Wait.SERVER_WRITE;
                FrameReader r = lease.server().reader();
                if (!nextServerMessage(r)) {
                    if (onLoop && serverAnswerDue) {
                        serverAnswerDue = false;
                        return Wait.SERVER;
                    }
                    if (fillServer(r) == 0) return Wait.SERVER;
                    continue;
                }
                onServerMessage(r.type(), r);
                while (lease != null && !releasePending && nextServerMessage(r)) onServerMessage(r.type(), r);
                if (replies.isEmpty()) awaitingServer = false;
                if (!releasePending && !flushToClient()) return Wait.CLIENT_WRITE;
                continue;
            }
            if (!reader.hasBufferedMessage()) {
                if (!flushToServer()) return Wait.SERVER_WRITE;
                if (!flushToClient()) return Wait.CLIENT_WRITE;
            }
            if (!redispatch && !reader.nextBuffered()) {
                if (!onLoop && loopCanTakeOver()) return Wait.LOOP;
                if (onLoop && clientAnswerDue) {
                    clientAnswerDue = false;
                    return Wait.CLIENT;
                }
                int n = onLoop ? reader.fill(channel) : reader.fill();
                if (n == 0) return Wait.CLIENT;
                if (n < 0) {
                    if (reader.unreadBytes() > 0) throw new EOFException("connection closed inside a message");
                    if (drainRequested) throw new Drained();
                    return Wait.DONE;
                }
                continue;
            }
            redispatch = false;
            try {
                if (!dispatch(reader.type())) return Wait.DONE;
            } catch (Suspend e) {
                redispatch = true;
                return e.wait;
            }
        }
    }

    /** Between transactions, with nothing left to send, a plain client can wait on the loop instead of a thread. */
    private boolean loopCanTakeOver() {
        return channel != null && lease == null && unsettled == null && !releasePending && toClient.isEmpty();
    }

    /** Handles one client message; false when the client said goodbye. */
    private boolean dispatch(byte type) throws IOException, PgError {
        if (discardUntilSync && type != Msg.SYNC && type != Msg.TERMINATE) return true;
        switch (type) {
            case Msg.QUERY -> onQuery();
            case Msg.PARSE -> onParse();
            case Msg.BIND -> onBind();
            case Msg.DESCRIBE -> onDescribe();
            case Msg.EXECUTE -> forward(Reply.EXECUTE);
            case Msg.CLOSE -> onClose();
            case Msg.SYNC -> onSync();
            case Msg.FLUSH -> onFlush();
            case Msg.COPY_DATA, Msg.COPY_DONE, Msg.COPY_FAIL -> onCopyData(type);
            case Msg.FUNCTION_CALL -> forward(Reply.QUERY);
            case Msg.TERMINATE -> { return false; }
            default -> throw new ProtocolViolation("unknown message type '" + (char) type + "' (0x" + Integer.toHexString(type & 0xff) + ")");
        }
        return true;
    }

    private void onQuery() throws IOException {
        String sql = extended.queryText();
        Effects effects = SessionStateScanner.scan(sql);
        if (effects.has(Effects.LISTEN)) {
            answerError(listenUnsupported());
            answerReadyLocally();
            return;
        }
        if (!borrowServer(false, sql)) return;
        lastStatement = sql;
        settings.record(effects);
        forward(Reply.QUERY);
    }

    private void onParse() throws IOException {
        ExtendedMessages.ParseMessage parse = extended.parse();
        if (parse.effects().has(Effects.LISTEN)) {
            failExtended(listenUnsupported());
            return;
        }
        if (parse.name().isEmpty()) {
            if (!borrowServer(true, parse.query())) return;
            lastStatement = parse.query();
            settings.record(parse.effects());
            forward(Reply.PARSE_UNNAMED);
            return;
        }
        if (statements.contains(parse.name())) {
            failExtended(PgError.error(SqlState.DUPLICATE_PREPARED_STATEMENT, "prepared statement \"" + parse.name() + "\" already exists"));
            return;
        }
        if (lease == null) {
            // Outside a transaction a named statement needs no server yet: it is prepared where its
            // first Bind runs. So a client that prepares and waits (pgbench's PQprepare) holds no
            // connection, and a bad statement reports its error at that Bind instead.
            statements.defineUnconfirmed(parse.name(), parse.query(), parse.effects(), reader.array(), parse.bodyFrom(), parse.bodyTo());
            answerLocally(ExtendedMessages.PARSE_COMPLETE);
            return;
        }
        PreparedStatements.Statement s = statements.define(parse.name(), parse.query(), parse.effects(), reader.array(), parse.bodyFrom(), parse.bodyTo());
        ServerConnection server = lease.server();
        if (server.prepared().add(s.serverName())) {
            replies.expect(Reply.parse(s.serverName(), false));
            Messages.parse(toServer, s.serverName(), s.parseBody());
        } else {
            answerLocally(ExtendedMessages.PARSE_COMPLETE);
        }
    }

    private void onBind() throws IOException {
        ExtendedMessages.Target target = extended.bindTarget();
        PreparedStatements.Statement s = target.name().isEmpty() ? null : statements.get(target.name());
        if (!borrowServer(true, s == null ? null : s.query())) return;
        if (s == null) {
            forward(Reply.BIND);
            return;
        }
        lastStatement = s.query();
        settings.record(s.effects());
        prepareOnServer(s);
        replies.expect(Reply.BIND);
        extended.writeRenamed(toServer, target, s.serverName());
    }

    private void onDescribe() throws IOException {
        ExtendedMessages.Target target = extended.describeTarget();
        PreparedStatements.Statement s = target.isStatement() && !target.name().isEmpty() ? statements.get(target.name()) : null;
        if (!borrowServer(true, s == null ? null : s.query())) return;
        if (!target.isStatement()) {
            forward(Reply.DESCRIBE_PORTAL);
            return;
        }
        if (s == null) {
            forward(Reply.DESCRIBE_STATEMENT);
            return;
        }
        prepareOnServer(s);
        replies.expect(Reply.DESCRIBE_STATEMENT);
        extended.writeRenamed(toServer, target, s.serverName());
    }

    private void onClose() throws IOException {
        ExtendedMessages.Target target = extended.closeTarget();
        if (target.isStatement() && !target.name().isEmpty()) {
            statements.remove(target.name());
            answerLocally(ExtendedMessages.CLOSE_COMPLETE);
        } else if (lease != null) {
            forward(Reply.CLOSE);
        } else {
            answerLocally(ExtendedMessages.CLOSE_COMPLETE);
        }
    }

    private void onSync() throws IOException {
        discardUntilSync = false;
        if (lease != null) {
            forward(Reply.SYNC);
        } else {
            answerReadyLocally();
        }
    }

    private void onFlush() {
        if (lease != null && !replies.isEmpty()) {
            replies.flushRequested();
            forwardUnanswered();
        }
    }

    private void onCopyData(byte type) {
        if (lease == null) return;
        forwardUnanswered();
        if (type != Msg.COPY_DATA) copyIn = false;
    }

    /** Re-prepares {@code s} on the borrowed connection when it lacks it; the client never sees that ParseComplete. */
    private void prepareOnServer(PreparedStatements.Statement s) {
        if (lease.server().prepared().add(s.serverName())) {
            replies.expect(Reply.parse(s.serverName(), true));
            Messages.parse(toServer, s.serverName(), s.parseBody());
        }
    }

    private void forward(Reply reply) throws IOException {
        if (!borrowServer(reply.kind() != Kind.QUERY, null)) return;
        replies.expect(reply);
        forwardUnanswered();
    }

    private void forwardUnanswered() {
        toServer.putBytes(reader.array(), reader.messageStart(), reader.messageLength());
    }

    /**
     * Makes sure a server connection is borrowed and carries this client's settings: from a
     * replica when the transaction's first statement ({@code routingSql}) certainly only reads
     * (or the client came in on the read-only listener), from the primary otherwise. When none
     * can be had, answers the current message with the error and returns false.
     */
    private boolean borrowServer(boolean extendedMessage, String routingSql) throws IOException {
        if (lease != null) return true;
        if (drainRequested || ctx.draining()) throw new Drained();
        boolean read = readOnlyListener
                || (ctx.routes().splitReads() && routingSql != null && StatementClassifier.isRead(routingSql));
        long waitStart = System.nanoTime();
        PgError refused = refusedBorrow;
        refusedBorrow = null;
        if (refused != null) {
            moveTo(ClientState.IDLE);
            answerBorrowError(refused, extendedMessage);
            return false;
        }
        ProxyContext.Borrowed b = unsettled;
        unsettled = null;
        List<ServerState> readOrder = pendingReadOrder;
        pendingReadOrder = null;
        if (b == null && read && readOrder == null) readOrder = ctx.readOrder(readContext);
        if (b == null && onLoop) {
            b = ctx.borrowNow(read, readOrder, loop.shelf());
            if (b != null && b.lease() == null) b = awaitOnLoop(b.server(), read);
            if (b == null) {
                pendingReadOrder = readOrder;
                throw Suspend.THREAD;
            }
        }
        if (b == null) {
            moveTo(ClientState.WAITING);
            try {
                b = ctx.borrow(read, readOrder);
            } catch (PgError e) {
                moveTo(ClientState.IDLE);
                answerBorrowError(e, extendedMessage);
                return false;
            }
        }
        Lease borrowed = b.lease();
        ServerState server = b.server();
        if (onLoop && (borrowed.server().channel() == null || borrowed.server().isValidationDue()
                || settings.applyStatement(borrowed.server()) != null)) {
            unsettled = b;
            throw Suspend.THREAD;
        }
        if (!borrowed.passesDueValidation()) {
            borrowed.discard();
            server.returned();
            server.breaker().recordFailure();
            server.metrics().retired(RetireReason.BROKEN);
            return borrowServer(extendedMessage, routingSql);
        }
        try {
            applySettings(borrowed.server());
        } catch (IOException | PgError e) {
            borrowed.discard();
            server.returned();
            server.breaker().recordFailure();
            moveTo(ClientState.IDLE);
            server.metrics().retired(RetireReason.BROKEN);
            throw e instanceof PgError pe ? new ServerLost(pe.getMessage()) : new ServerLost("lost the server connection while applying settings: " + e.getMessage());
        }
        synchronized (leaseLock) {
            lease = borrowed;
        }
        leasedServer = server;
        leaseIsWrite = !read && server == ctx.routes().topology().primary();
        leasedAtNanos = System.nanoTime();
        Events.acquire(login.peer(), server.endpoint(), (leasedAtNanos - waitStart) / 1000);
        moveTo(ClientState.ACTIVE);
        if (onLoop) attachServer();
        return true;
    }

    private void answerBorrowError(PgError e, boolean extendedMessage) {
        if (extendedMessage) {
            failExtended(e);
        } else {
            answerError(e);
            answerReadyLocally();
        }
    }

    /**
     * The pool of {@code server} has no connection idle: waits on the loop for the next one given
     * back or opened (suspending the session), or returns null when a thread must borrow instead
     * (one came back idle just as this session joined the queue, or the server left the config).
     */
    private ProxyContext.Borrowed awaitOnLoop(ServerState server, boolean read) {
        PoolWait w = new PoolWait(server, read);
        if (!server.pool().awaitOnLoop(w)) return null;
        if (server.pool().hasIdle() && server.pool().stopWaiting(w)) return null;
        poolWait = w;
        moveTo(ClientState.WAITING);
        throw Suspend.POOL;
    }

    /** Takes the leased connection's channel into the loop's selector, non-blocking, until the transaction ends. */
    private void attachServer() throws ServerLost {
        try {
            SocketChannel server = lease.server().channel();
            server.configureBlocking(false);
            // Read from the start: a connection the loop kept is registered so already, and keeps its registration.
            serverKey = loop.register(server, SelectionKey.OP_READ, serverReady);
        } catch (IOException e) {
            throw new ServerLost("lost the server connection (" + lease.server().describe() + "): " + e.getMessage());
        }
    }

    private void applySettings(ServerConnection server) throws IOException, PgError {
        String sql = settings.applyStatement(server);
        if (sql == null) return;
        ServerConnection.InternalResult r = server.runInternal(sql);
        if (!r.ok()) {
            throw PgError.fatal(SqlState.PROTOCOL_VIOLATION, "poolkeeper: cannot apply this session's settings on a server connection: "
                    + (r.error() != null ? r.error().message() : "unexpected transaction state"));
        }
        settings.applied(server);
    }

    /** The server's next whole message, if buffered; a frame no server sends means the connection is out of step. */
    private boolean nextServerMessage(FrameReader r) throws ServerLost {
        try {
            return r.nextBuffered();
        } catch (ProtocolViolation e) {
            throw new ServerLost("lost the server connection (" + lease.server().describe() + "): " + e.getMessage());
        }
    }

    /** Reads what the server sent (on a thread, waiting for it); 0 when nothing has come yet. */
    private int fillServer(FrameReader r) throws ServerLost {
        int n;
        try {
            n = onLoop ? r.fill(lease.server().channel()) : r.fill();
        } catch (IOException e) {
            throw serverLost(e.getMessage());
        }
        if (n < 0) throw serverLost(null);
        return n;
    }

    private ServerLost serverLost(String why) {
        if (cutOff) {
            return new ServerLost("the statement ran past timeouts.query and " + lease.server().describe()
                    + " did not answer its cancel; the server connection was closed");
        }
        if (why == null) return new ServerLost("the server closed the connection (" + lease.server().describe() + ")");
        return new ServerLost("lost the server connection (" + lease.server().describe() + "): " + why);
    }

    private void onServerMessage(byte type, FrameReader r) throws IOException {
        emitLocalReplies();
        Reply head = replies.head();
        switch (type) {
            case Msg.NOTICE_RESPONSE, Msg.NOTIFICATION_RESPONSE, Msg.PARAMETER_STATUS -> passOn(r, head);
            case Msg.ERROR_RESPONSE -> {
                ctx.metrics().serverError();
                ErrorFields fields = ErrorFields.parse(r.array(), r.bodyStart(), r.bodyLength());
                if (fields.sqlState() == null || fields.severity() == null) {
                    // PostgreSQL always sends both: this server is not speaking the protocol as it should.
                    if (!serverMisbehaved) log.warn("client {}: {} sent an ErrorResponse without {}; it will be retired", login.peer(),
                            lease.server().describe(), fields.sqlState() == null ? "SQLSTATE" : "severity");
                    serverMisbehaved = true;
                }
                if (Events.queryErrorsLogged()) Events.queryError(login.peer(), leasedServer.endpoint(), fields.sqlState());
                passOn(r, null);
                copyIn = false;
                if (head != null && head.endsOnError()) {
                    forgetPrepared(replies.pop());
                    replies.dropUntilSync(this::forgetPrepared);
                    if (replies.isEmpty()) {
                        // No Sync is on its way: the server now ignores everything up to one, and so
                        // must we, or a Query or FunctionCall sent meanwhile would wait for an answer
                        // that never comes (PostgreSQL's own rule for its clients).
                        discardUntilSync = true;
                        serverSkipsToSync = true;
                    }
                }
            }
            case Msg.READY_FOR_QUERY -> {
                if (head == null || !head.endsWith(type)) throw unexpected(type, head);
                serverSkipsToSync = false;
                txStatus = r.array()[r.bodyStart()];
                copyIn = false;
                passOn(r, head);
                popped();
                if (replies.isEmpty() && txStatus == 'I') releasePending = true;
            }
            default -> {
                if (head == null) throw unexpected(type, null);
                if (!Wire.isBackendMessageType(type)) throw malformed("a message of unknown type '" + (char) type + "' (0x" + Integer.toHexString(type & 0xff) + ")");
                if (type == Msg.DATA_ROW && !Wire.isWellFormedDataRow(r.array(), r.bodyStart(), r.bodyLength())) {
                    throw malformed("a DataRow whose columns do not fill its length");
                }
                if (type == Msg.COPY_IN_RESPONSE) {
                    copyIn = true;
                    awaitingServer = false;
                }
                passOn(r, head);
                if (head.endsWith(type)) popped();
            }
        }
    }

    private void popped() {
        Reply done = replies.pop();
        if (done.kind() == Kind.PARSE && done.preparedName() != null) confirmParsed(done.preparedName());
        long now = System.nanoTime();
        if (done.kind() == Kind.EXECUTE || done.kind() == Kind.QUERY) {
            // from the send, not from the reply before: pipelined replies (Parse, Bind, Execute) arrive together
            statementDone(now - statementStartNanos);
            statementStartNanos = now;
        }
        progressNanos = now;
        timeoutCancelSent = false;
        cutOff = false;
        emitLocalReplies();
    }

    private void statementDone(long nanos) {
        leasedServer.metrics().queryEnded(nanos);
        long slow = ctx.config().monitoring().slowQuery().toNanos();
        if (slow > 0 && nanos >= slow) {
            leasedServer.metrics().slowQuery();
            Events.slowQuery(login.peer(), leasedServer.endpoint(), nanos / 1_000_000, abbreviate(lastStatement));
        }
    }

    /** Statement text for a log line: no parameter values are ever in it (they travel in Bind), and it is kept short. */
    private static String abbreviate(String sql) {
        if (sql == null) return "(statement not known)";
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    private void confirmParsed(String serverName) {
        String unconfirmed = statements.unconfirmedName(serverName);
        if (unconfirmed != null) statements.confirmed(unconfirmed);
    }

    private ServerLost malformed(String what) {
        return new ServerLost("the server sent " + what + "; the server connection is out of step and was closed");
    }

    private ServerLost unexpected(byte type, Reply head) {
        return new ServerLost("the server sent '" + (char) type + "' while the proxy expected "
                + (head == null ? "nothing" : "a reply to " + head.kind()) + "; the server connection is out of step and was closed");
    }

    private void passOn(FrameReader r, Reply head) {
        if (head != null && head.swallow()) return;
        toClient.putBytes(r.array(), r.messageStart(), r.messageLength());
    }

    /** A Parse the server refused or skipped: the connection lacks the statement, and one no server ever parsed is forgotten. */
    private void forgetPrepared(Reply r) {
        if (r.kind() != Kind.PARSE || r.preparedName() == null) return;
        if (lease != null) lease.server().prepared().remove(r.preparedName());
        String unconfirmed = statements.unconfirmedName(r.preparedName());
        if (unconfirmed != null) statements.remove(unconfirmed);
    }

    private void emitLocalReplies() {
        Reply head;
        while ((head = replies.head()) != null && head.kind() == Kind.LOCAL) {
            replies.pop();
            toClient.putBytes(head.local());
        }
    }

    /** Answers the current message from the proxy itself, after every reply already owed. */
    private void answerLocally(byte[] bytes) {
        if (replies.isEmpty()) toClient.putBytes(bytes);
        else replies.expect(Reply.local(bytes));
    }

    private void answerError(PgError e) {
        Events.error(login.peer(), e.sqlState(), e.getMessage());
        PgBuffer b = new PgBuffer(128);
        Messages.errorResponse(b, e);
        answerLocally(b.toByteArray());
    }

    private void answerReadyLocally() {
        byte status = lease == null ? (byte) 'I' : txStatus;
        answerLocally(new byte[] {Msg.READY_FOR_QUERY, 0, 0, 0, 5, status});
    }

    /** In the extended protocol an error makes the server skip to Sync; the proxy does the same for its own errors. */
    private void failExtended(PgError e) {
        answerError(e);
        discardUntilSync = true;
    }

    private static PgError listenUnsupported() {
        return PgError.error(SqlState.FEATURE_NOT_SUPPORTED, "LISTEN is not supported in transaction pooling mode")
                .withHint("notifications need a session of their own: connect to the server directly for LISTEN");
    }

    /** Sends what is queued for the server; false when a non-blocking socket took only part of it. */
    private boolean flushToServer() throws IOException {
        if (toServer.isEmpty()) return true;
        serverBusy = true;
        if (!awaitingServer && !copyIn) {
            long now = System.nanoTime();
            progressNanos = now;
            statementStartNanos = now;
            timeoutCancelSent = false;
            cutOff = false;
            awaitingServer = true;
        }
        try {
            if (onLoop) {
                serverAnswerDue = true;
                return toServer.writeTo(lease.server().channel());
            }
            toServer.writeTo(lease.server().out());
            return true;
        } catch (IOException e) {
            throw new ServerLost("cannot write to the server (" + lease.server().describe() + "): " + e.getMessage());
        }
    }

    /** Sends what is queued for the client; false when a non-blocking socket took only part of it. */
    private boolean flushToClient() throws IOException {
        if (onLoop) {
            clientAnswerDue |= !toClient.isEmpty();
            if (!toClient.writeTo(channel)) return false;
        } else {
            toClient.writeTo(out);
        }
        if (lease == null) {
            toClient.shrink(IDLE_BUFFER);
            toServer.shrink(IDLE_BUFFER);
        }
        return true;
    }

    /** True when cleaning the connection the transaction leaves takes a query of the proxy's own, which a thread runs. */
    private boolean cleanupNeedsQuery() {
        return !serverMisbehaved && (settings.needsCleanup() || lease.server().prepared().size() > MAX_PREPARED_PER_SERVER);
    }

    /** At the ReadyForQuery that ends a transaction: clean what the client left, then give the connection back. */
    private void finishRelease() throws IOException {
        Lease l = lease;
        boolean broken = serverMisbehaved;
        serverMisbehaved = false;
        boolean discard = broken || !cleanUp(l.server());
        endTransaction();
        giveBack(l, discard, broken ? RetireReason.BROKEN : RetireReason.DIRTY);
        if (drainRequested) {
            flushToClient();
            throw new Drained();
        }
    }

    /**
     * On the loop, at a transaction's end that leaves nothing to clean: the connection stays with
     * the loop, registered, for its next transaction ({@link LoopShelf}); false when it must go back
     * to the pool instead.
     */
    private boolean keepOnLoop() {
        if (serverMisbehaved || drainRequested || cleanupNeedsQuery() || !lease.keep()) return false;
        ServerState server = leasedServer;
        loop.shelf().put(server, lease, serverKey);
        serverKey = null;
        releasePending = false;
        endTransaction();
        leasedServer = null;
        server.returned();
        return true;
    }

    private void endTransaction() {
        synchronized (leaseLock) {
            lease = null;
            serverBusy = false;
            awaitingServer = false;
        }
        long now = System.nanoTime();
        leasedServer.metrics().transactionEnded(now - leasedAtNanos);
        Events.release(login.peer(), leasedServer.endpoint(), (now - leasedAtNanos) / 1000);
        leasedServer.breaker().recordSuccess();
        if (leaseIsWrite) readContext.wrote(now);
        moveTo(ClientState.IDLE);
    }

    private static PgError shuttingDown() {
        return PgError.fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command")
                .withHint("poolkeeper is shutting down; reconnect to reach another instance");
    }

    /**
     * Shutdown: a session between transactions is woken (its socket's input is shut, so its read
     * ends) and told 57P01; one in a transaction is told when the transaction ends.
     */
    void requestDrain() {
        drainRequested = true;
        synchronized (leaseLock) {
            if (lease != null) return;
            try {
                login.socket().shutdownInput();
            } catch (IOException | UnsupportedOperationException ignored) {
                // a TLS socket may not shut one side; the grace period's end closes it
            }
        }
    }

    private void giveBack(Lease l, boolean discard, RetireReason why) {
        ServerState server = leasedServer;
        leasedServer = null;
        server.returned();
        if (discard) {
            l.discard();
            server.metrics().retired(why);
            Events.remove(server.endpoint(), why.tagValue());
        } else if (l.release()) {
            server.metrics().retired(RetireReason.MAX_USES);
            Events.remove(server.endpoint(), RetireReason.MAX_USES.tagValue());
        }
    }

    /** Runs the cleanup the client's statements call for; false when the connection must not be reused. */
    private boolean cleanUp(ServerConnection server) {
        try {
            if (settings.needsCleanup()) {
                boolean deallocates = settings.cleanupDeallocates();
                ServerConnection.InternalResult r = server.runInternal(settings.cleanupStatement());
                if (!r.ok()) {
                    log.warn("client {}: cleaning {} failed ({}); retiring it", login.peer(), server.describe(), r.error());
                    return false;
                }
                if (settings.clientDiscardedAll()) statements.clear();
                settings.cleanedUp(r.firstRow(), server);
                if (deallocates) server.prepared().clear();
            }
            if (server.prepared().size() > MAX_PREPARED_PER_SERVER) {
                if (!server.runInternal("DEALLOCATE ALL").ok()) return false;
                server.prepared().clear();
            }
            return true;
        } catch (IOException e) {
            log.warn("client {}: cleaning {} failed: {}", login.peer(), server.describe(), e.getMessage());
            return false;
        }
    }

    /**
     * The client is gone (or broke the protocol) while holding a connection: an idle transaction
     * is rolled back and the connection reused; one with a statement in flight is closed, which
     * makes the server roll it back. Either way nothing the client began stays open.
     */
    private void leaveServer() {
        releasePending = false;
        ProxyContext.Borrowed notUsed = unsettled;
        unsettled = null;
        if (notUsed != null) {
            notUsed.server().returned();
            notUsed.lease().release();
        }
        Lease l;
        synchronized (leaseLock) {
            l = lease;
            lease = null;
            serverBusy = false;
            awaitingServer = false;
        }
        if (l == null) return;
        ctx.metrics().clientLeftInTransaction();
        if (!replies.isEmpty() || serverMisbehaved) {
            l.server().abort();
            giveBack(l, true, RetireReason.BROKEN);
            return;
        }
        try {
            // Bounded: a server that does not answer the cleanup is not worth waiting for.
            l.server().readTimeout(CLEANUP_TIMEOUT_MILLIS);
            // A server skipping to Sync would ignore the ROLLBACK and leave us waiting; after an
            // error there is nothing a Sync could commit.
            if (serverSkipsToSync) l.server().sync();
            ServerConnection.InternalResult r = l.server().runInternal("ROLLBACK");
            if (r.status() == 'I' && cleanUp(l.server())) {
                l.server().readTimeout(0);
                giveBack(l, false, RetireReason.DIRTY);
                return;
            }
        } catch (IOException e) {
            log.debug("rollback after client {} left failed: {}", login.peer(), e.getMessage());
        }
        l.server().abort();
        giveBack(l, true, RetireReason.BROKEN);
    }

    private void sendFatal(PgError e) {
        try {
            toClient.clear();
            Messages.errorResponse(toClient, e);
            // On the loop a last message that does not fit the socket's buffer at once is lost with the connection.
            if (onLoop) toClient.writeTo(channel);
            else toClient.writeTo(out);
        } catch (IOException ignored) {
            // the client is gone already; nothing left to tell it
        }
    }

    private void closeClient() {
        try {
            login.socket().setSoTimeout(1000);
            login.socket().close();
        } catch (IOException | RuntimeException ignored) {
            // closed already
        }
    }

    /** A client's CancelRequest (or the query timeout): cancels what this session runs now, and nothing else. */
    void cancelRunningStatement() {
        synchronized (leaseLock) {
            if (lease == null || !serverBusy) return;
            try {
                lease.server().cancel();
            } catch (SQLException e) {
                log.warn("cancel for client {} failed: {}", login.peer(), e.getMessage());
            }
        }
    }

    /**
     * Called by the watchdog: cancels a statement that has run past the query timeout, once, on a
     * thread of its own (a cancel to an unreachable server blocks, and must not hold up the
     * watchdog). When the server has not answered the cancel a grace period later (a hung or
     * blackholed server), cuts the server connection off, so the client gets an error instead of
     * waiting for ever; closing the connection also makes a live server roll the statement back.
     */
    void enforceQueryTimeout(long nowNanos, long timeoutNanos) {
        if (!awaitingServer) return;
        long running = nowNanos - progressNanos;
        if (!timeoutCancelSent && running > timeoutNanos) {
            timeoutCancelSent = true;
            log.info("client {}: statement ran past the query timeout; cancelling it on the server", login.peer());
            ctx.metrics().queryTimedOut();
            Thread.ofVirtual().name("poolkeeper-cancel-" + processId).start(this::cancelRunningStatement);
        } else if (timeoutCancelSent && !cutOff && running > timeoutNanos + Math.max(timeoutNanos, MIN_CANCEL_GRACE_NANOS)) {
            Lease l = lease;
            if (l == null) return;
            cutOff = true;
            log.warn("client {}: {} has not answered the cancel of a statement past the query timeout; closing it",
                    login.peer(), l.server().describe());
            l.server().abort();
        }
    }

    /**
     * Thrown on the loop by a step that would have to wait: the message is handled again on a
     * thread, or once a connection is handed over. Cheap, as it is part of the normal flow.
     */
    private static final class Suspend extends RuntimeException {
        static final Suspend THREAD = new Suspend(Wait.THREAD);
        static final Suspend POOL = new Suspend(Wait.POOL);
        final Wait wait;

        private Suspend(Wait wait) {
            super("a step must wait: " + wait, null, false, false);
            this.wait = wait;
        }
    }

    /** One wait of this session on its loop for a connection of a full pool: no thread is held meanwhile. */
    private final class PoolWait implements ServerPool.Waiter, EventLoop.Deadline {
        private static final int WAITING = 0;
        private static final int OVER = 1;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final ServerState server;
        private final boolean read;
        private final long startNanos = System.nanoTime();
        private final long deadlineNanos;

        PoolWait(ServerState server, boolean read) {
            this.server = server;
            this.read = read;
            this.deadlineNanos = startNanos + ctx.config().pool().acquireTimeout().toNanos();
        }

        @Override
        public boolean hand(Lease lease) {
            if (!state.compareAndSet(WAITING, OVER)) return false;
            loop.execute(() -> {
                unsettled = ctx.lent(server, lease, read, startNanos);
                onReady();
            });
            return true;
        }

        @Override
        public void retry() {
            if (state.compareAndSet(WAITING, OVER)) loop.execute(() -> leaveLoop(ClientSession.this::runOnThread));
        }

        /** The server failed lately, its probe cannot reach it, or (for a write) it is no longer the primary. */
        private boolean serverInDoubt() {
            ProbeResult probe = server.lastProbe();
            return server.breaker().inDoubt() || (probe != null && !probe.reachable())
                    || (!read && server != ctx.routes().topology().primary());
        }

        @Override
        public boolean check(long nowNanos) {
            if (state.get() != WAITING) return true;
            if (nowNanos < deadlineNanos && (server.pool().loopWaitIsStale() || serverInDoubt())) {
                // A connection came back idle without being handed over, the server left, or it may
                // no longer serve this wait: a thread borrows instead, asking the topology again.
                if (server.pool().stopWaiting(this)) retry();
                return true;
            }
            server.pool().tendLoopWaiters();
            if (nowNanos < deadlineNanos || !state.compareAndSet(WAITING, OVER)) return false;
            server.pool().stopWaiting(this);
            server.metrics().acquireTimedOut(nowNanos - startNanos);
            refusedBorrow = server.pool().waitedTooLong((nowNanos - startNanos) / 1_000_000);
            loop.execute(ClientSession.this::onReady);
            return true;
        }
    }

    /** The sidecar is shutting down and this session is between transactions: time to say goodbye. */
    static final class Drained extends IOException {
        Drained() {
            super("shutting down", null);
        }
    }

    /** The server went away or out of step: the client cannot know what happened to its transaction. */
    static final class ServerLost extends IOException {
        ServerLost(String message) {
            super(message);
        }
    }
}
