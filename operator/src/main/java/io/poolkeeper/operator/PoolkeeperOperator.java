package io.poolkeeper.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.poolkeeper.operator.probe.ServerProbes;
import io.poolkeeper.operator.probe.ServerProber;
import io.poolkeeper.operator.reconcile.DatabasePoolReconciler;
import java.time.Clock;

/**
 * The operator as one object: JOSDK's Operator with the DatabasePool reconciler registered, the
 * probes and the meters. Used by {@code poolkeeper operator}, the tests and the sandbox alike.
 */
public final class PoolkeeperOperator implements AutoCloseable {
    private final Operator operator;
    private final ServerProbes probes;

    private PoolkeeperOperator(Operator operator, ServerProbes probes) {
        this.operator = operator;
        this.probes = probes;
    }

    /** Starts reconciling with {@code client}; returns once the informers have synced (or leader election is waiting). */
    public static PoolkeeperOperator start(KubernetesClient client, OperatorSettings settings, OperatorMetrics metrics, Clock clock) {
        ServerProbes probes = new ServerProbes(new ServerProber(), metrics, clock);
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withMetrics(MicrometerMetrics.newMicrometerMetricsBuilder(metrics.registry()).notCollectingMetricsPerResource().build())
                    // The operator owns the objects it makes outright, so plain create/update suffices; it also
                    // works against API servers without server-side apply, such as the sandbox's.
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false);
            if (settings.leaseNamespace() != null) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
                        OperatorSettings.LEASE_NAME, settings.leaseNamespace(), settings.identity()));
            }
        });
        operator.register(new DatabasePoolReconciler(settings, probes, metrics, clock), c -> {
            if (settings.namespaces().isEmpty()) c.watchingAllNamespaces();
            else c.settingNamespaces(settings.namespaces());
        });
        operator.start();
        return new PoolkeeperOperator(operator, probes);
    }

    @Override
    public void close() {
        operator.stop();
        probes.close();
    }
}
