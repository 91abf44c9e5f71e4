package io.poolkeeper.sidecar.protocol;

import java.io.IOException;

/** The peer sent bytes that are not the PostgreSQL protocol; the connection cannot continue. */
public final class ProtocolViolation extends IOException {
    public ProtocolViolation(String message) {
        super(message);
    }
}
