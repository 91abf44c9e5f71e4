package io.poolkeeper.cli.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.operator.OperatorMetrics;
import io.poolkeeper.operator.OperatorSettings;
import io.poolkeeper.operator.PoolkeeperOperator;
import io.poolkeeper.sidecar.admin.AdminServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code poolkeeper operator}: the DatabasePool operator, configured from its environment (the
 * Helm chart sets it), with {@code /metrics}, {@code /healthz} and {@code /readyz} on
 * {@code POOLKEEPER_METRICS_PORT}. Runs until SIGTERM.
 */
@Command(
        name = "operator",
        description = {
            "Runs the Kubernetes operator: reconciles DatabasePools into sized sidecar pods, probes their servers,",
            "follows or performs failover and reports it in status, events and metrics.",
            "",
            "Configured from the environment (the Helm chart sets these):",
            "  POOLKEEPER_NAMESPACES       namespaces to watch, comma-separated; empty: all",
            "  POOLKEEPER_LEASE_NAMESPACE  namespace of the leader-election Lease; empty: no leader election",
            "  POOLKEEPER_SIDECAR_IMAGE    image of the pool pods (default ghcr.io/poolkeeper/poolkeeper:<this version>)",
            "  POOLKEEPER_METRICS_PORT     port of /metrics, /healthz and /readyz (default 8080)",
            "  POD_NAME                    this replica's name in the Lease (default: the host name)",
            "The Kubernetes connection comes from the in-cluster service account, or KUBECONFIG / ~/.kube/config."})
public final class OperatorCommand implements Callable<Integer> {
    static final int INVALID_SETTINGS = 2;
    static final int START_FAILED = 1;
    private static final String PREFIX = "poolkeeper operator: ";
    /** How long SIGTERM waits for the operator to stop before the JVM exits anyway. */
    private static final long STOP_WAIT_SECONDS = 20;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        OperatorSettings settings;
        try {
            settings = OperatorSettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            return INVALID_SETTINGS;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "poolkeeper-operator-shutdown"));
        Started started = new Started();
        try (KubernetesClient client = new KubernetesClientBuilder().build();
                AdminServer admin = AdminServer.start(new Endpoint("0.0.0.0", settings.metricsPort()), registry,
                        started::notReadyReason, () -> status(settings))) {
            try (PoolkeeperOperator operator = PoolkeeperOperator.start(client, settings, new OperatorMetrics(registry), Clock.systemUTC())) {
                started.done = true;
                spec.commandLine().getOut().println(PREFIX + "running; watching "
                        + (settings.namespaces().isEmpty() ? "all namespaces" : String.join(", ", new TreeSet<>(settings.namespaces())))
                        + (settings.leaseNamespace() == null ? ", no leader election" : ", leader election in " + settings.leaseNamespace())
                        + "; metrics on :" + admin.address().getPort());
                spec.commandLine().getOut().flush();
                stop.await();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println(PREFIX + "could not start: " + e.getMessage() + rootCause(e));
            return START_FAILED;
        } finally {
            stopped.countDown();
        }
    }

    /** JOSDK wraps what went wrong ("Error starting operator"): name the first cause too. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root == e ? "" : " (" + root + ")";
    }

    private static Map<String, Object> status(OperatorSettings settings) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("namespaces", settings.namespaces().isEmpty() ? "all" : new TreeSet<>(settings.namespaces()));
        status.put("leaseNamespace", settings.leaseNamespace());
        status.put("identity", settings.identity());
        status.put("sidecarImage", settings.sidecarImage());
        return status;
    }

    /** Ready once the operator has started (its informers synced, or it waits to lead). */
    private static final class Started {
        volatile boolean done;

        Optional<String> notReadyReason() {
            return done ? Optional.empty() : Optional.of("the operator is starting");
        }
    }
}
