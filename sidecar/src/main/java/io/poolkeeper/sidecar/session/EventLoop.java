package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.backend.LoopThreads;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread and one selector serving the sockets of many sessions between their
 * blocking steps. Chosen by measurement (docs/performance.md): a thread per client, virtual or
 * platform, pays a thread hand-off at every wait (poller, then carrier), which on a small machine
 * cost twice PgBouncer's CPU per transaction; a loop takes every ready socket from one
 * {@code epoll_wait} and switches no thread.
 *
 * <p>Everything here runs on the loop's thread, except {@link #execute}, which any thread may call.
 */
final class EventLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    /** What a registered channel's key carries: called on the loop when the channel is ready. */
    interface Handler {
        void ready();
    }

    /** Something with a deadline the loop looks at every {@link #DEADLINE_CHECK_MILLIS} while it is watched. */
    interface Deadline {
        /** True when it needs no more watching (done, or its deadline came and it acted on it). */
        boolean check(long nowNanos);
    }

    private static final long DEADLINE_CHECK_MILLIS = 100;

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Work that must wait until cancelled keys are gone from the selector (a channel cannot be made blocking before). */
    private List<Runnable> afterDeregistration = new ArrayList<>();
    private final List<Deadline> deadlines = new ArrayList<>();
    private final LoopShelf shelf = new LoopShelf(this);
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private long deadlinesCheckedAt = System.nanoTime();
    private volatile boolean closed;

    EventLoop(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /** Runs {@code task} on the loop's thread, soon; from the loop itself, after the current work. */
    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) selector.wakeup();
    }

    /** Registers a channel (non-blocking already) with this loop's selector; on the loop's thread only. */
    SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        return channel.register(selector, ops, handler);
    }

    /** This channel's registration with this loop, or null. */
    SelectionKey keyFor(SelectableChannel channel) {
        return channel.keyFor(selector);
    }

    /** The server connections this loop keeps between transactions; on the loop's thread only. */
    LoopShelf shelf() {
        return shelf;
    }

    /**
     * Takes a channel off this loop: {@code then} runs on the loop once the selector has let the
     * channel go, when it may be made blocking again and handed to another thread.
     */
    void deregister(SelectionKey key, Runnable then) {
        key.cancel();
        afterDeregistration.add(then);
    }

    /** Watches a deadline from now on; on the loop's thread only. */
    void watch(Deadline deadline) {
        deadlines.add(deadline);
    }

    private void run() {
        LoopThreads.markCurrent();
        while (!closed) {
            try {
                // The action form hands over keys in the order epoll reported them, so no session is
                // always served last in a busy round (a HashSet's order would pick one), and fills no set.
                if (!tasks.isEmpty()) selector.selectNow(dispatch);
                else if (deadlines.isEmpty() && shelf.isEmpty()) selector.select(dispatch);
                else selector.select(dispatch, DEADLINE_CHECK_MILLIS);
                wakeupPending.set(false);
                runTasks();
                shelf.tend(System.nanoTime());
                while (!afterDeregistration.isEmpty()) {
                    // Only keys cancelled before this selectNow are gone after it: later ones wait for the next round.
                    List<Runnable> due = afterDeregistration;
                    afterDeregistration = new ArrayList<>();
                    selector.selectNow();
                    // selectNow clears a pending wakeup: a task queued meanwhile is seen at the top of the loop.
                    wakeupPending.set(false);
                    for (Runnable r : due) runSafely(r);
                    handleReady();
                }
                checkDeadlines();
            } catch (IOException | RuntimeException e) {
                log.error("event loop {}: {}", thread.getName(), e.toString(), e);
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing is all that was left
        }
        shelf.closeAll();
    }

    private void checkDeadlines() {
        if (deadlines.isEmpty()) return;
        long now = System.nanoTime();
        if (now - deadlinesCheckedAt < DEADLINE_CHECK_MILLIS * 1_000_000) return;
        deadlinesCheckedAt = now;
        deadlines.removeIf(d -> d.check(now));
    }

    private void dispatch(SelectionKey key) {
        if (!key.isValid()) return;
        try {
            ((Handler) key.attachment()).ready();
        } catch (RuntimeException | Error e) {
            log.error("event loop {}: {}", thread.getName(), e.toString(), e);
        }
    }

    private void handleReady() {
        var keys = selector.selectedKeys();
        if (keys.isEmpty()) return;
        for (SelectionKey key : keys) dispatch(key);
        keys.clear();
    }

    private void runTasks() {
        Runnable task;
        // Only the tasks there now: one that keeps queueing more must not starve the sockets.
        for (int n = tasks.size(); n > 0 && (task = tasks.poll()) != null; n--) runSafely(task);
    }

    private void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            log.error("event loop {}: {}", thread.getName(), e.toString(), e);
        }
    }

    /** The loops of one sidecar ({@code limits.eventLoops}); sessions are spread over them in turn. */
    static final class Group implements AutoCloseable {
        private final List<EventLoop> loops = new ArrayList<>();
        private final AtomicInteger next = new AtomicInteger();

        Group(int size) throws IOException {
            try {
                for (int i = 0; i < size; i++) loops.add(new EventLoop("poolkeeper-loop-" + i));
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        EventLoop next() {
            return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
        }

        @Override
        public void close() {
            for (EventLoop l : loops) l.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
