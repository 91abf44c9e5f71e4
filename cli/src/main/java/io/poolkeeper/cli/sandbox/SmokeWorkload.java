package io.poolkeeper.cli.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.poolkeeper.api.v1alpha1.Conditions;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.localpg.LocalServer;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A short read/write workload through the sandbox's sidecar, from several clients at once, that
 * checks every answer and says what it saw. The first thing a newcomer runs, so each line is a
 * check a person can read.
 */
public final class SmokeWorkload {
    private static final int CLIENTS = 8;
    private static final int ORDERS_PER_CLIENT = 50;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Sandbox sandbox;
    private final PrintWriter out;
    private int failures;

    public SmokeWorkload(Sandbox sandbox, PrintWriter out) {
        this.sandbox = sandbox;
        this.out = out;
    }

    /** Runs every check; true when all passed. */
    public boolean run() {
        check("the operator made the DatabasePool Ready=True", this::poolReady);
        check("the sidecar runs the config the operator rendered", this::configFromOperator);
        check("create a table through the sidecar", this::createTable);
        check(CLIENTS + " clients write " + CLIENTS * ORDERS_PER_CLIENT + " orders in transactions, with prepared statements", this::concurrentWrites);
        check("every order is there, read back through the sidecar", this::readBack);
        check("the write reached the replica by streaming replication", this::replicaSeesIt);
        check("a failed transaction leaves nothing behind", this::rollback);
        check("the admin port reports transactions in /metrics and is ready", this::metrics);
        check("kubectl get databasepools lists the pool", this::kubectlGet);
        check("kubectl describe databasepool shows its status", this::kubectlDescribe);
        check("failover drill: kill -9 the primary, promote the replica, the pool follows and writes go through", this::failover);
        out.println(failures == 0 ? "smoke: all checks passed" : "smoke: " + failures + " check(s) failed");
        out.flush();
        return failures == 0;
    }

    private void check(String what, Callable<String> step) {
        try {
            String seen = step.call();
            out.println("  ok    " + what + (seen.isEmpty() ? "" : ": " + seen));
        } catch (Exception | AssertionError e) {
            failures++;
            out.println("  FAIL  " + what + ": " + e.getMessage());
        }
        out.flush();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(sandbox.jdbcUrl(), Sandbox.USER, Sandbox.PASSWORD);
    }

