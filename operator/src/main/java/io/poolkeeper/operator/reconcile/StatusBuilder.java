package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.api.v1alpha1.ServerRole;
import io.poolkeeper.api.v1alpha1.ServerStatus;
import io.poolkeeper.operator.probe.ProbeResult;
import io.poolkeeper.operator.probe.ServerHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The status a reconcile's report comes to; pure, so equal reports give equal statuses and no write. */
final class StatusBuilder {
    private StatusBuilder() {}

    static DatabasePoolStatus build(PoolReport report, Instant now) {
        DatabasePool pool = report.pool();
        DatabasePoolStatus old = Objects.requireNonNullElseGet(pool.getStatus(),
                () -> new DatabasePoolStatus(null, null, null, null, null, null, null, null, null, null));
        ServersView servers = report.servers();
        return new DatabasePoolStatus(
                pool.getMetadata().getGeneration(),
                servers != null ? servers.currentPrimary().toString() : old.currentPrimary(),
                report.sizes() != null ? Integer.valueOf(report.sizes().perPodSize()) : old.perPodSize(),
                report.sizes() != null ? report.sizes().perPod() : old.perPodMaxConnections(),
                report.seen() != null ? Integer.valueOf(report.seen().pods()) : old.instances(),
                report.seen() != null ? Integer.valueOf(report.seen().readyPods()) : old.readyInstances(),
                servers != null ? servers(report) : old.servers(),
                servers != null ? servers.lastFailover() : old.lastFailover(),
                report.configHash() != null ? report.configHash() : old.configHash(),
                ConditionsBuilder.build(report, old.conditions(), now));
    }

    private static List<ServerStatus> servers(PoolReport report) {
        ServersView view = report.servers();
        ServerHealth primary = view.health().get(view.currentPrimary());
        Long primaryWal = primary != null && primary.last().isPrimary() ? primary.last().walPosition() : null;
        List<ServerStatus> out = new ArrayList<>();
        for (Endpoint server : view.servers()) {
            ServerHealth health = view.health().get(server);
            ProbeResult last = health == null ? null : health.last();
            ServerRole role = last == null || !last.reachable() ? ServerRole.Unknown
                    : last.inRecovery() ? ServerRole.Replica : ServerRole.Primary;
            Long lag = role == ServerRole.Replica && primaryWal != null ? Math.max(0, primaryWal - last.replayPosition()) : null;
            out.add(new ServerStatus(server.toString(), role, last != null && last.reachable(),
                    health == null ? 0 : health.failedProbes(), lag, report.limits().get(server),
                    view.fenced().contains(server), last == null ? null : last.error()));
        }
        return out;
    }
}
