package io.poolkeeper.sidecar.admin;

import java.util.Optional;

/**
 * Whether this sidecar should be sent clients, as {@code GET /readyz} reports it. Asked on every
 * probe, so an implementation reads state the health probes already keep rather than probing.
 */
@FunctionalInterface
public interface Readiness {

    /**
     * Empty when ready; otherwise one line an operator can act on, e.g.
     * {@code primary pool: cannot connect to 127.0.0.1:5432: Connection refused}.
     */
    Optional<String> notReadyReason();
}