    private String createTable() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("drop table if exists smoke_orders");
            s.execute("create table smoke_orders (id bigserial primary key, client int not null, amount numeric(10,2) not null)");
        }
        return "";
    }

    private String concurrentWrites() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                int id = client;
                done.add(pool.submit(() -> writeOrders(id)));
            }
            int total = 0;
            for (Future<Integer> f : done) total += f.get();
            require(total == CLIENTS * ORDERS_PER_CLIENT, "wrote " + total + " orders");
            return total + " committed";
        }
    }

    private int writeOrders(int client) throws SQLException {
        try (Connection c = DriverManager.getConnection(sandbox.jdbcUrl() + "&prepareThreshold=1", Sandbox.USER, Sandbox.PASSWORD);
             PreparedStatement insert = c.prepareStatement("insert into smoke_orders (client, amount) values (?, ?)")) {
            c.setAutoCommit(false);
            int written = 0;
            for (int i = 0; i < ORDERS_PER_CLIENT; i++) {
                insert.setInt(1, client);
                insert.setBigDecimal(2, java.math.BigDecimal.valueOf(i, 2));
                written += insert.executeUpdate();
                if (i % 10 == 9) c.commit();
            }
            c.commit();
            return written;
        }
    }

    private String readBack() throws SQLException {
        // The operator's config splits reads (routing.splitReads: Auto): another client's read-only
        // query may be answered by the replica, so it is read once the replica has replayed the writes.
        sandbox.postgres().replica().awaitCaughtUpWith(sandbox.postgres().primary(), java.time.Duration.ofSeconds(10));
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), count(distinct client), sum(amount) from smoke_orders")) {
            rs.next();
            long expectedSum = (long) CLIENTS * (ORDERS_PER_CLIENT - 1) * ORDERS_PER_CLIENT / 2;
            require(rs.getInt(1) == CLIENTS * ORDERS_PER_CLIENT, "found " + rs.getInt(1) + " orders");
            require(rs.getInt(2) == CLIENTS, "found " + rs.getInt(2) + " clients");
            require(rs.getBigDecimal(3).movePointRight(2).longValueExact() == expectedSum, "sum was " + rs.getBigDecimal(3));
            return rs.getInt(1) + " orders from " + rs.getInt(2) + " clients, sum " + rs.getBigDecimal(3);
        }
    }

    private String replicaSeesIt() {
        var replica = sandbox.postgres().replica();
        replica.awaitCaughtUpWith(sandbox.postgres().primary(), java.time.Duration.ofSeconds(10));
        String count = replica.sql("select count(*) from smoke_orders");
        require(count.equals(String.valueOf(CLIENTS * ORDERS_PER_CLIENT)), "replica has " + count + " orders");
        return "replica " + replica.host() + ":" + replica.port() + " has " + count;
    }

    private String rollback() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("insert into smoke_orders (client, amount) values (-1, 1)");
            try {
                s.execute("insert into smoke_orders (client, amount) values (-1, 'not a number')");
                throw new AssertionError("the bad insert was accepted");
            } catch (SQLException e) {
                require(e.getSQLState().equals("22P02"), "got SQLSTATE " + e.getSQLState());
            }
            c.rollback();
            try (ResultSet rs = s.executeQuery("select count(*) from smoke_orders where client = -1")) {
                rs.next();
                require(rs.getInt(1) == 0, rs.getInt(1) + " rows survived the rollback");
            }
            c.commit();
            return "SQLSTATE 22P02 reported, nothing kept";
        }
    }

    private String metrics() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(sandbox.adminUrl("/readyz"))).build(), HttpResponse.BodyHandlers.ofString());
            require(ready.statusCode() == 200, "/readyz answered " + ready.statusCode() + ": " + ready.body());
            String metrics = http.send(HttpRequest.newBuilder(URI.create(sandbox.adminUrl("/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
            String line = metrics.lines().filter(l -> l.startsWith("poolkeeper_transactions_total{")).findFirst()
                    .orElseThrow(() -> new AssertionError("no poolkeeper_transactions_total in /metrics"));
            double transactions = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            require(transactions >= CLIENTS, "only " + transactions + " transactions counted");
            return (long) transactions + " transactions counted";
        }
    }

    private String poolReady() {
        require(sandbox.awaitReady(READY_TIMEOUT), "not Ready after " + READY_TIMEOUT.toSeconds() + "s: "
                + sandbox.cluster().status().flatMap(st -> st.condition(Conditions.READY)).map(c -> c.getReason() + ": " + c.getMessage()).orElse("no status"));
        DatabasePoolStatus status = sandbox.cluster().status().orElseThrow();
        String primary = "127.0.0.1:" + sandbox.postgres().primary().port();
        require(primary.equals(status.currentPrimary()), "current primary " + status.currentPrimary() + ", expected " + primary);
        return "primary " + status.currentPrimary() + ", per-pod size " + status.perPodSize();
    }

    private String configFromOperator() {
        ConfigMap map = sandbox.cluster().renderedConfig().orElseThrow(() -> new AssertionError("no ConfigMap " + SandboxCluster.POOL + "-config"));
        String hash = map.getMetadata().getAnnotations().get(Sandbox.HASH_ANNOTATION);
        require(hash != null && hash.equals(sandbox.configHash()), "the sidecar runs config " + sandbox.configHash() + ", the ConfigMap has " + hash);
        require(hash.equals(sandbox.cluster().status().orElseThrow().configHash()), "the pool's status names config " + sandbox.cluster().status().orElseThrow().configHash());
        var rendered = sandbox.renderedConfig();
        require(rendered.primary().port() == sandbox.postgres().primary().port(), "rendered primary port " + rendered.primary().port());
        require(rendered.pool().maxSize().equals(sandbox.cluster().status().orElseThrow().perPodSize()),
                "rendered pool.maxSize " + rendered.pool().maxSize() + " is not the per-pod size");
        return "ConfigMap " + SandboxCluster.NAMESPACE + "/" + SandboxCluster.POOL + "-config, hash " + hash.substring(0, Math.min(12, hash.length()))
                + ", pool.maxSize " + rendered.pool().maxSize();
    }

    private String kubectlGet() throws Exception {
        String printed = kubectl("get", "databasepools", "-n", SandboxCluster.NAMESPACE);
        List<String> lines = printed.lines().toList();
        require(lines.size() >= 2 && lines.get(0).startsWith("NAME") && lines.get(0).contains("PRIMARY") && lines.get(0).contains("READY"),
                "unexpected output:\n" + printed);
        String row = lines.stream().filter(l -> l.startsWith(SandboxCluster.POOL + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for the pool:\n" + printed));
        require(row.contains(sandbox.cluster().status().orElseThrow().currentPrimary()) && row.contains("True"), "row: " + row);
        return row.replaceAll("\\s+", " ").trim();
    }

    private String kubectlDescribe() throws Exception {
        String printed = kubectl("describe", "databasepool", SandboxCluster.POOL, "-n", SandboxCluster.NAMESPACE);
        require(printed.contains("Kind:         DatabasePool") && printed.contains("Current Primary:"), "unexpected output:\n" + printed);
        return printed.lines().filter(l -> l.contains("Current Primary:")).findFirst().orElse("").trim();
    }

    private String kubectl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl", "--cache-dir", sandbox.directory().resolve("kube-cache").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", sandbox.cluster().kubeconfig().toString());
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot run kubectl: " + e.getMessage());
        }
        p.getOutputStream().close();
        String printed = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 30s");
        }
        require(p.exitValue() == 0, "kubectl " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + printed);
        return printed;
    }

    private String failover() throws Exception {
        LocalServer oldPrimary = sandbox.postgres().primary();
        LocalServer replica = sandbox.postgres().replica();
        String from = "127.0.0.1:" + oldPrimary.port();
        String to = "127.0.0.1:" + replica.port();
        replica.awaitCaughtUpWith(oldPrimary, Duration.ofSeconds(10));
        oldPrimary.kill();
        replica.promote();
        DatabasePoolStatus status = sandbox.cluster().await(READY_TIMEOUT, "the DatabasePool to name " + to + " its primary",
                () -> sandbox.cluster().status().filter(st -> to.equals(st.currentPrimary()) && st.lastFailover() != null));
        require(from.equals(status.lastFailover().from()), "last failover from " + status.lastFailover().from());
        sandbox.cluster().await(READY_TIMEOUT, "the operator to re-render the config for " + to, () -> {
            try {
                sandbox.reloadFromOperator();
                return sandbox.sidecarConfig().primary().port() == replica.port() ? Optional.of(true) : Optional.empty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("insert into smoke_orders (client, amount) values (-2, 1)");
                try (ResultSet rs = s.executeQuery("select inet_server_port()")) {
                    rs.next();
                    require(rs.getInt(1) == replica.port(), "the write went to port " + rs.getInt(1));
                }
                return "DatabasePool primary " + from + " -> " + to + " (" + status.lastFailover().reason() + "), sidecar reloaded, write committed on " + to;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw new AssertionError("no write through the sidecar after the failover: " + (last == null ? "" : last.getMessage()));
    }

    private static void require(boolean condition, String otherwise) {
        if (!condition) throw new AssertionError(otherwise);
    }
}
