package io.poolkeeper.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.operator.MetricsEndpoint;
import io.poolkeeper.operator.OperatorMetrics;
import io.poolkeeper.operator.OperatorSettings;
import io.poolkeeper.operator.PoolkeeperOperator;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code poolkeeper operator}: runs the Kubernetes operator against the cluster of the current
 * kubeconfig or, in a pod, its service account, until SIGTERM.
 */
@Command(
        name = "operator",
        mixinStandardHelpOptions = true,
        description = {"Run the Kubernetes operator that turns DatabasePools into sized, probed sidecar pools.",
            "Settings come from the environment: POOLKEEPER_NAMESPACES (comma-separated; all when unset),",
            "POOLKEEPER_SIDECAR_IMAGE, POOLKEEPER_LEASE_NAMESPACE (turns on leader election, so two replicas can run),",
            "POD_NAME (this replica's name in the lease), POOLKEEPER_METRICS_PORT (/metrics and /healthz; default 8080)."})
public final class OperatorCommand implements Callable<Integer> {

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Integer call() throws Exception {
        OperatorSettings settings;
        try {
            settings = OperatorSettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("poolkeeper operator: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (KubernetesClient client = new KubernetesClientBuilder().build();
                MetricsEndpoint metrics = MetricsEndpoint.start(settings.metricsPort(), registry);
                PoolkeeperOperator operator = PoolkeeperOperator.start(client, settings, new OperatorMetrics(registry), Clock.systemUTC())) {
            System.err.println("poolkeeper operator: watching " + (settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces())
                    + " on " + client.getMasterUrl() + ", metrics on :" + metrics.port()
                    + (settings.leaseNamespace() == null ? ", no leader election" : ", leader election in " + settings.leaseNamespace()));
            // On SIGTERM the JVM only waits for its hooks: this one holds it until the operator has stopped.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                awaitQuietly(closed);
            }, "poolkeeper-operator-stop"));
            stopped.await();
        } finally {
            closed.countDown();
        }
        return CommandLine.ExitCode.OK;
    }
}
