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
            "Starts a local PostgreSQL primary and streaming replica (in a temporary directory) and a sidecar",
            "in front of them, then prints how to connect. Ctrl-C stops everything and cleans up.",
            "With --smoke, runs a short read/write workload through the sidecar and exits 0 only if all of it worked."})
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
        out.println("sandbox: starting PostgreSQL (primary + replica) and the sidecar...");
        out.flush();
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(smoke ? 0 : port, smoke ? 0 : adminPort);
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("sandbox: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("listen") ? " (choose other ports with --port and --admin-port)" : ""));
            return 1;
        }
        try (sandbox) {
            describe(sandbox, out);
            if (smoke) return new SmokeWorkload(sandbox, out).run() ? 0 : 1;
            return waitForInterrupt(sandbox, out);
        }
    }

    private static void describe(Sandbox sandbox, PrintWriter out) {
        var pg = sandbox.postgres();
        out.println();
        out.println("  primary   127.0.0.1:" + pg.primary().port() + "   replica 127.0.0.1:" + pg.replica().port() + "   (PostgreSQL, data in " + pg.directory() + ")");
        out.println("  sidecar   127.0.0.1:" + sandbox.port() + "   config " + sandbox.sidecarConfigFile());
        out.println();
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
