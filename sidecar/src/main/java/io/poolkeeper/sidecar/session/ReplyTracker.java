package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.protocol.Msg;
import java.util.ArrayDeque;

/**
 * The replies a client is owed, in the order it asked: one entry per forwarded message that the
 * server answers, plus entries the proxy answers itself ({@link Kind#LOCAL}) or whose server
 * answer the client must not see ({@code swallow}, for statements re-prepared on its behalf).
 * Knowing which server message ends each entry is what lets the proxy return a connection at
 * the right ReadyForQuery and keep pipelined replies in order.
 */
final class ReplyTracker {
    enum Kind { PARSE, BIND, DESCRIBE_STATEMENT, DESCRIBE_PORTAL, EXECUTE, CLOSE, SYNC, QUERY, LOCAL }

    /** {@code preparedName}: the server-side statement a PARSE creates; {@code local}: bytes the proxy sends itself. */
    record Reply(Kind kind, String preparedName, boolean swallow, byte[] local) {
        static final Reply BIND = new Reply(Kind.BIND, null, false, null);
        static final Reply DESCRIBE_STATEMENT = new Reply(Kind.DESCRIBE_STATEMENT, null, false, null);
        static final Reply DESCRIBE_PORTAL = new Reply(Kind.DESCRIBE_PORTAL, null, false, null);
        static final Reply EXECUTE = new Reply(Kind.EXECUTE, null, false, null);
        static final Reply CLOSE = new Reply(Kind.CLOSE, null, false, null);
        static final Reply SYNC = new Reply(Kind.SYNC, null, false, null);
        static final Reply QUERY = new Reply(Kind.QUERY, null, false, null);
        static final Reply QUERY_SWALLOWED = new Reply(Kind.QUERY, null, true, null);
        static final Reply PARSE_UNNAMED = new Reply(Kind.PARSE, null, false, null);

        static Reply parse(String serverName, boolean swallow) {
            return new Reply(Kind.PARSE, serverName, swallow, null);
        }

        static Reply local(byte[] bytes) {
            return new Reply(Kind.LOCAL, null, false, bytes);
        }

        boolean endsOnError() {
            return kind != Kind.QUERY && kind != Kind.SYNC;
        }

        /** True when server message {@code type} is the last one answering this entry. */
        boolean endsWith(byte type) {
            return switch (kind) {
                case PARSE -> type == Msg.PARSE_COMPLETE;
                case BIND -> type == Msg.BIND_COMPLETE;
                case DESCRIBE_STATEMENT, DESCRIBE_PORTAL -> type == Msg.ROW_DESCRIPTION || type == Msg.NO_DATA;
                case EXECUTE -> type == Msg.COMMAND_COMPLETE || type == Msg.EMPTY_QUERY_RESPONSE || type == Msg.PORTAL_SUSPENDED;
                case CLOSE -> type == Msg.CLOSE_COMPLETE;
                case SYNC, QUERY -> type == Msg.READY_FOR_QUERY;
                case LOCAL -> false;
            };
        }
    }

    private final ArrayDeque<Reply> queue = new ArrayDeque<>();
    private int syncPoints;
    private boolean flushRequested;

    void expect(Reply reply) {
        queue.addLast(reply);
        if (reply.kind == Kind.SYNC || reply.kind == Kind.QUERY) syncPoints++;
        flushRequested = false;
    }

    /** The client sent Flush: the server will answer what it has without waiting for a Sync. */
    void flushRequested() {
        if (!queue.isEmpty()) flushRequested = true;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    Reply head() {
        return queue.peekFirst();
    }

    Reply pop() {
        Reply r = queue.pollFirst();
        if (r != null && (r.kind == Kind.SYNC || r.kind == Kind.QUERY)) syncPoints--;
        if (queue.isEmpty()) flushRequested = false;
        return r;
    }

    /** True when the server owes a reply it will actually send now (a Sync, Query or Flush is out). */
    boolean serverWillAnswer() {
        return !queue.isEmpty() && queue.peekFirst().kind != Kind.LOCAL && (syncPoints > 0 || flushRequested);
    }

    /** The server skips to Sync after an error in the extended protocol: drop what it will not answer. */
    void dropUntilSync(java.util.function.Consumer<Reply> dropped) {
        while (!queue.isEmpty() && queue.peekFirst().kind != Kind.SYNC) dropped.accept(pop());
    }

    void clear() {
        queue.clear();
        syncPoints = 0;
        flushRequested = false;
    }
}
