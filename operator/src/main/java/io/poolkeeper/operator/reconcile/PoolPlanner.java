package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.render.RenderFacts;
import io.poolkeeper.api.render.SidecarConfigMapping;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.PoolPlan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Turns what a reconcile learned into the plan the dependents build objects from. */
final class PoolPlanner {
    private PoolPlanner() {}

    static PoolPlan plan(DatabasePool pool, Observation seen, ServersView servers, PoolSizer.Sizes sizes, String defaultImage) {
        String yaml = SidecarConfigYaml.write(SidecarConfigMapping.render(pool.getSpec(),
                new RenderFacts(servers.currentPrimary(), seen.login().user(), sizes.perPodSize(), sizes.minIdle())));
        String image = pool.getSpec().image() != null ? pool.getSpec().image() : defaultImage;
        return new PoolPlan(yaml, sha256(yaml), image, seen.podSelector(), seen.monitoringCrdsPresent());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
