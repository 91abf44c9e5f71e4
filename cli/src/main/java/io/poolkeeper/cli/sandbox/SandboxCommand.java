package io.poolkeeper.cli.sandbox;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code poolkeeper sandbox}: the whole data path on this machine, with no cluster. */
@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a local PostgreSQL primary and streaming replica (in a temporary directory), an in-process",
            "Kubernetes API (fabric8's mock server) with the operator reconciling a DatabasePool on them, and a",
            "sidecar started from the config the operator rendered; then prints the pool's status, how to connect,",
            "and the kubectl lines that work against the sandbox. Ctrl-C stops everything and cleans up.",
            "With --smoke, runs the checks (pool Ready, config from the operator, a read/write workload, kubectl,",
            "a failover drill) and exits 0 only if all of them passed."})
public final class SandboxCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--smoke", description = "Run the workload, print what it saw, and exit.")
    boolean smoke;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "6432",
            description = "Port the sidecar listens on, on 127.0.0.1 (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "9187",
            description = "Port of the admin HTTP endpoints (0: any free port). Default: ${DEFAULT-VALUE}.")
    int adminPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        quietFrameworkLogs();
        out.println("sandbox: starting PostgreSQL (primary + replica), the Kubernetes API, the operator and the sidecar...");
        out.flush();
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(smoke ? 0 : port, smoke ? 0 : adminPort);
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("sandbox: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("listen") ? " (choose other ports with --port and --admin-port)" : ""));
            return 1;
        } catch (IllegalStateException e) {
            // the operator did not render the pool's config in time
            spec.commandLine().getErr().println("sandbox: " + e.getMessage());
            return 1;
        }
        try (sandbox) {
            describe(sandbox, out);
            if (smoke) return new SmokeWorkload(sandbox, out).run() ? 0 : 1;
            return waitForInterrupt(sandbox, out);
        }
    }

    /** A line per API request otherwise; held here so that the level set on it stays. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** The operator's and the API client's INFO lines would bury the sandbox's own; warnings still show. */
    private static void quietFrameworkLogs() {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        for (String logger : new String[] {"io.javaoperatorsdk", "io.fabric8"}) {
            System.setProperty("org.slf4j.simpleLogger.log." + logger, System.getProperty("org.slf4j.simpleLogger.log." + logger, "warn"));
        }
    }

    private static void describe(Sandbox sandbox, PrintWriter out) {
        var pg = sandbox.postgres();
        var cluster = sandbox.cluster();
        boolean ready = sandbox.awaitReady(Sandbox.RENDER_TIMEOUT);
        out.println();
        out.println("  primary   127.0.0.1:" + pg.primary().port() + "   replica 127.0.0.1:" + pg.replica().port() + "   (PostgreSQL, data in " + pg.directory() + ")");
        out.println("  api       " + cluster.apiUrl() + "   (fabric8 mock API server, CRUD mode; the operator reconciles DatabasePool "
                + SandboxCluster.NAMESPACE + "/" + SandboxCluster.POOL + ")");
        out.println("  sidecar   127.0.0.1:" + sandbox.port() + "   config " + sandbox.sidecarConfigFile());
        out.println("            from ConfigMap " + SandboxCluster.NAMESPACE + "/" + SandboxCluster.POOL + "-config as the operator rendered it ("
                + sandbox.directory().resolve("sidecar.rendered.yaml") + "), changed only where this machine differs from a pod:");
        out.println("            listeners on 127.0.0.1 (--port, --admin-port), and server.passwordFile / auth.usersFile written from the Secrets to "
                + sandbox.directory());
        out.println();
        out.println("  DatabasePool " + SandboxCluster.NAMESPACE + "/" + SandboxCluster.POOL + (ready ? "" : " (not Ready yet)") + ":");
        cluster.describe().lines().forEach(l -> out.println("  " + l));
        out.println();
        out.println("  kubectl:  " + sandbox.kubectl("get databasepools -n " + SandboxCluster.NAMESPACE));
        out.println("  kubectl:  " + sandbox.kubectl("describe databasepool " + SandboxCluster.POOL + " -n " + SandboxCluster.NAMESPACE));
        out.println("  connect:  " + sandbox.psqlLine());
        out.println("  metrics:  " + sandbox.adminUrl("/metrics"));
        out.println("  status:   " + sandbox.adminUrl("/status"));
        out.println();
        out.flush();
    }

    private static int waitForInterrupt(Sandbox sandbox, PrintWriter out) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println("sandbox: stopping and cleaning up...");
            out.flush();
            sandbox.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("sandbox: running; press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }
}
