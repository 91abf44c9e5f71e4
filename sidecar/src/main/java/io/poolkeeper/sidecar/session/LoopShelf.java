package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.admin.Events;
import io.poolkeeper.sidecar.admin.RetireReason;
import io.poolkeeper.sidecar.backend.Lease;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.health.ServerState;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server connections one event loop keeps between transactions. Giving a connection back to
 * HikariCP and borrowing it again cost, per transaction, HikariCP's bag and meters and two
 * {@code epoll_ctl} (the channel left the selector and joined it again); a kept connection stays
 * lent, non-blocking and registered with the loop, ready for the loop's next transaction on its pool.
 *
 * <p>A kept connection goes back to its pool when it lies unused for {@link #IDLE_NANOS}, at
 * once when anyone else waits for a connection of that pool or the pool evicts, and at the end
 * of a transaction once HikariCP lent it a second ago ({@code ServerPool.keep}), so the pool's
 * own rules (fairness, idle timeout, max lifetime, eviction) still reach it. One that becomes
 * readable while kept (the server ended it, or the proxy aborted it) is discarded.
 *
 * <p>On the loop's thread only.
 */
final class LoopShelf {
    private static final Logger log = LoggerFactory.getLogger(LoopShelf.class);
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final EventLoop loop;
    /** Per pool, oldest first: a loop takes the newest (warm), and gives back from the oldest. */
    private final Map<ServerPool, ArrayDeque<Kept>> shelves = new IdentityHashMap<>();
    private int count;

    LoopShelf(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * A connection of {@code pool} kept here, its key still registered with this loop (the taker
     * attaches to it); null when none is, or when the pool wants them back (it evicted, or others
     * wait and come first), which it then gets.
     */
    Lease take(ServerPool pool) {
        ArrayDeque<Kept> kept = shelves.get(pool);
        if (kept == null || kept.isEmpty()) return null;
        if (!kept.peekLast().lease.mayStillKeep()) {
            giveBackAll(kept);
            return null;
        }
        Kept k = kept.pollLast();
        count--;
        k.lease.unkeep();
        return k.lease;
    }

    /** Keeps a connection of {@code server} whose transaction ended and which {@link Lease#keep()} allowed to stay; {@code key} is its registration here. */
    void put(ServerState server, Lease lease, SelectionKey key) {
        Kept k = new Kept(server, lease, key, System.nanoTime());
        key.attach(k);
        key.interestOps(SelectionKey.OP_READ);
        shelves.computeIfAbsent(lease.pool(), p -> new ArrayDeque<>()).addLast(k);
        count++;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** After each round of the loop: gives back what lay unused too long, and everything its pool wants back. */
    void tend(long nowNanos) {
        if (count == 0) return;
        for (ArrayDeque<Kept> kept : shelves.values()) {
            Kept oldest = kept.peekFirst();
            if (oldest == null) continue;
            if (!oldest.lease.mayStillKeep()) {
                giveBackAll(kept);
                continue;
            }
            while ((oldest = kept.peekFirst()) != null && nowNanos - oldest.since > IDLE_NANOS) {
                kept.pollFirst();
                giveBack(oldest, false);
            }
        }
    }

    private void giveBackAll(ArrayDeque<Kept> kept) {
        Kept k;
        while ((k = kept.pollFirst()) != null) giveBack(k, false);
    }

    /** The loop is closing and its selector is closed: every kept connection goes back, made blocking again. */
    void closeAll() {
        for (ArrayDeque<Kept> kept : shelves.values()) {
            Kept k;
            while ((k = kept.pollFirst()) != null) {
                count--;
                k.lease.unkeep();
                k.lease.giveBackKept(!blocking(k));
            }
        }
    }

    private void giveBack(Kept k, boolean discard) {
        count--;
        k.lease.unkeep();
        loop.deregister(k.key, () -> k.lease.giveBackKept(discard || !blocking(k)));
    }

    /** Makes the channel blocking again, as pgjdbc and HikariCP need it; false when the socket is gone. */
    private static boolean blocking(Kept k) {
        try {
            k.lease.server().channel().configureBlocking(true);
            return true;
        } catch (IOException e) {
            log.debug("{}: {}", k.lease.server().describe(), e.toString());
            return false;
        }
    }

    /** A connection on the shelf; its key's handler while it is kept. */
    private final class Kept implements EventLoop.Handler {
        final ServerState server;
        final Lease lease;
        final SelectionKey key;
        final long since;

        Kept(ServerState server, Lease lease, SelectionKey key, long since) {
            this.server = server;
            this.lease = lease;
            this.key = key;
            this.since = since;
        }

        /**
         * Nothing was asked of the server, yet it spoke or hung up: the connection cannot be
         * trusted with a next transaction, and the server may be going away. It puts the server's
         * breaker in doubt, so the next borrow takes the careful path (which follows a promotion)
         * rather than waiting on a pool that may be dead; once only, so that a server ending all
         * its idle connections at once does not open the breaker by itself.
         */
        @Override
        public void ready() {
            if (!shelves.get(lease.pool()).remove(this)) return;
            log.debug("{} spoke while kept idle; discarding it", lease.server().describe());
            if (!server.breaker().inDoubt()) server.breaker().recordFailure();
            giveBack(this, true);
            server.metrics().retired(RetireReason.BROKEN);
            Events.remove(server.endpoint(), RetireReason.BROKEN.tagValue());
        }
    }
}
