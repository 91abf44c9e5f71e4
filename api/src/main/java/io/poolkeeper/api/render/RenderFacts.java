package io.poolkeeper.api.render;

import io.poolkeeper.api.config.Endpoint;

/**
 * What the operator found out that the spec alone does not say.
 *
 * @param currentPrimary the server that answers as primary now (after a failover, not spec.primary)
 * @param serverUser the user name from the credentials Secret
 * @param poolSize each pod's pool size towards the primary, from the sizing rules
 * @param minIdle idle connections kept, from the sizing rules
 */
public record RenderFacts(Endpoint currentPrimary, String serverUser, int poolSize, int minIdle) {}
