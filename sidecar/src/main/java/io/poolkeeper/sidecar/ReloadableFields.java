package io.poolkeeper.sidecar;

import io.poolkeeper.api.config.SidecarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which config fields a reload can change in place, and which need a restart. */
final class ReloadableFields {
    private ReloadableFields() {}

    /** The fields that differ between {@code current} and {@code next} but need a restart. */
    static List<String> restartOnlyChanges(SidecarConfig current, SidecarConfig next) {
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(current.listen(), next.listen())) changed.add("listen");
        if (!Objects.equals(current.listenReadOnly(), next.listenReadOnly())) changed.add("listenReadOnly");
        if (!Objects.equals(current.admin(), next.admin())) changed.add("admin");
        if (!Objects.equals(current.database(), next.database())) changed.add("database");
        if (!Objects.equals(current.serverDatabase(), next.serverDatabase())) changed.add("serverDatabase");
        if (!Objects.equals(current.server(), next.server())) changed.add("server");
        if (current.auth().method() != next.auth().method()) changed.add("auth.method");
        if (!Objects.equals(current.tls(), next.tls())) changed.add("tls");
        if (!Objects.equals(current.limits(), next.limits())) changed.add("limits");
        if (!Objects.equals(current.timeouts().login(), next.timeouts().login())) changed.add("timeouts.login");
        if (!Objects.equals(current.pool().connectTimeout(), next.pool().connectTimeout())) changed.add("pool.connectTimeout");
        if (!Objects.equals(current.probe().timeout(), next.probe().timeout())) changed.add("probe.timeout");
        return changed;
    }

    /** {@code next}, with the restart-only fields kept as they are in {@code current}. */
    static SidecarConfig keepRestartOnly(SidecarConfig current, SidecarConfig next) {
        SidecarConfig.Pool p = next.pool();
        return new SidecarConfig(current.listen(), current.admin(), current.database(), current.serverDatabase(),
                next.primary(), current.server(), new SidecarConfig.ClientAuth(current.auth().method(), next.auth().usersFile()),
                current.tls(),
                new SidecarConfig.Pool(p.maxSize(), p.minIdle(), p.idleTimeout(), p.maxLifetime(), p.acquireTimeout(),
                        current.pool().connectTimeout(), p.maxUsesPerConnection()),
                new SidecarConfig.Timeouts(next.timeouts().query(), current.timeouts().login()),
                current.limits(), next.replicas(), current.listenReadOnly(), next.routing(),
                new SidecarConfig.Probe(next.probe().interval(), current.probe().timeout()),
                next.circuitBreaker(), next.monitoring(), next.shutdownGrace());
    }
}
