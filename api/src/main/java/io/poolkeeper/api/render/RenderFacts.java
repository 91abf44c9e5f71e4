package io.poolkeeper.api.render;

import java.util.Set;
import io.poolkeeper.api.config.Endpoint;

/**
 * What the operator found out that the spec alone does not say.
 *
 * @param currentPrimary the server that answers as primary now (after a failover, not spec.primary)
 * @param serverUser the user name from the credentials Secret
 * @param poolSize each pod's pool size towards the primary, from the sizing rules
 * @param minIdle idle connections kept, from the sizing rules
 * @param fenced servers the operator fenced (an old primary after a promotion): rendered nowhere
 */
public record RenderFacts(Endpoint currentPrimary, String serverUser, int poolSize, int minIdle, Set<Endpoint> fenced) {

    public RenderFacts(Endpoint currentPrimary, String serverUser, int poolSize, int minIdle) {
        this(currentPrimary, serverUser, poolSize, minIdle, Set.of());
    }
}
