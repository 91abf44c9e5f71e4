package io.poolkeeper.sidecar.health;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One server's circuit breaker: CLOSED until {@code failureThreshold} consecutive failures, then
 * OPEN (every request refused at once) for {@code resetTimeout}, then HALF_OPEN (one trial
 * request); the trial's success closes it, its failure opens it again. Failures are the server's
 * (cannot connect, connection lost), never a client's SQL error.
 *
 * <p>The CLOSED path is one volatile read, because every transaction asks.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private volatile int failureThreshold;
    private volatile long resetNanos;
    private final LongSupplier clock;
    private volatile State state = State.CLOSED;
    private volatile int consecutiveFailures;
    private long openedAtNanos;
    private boolean trialInFlight;

    public CircuitBreaker(int failureThreshold, Duration resetTimeout) {
        this(failureThreshold, resetTimeout, System::nanoTime);
    }

    CircuitBreaker(int failureThreshold, Duration resetTimeout, LongSupplier clock) {
        this.failureThreshold = failureThreshold;
        this.resetNanos = resetTimeout.toNanos();
        this.clock = clock;
    }

    /** A reloaded config may change the thresholds; the breaker keeps its state. */
    public void configure(int failureThreshold, Duration resetTimeout) {
        this.failureThreshold = failureThreshold;
        this.resetNanos = resetTimeout.toNanos();
    }

    public State state() {
        return state;
    }

    /** True when the last request failed (or the breaker is not closed): the server is in doubt. */
    public boolean inDoubt() {
        return state != State.CLOSED || consecutiveFailures > 0;
    }

    /** True when a request may go to this server now; in HALF_OPEN only the one trial may. */
    public boolean allowRequest() {
        if (state == State.CLOSED) return true;
        synchronized (this) {
            if (state == State.OPEN && clock.getAsLong() - openedAtNanos >= resetNanos) {
                state = State.HALF_OPEN;
                trialInFlight = false;
            }
            if (state == State.HALF_OPEN && !trialInFlight) {
                trialInFlight = true;
                return true;
            }
            return state == State.CLOSED;
        }
    }

    /** Whether {@link #allowRequest()} could say yes now, without taking the HALF_OPEN trial. */
    public boolean mightAllow() {
        if (state == State.CLOSED) return true;
        synchronized (this) {
            return mightAllowLocked();
        }
    }

    private boolean mightAllowLocked() {
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> clock.getAsLong() - openedAtNanos >= resetNanos;
            case HALF_OPEN -> !trialInFlight;
        };
    }

    public void recordSuccess() {
        if (state == State.CLOSED && consecutiveFailures == 0) return;
        synchronized (this) {
            consecutiveFailures = 0;
            trialInFlight = false;
            state = State.CLOSED;
        }
    }

    public synchronized void recordFailure() {
        consecutiveFailures++;
        trialInFlight = false;
        if (state == State.HALF_OPEN || (state == State.CLOSED && consecutiveFailures >= failureThreshold)) {
            state = State.OPEN;
            openedAtNanos = clock.getAsLong();
        }
    }

    /** Seconds until an OPEN breaker lets a trial through; 0 otherwise. For error messages and /status. */
    public synchronized long secondsUntilTrial() {
        if (state != State.OPEN) return 0;
        return Math.max(0, (resetNanos - (clock.getAsLong() - openedAtNanos)) / 1_000_000_000L);
    }
}
