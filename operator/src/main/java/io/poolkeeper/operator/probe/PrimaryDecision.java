package io.poolkeeper.operator.probe;

import io.poolkeeper.api.config.Endpoint;

/** Which server the pools should write to, as {@link FailoverDecider} sees it. */
public sealed interface PrimaryDecision {

    /** The server to render into the config now. */
    Endpoint current();

    /** The primary is where it was. */
    record Stable(Endpoint current) implements PrimaryDecision {}

    /** Another server is primary now (someone else promoted it): follow it. */
    record Changed(Endpoint from, Endpoint current) implements PrimaryDecision {}

    /** No server is primary, the old one is down for good, and the policy is Promote: promote {@code candidate}. */
    record Promote(Endpoint from, Endpoint candidate) implements PrimaryDecision {
        @Override
        public Endpoint current() {
            return from;
        }
    }

    /**
     * No server is primary; the config keeps pointing at the last one.
     *
     * @param down the last primary has failed unhealthyAfter probes in a row (else it may just be a blip)
     * @param why what the probes found, for the condition message
     */
    record Lost(Endpoint current, boolean down, String why) implements PrimaryDecision {}
}
