package io.poolkeeper.cli.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.sidecar.Sidecar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;

/**
 * Everything the sandbox runs on this machine: a PostgreSQL primary and one streaming replica
 * in a temporary directory, an in-process Kubernetes API with the operator reconciling a
 * DatabasePool on those servers ({@link SandboxCluster}), and a sidecar started from the config
 * the operator rendered. Closing it stops all of it and removes the directory.
 */
public final class Sandbox implements AutoCloseable {
    public static final String DATABASE = "app";
    public static final String USER = "app";
    public static final String PASSWORD = "sandbox";
    static final String CONFIG_KEY = "sidecar.yaml";
    static final String HASH_ANNOTATION = "poolkeeper.io/config-hash";
    static final Duration RENDER_TIMEOUT = Duration.ofSeconds(60);

    private final LocalPostgres postgres;
    private final Path configDir;
    private final SandboxCluster cluster;
    private final Sidecar sidecar;
    private final SidecarConfig rendered;
    private String configHash;
    private SidecarConfig running;

    private Sandbox(LocalPostgres postgres, Path configDir, SandboxCluster cluster, Sidecar sidecar, SidecarConfig rendered, String configHash) {
        this.postgres = postgres;
        this.configDir = configDir;
        this.cluster = cluster;
        this.sidecar = sidecar;
        this.rendered = rendered;
        this.configHash = configHash;
    }

    private Sandbox withRunning(SidecarConfig config) {
        this.running = config;
        return this;
    }

    /** Starts the servers, the API, the operator and the sidecar; {@code listenPort}/{@code adminPort} 0 pick free ports. */
    public static Sandbox start(int listenPort, int adminPort) throws IOException {
        LocalPostgres postgres = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(1).withDatabase(DATABASE));
        Path dir = null;
        SandboxCluster cluster = null;
        try {
            dir = Files.createTempDirectory("poolkeeper-sandbox", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            cluster = SandboxCluster.start(postgres, DATABASE, USER, PASSWORD, dir);
            SandboxCluster c = cluster;
            ConfigMap map = cluster.await(RENDER_TIMEOUT, "the operator to render the sidecar config", () -> c.renderedConfig()
                    .filter(m -> m.getData() != null && m.getData().get(CONFIG_KEY) != null));
            String yaml = map.getData().get(CONFIG_KEY);
            Files.writeString(dir.resolve("sidecar.rendered.yaml"), yaml);
            SidecarConfig rendered = SidecarConfigYaml.parse(yaml);
            SidecarConfig local = local(rendered, "127.0.0.1:" + listenPort, "127.0.0.1:" + adminPort, dir, cluster);
            Files.writeString(dir.resolve("sidecar.yaml"), SidecarConfigYaml.write(local));
            Sidecar sidecar = Sidecar.start(local);
            cluster.markPodReady();
            return new Sandbox(postgres, dir, cluster, sidecar, rendered, map.getMetadata().getAnnotations().get(HASH_ANNOTATION))
                    .withRunning(local);
        } catch (IOException | RuntimeException e) {
            try {
                if (cluster != null) cluster.close();
            } finally {
                postgres.close();
                deleteQuietly(dir);
            }
            throw e;
        }
    }

    /**
     * The operator's config with only what cannot be on this machine changed: the listeners (on
     * 127.0.0.1, at the ports asked for) and the files a pod would have mounted from the Secrets,
     * written into {@code dir} instead.
     */
    private static SidecarConfig local(SidecarConfig rendered, String listen, String admin, Path dir, SandboxCluster cluster) throws IOException {
        Path password = Files.writeString(dir.resolve("server-password"), cluster.secretValue(SandboxCluster.POOL + "-db", "password"));
        Path users = Files.writeString(dir.resolve("users.txt"), cluster.secretValue(SandboxCluster.POOL + "-clients", "users"));
        return new SidecarConfig(listen, admin, rendered.database(), rendered.serverDatabase(), rendered.primary(),
                new SidecarConfig.ServerLogin(rendered.server().user(), password.toString(), rendered.server().tls()),
                new SidecarConfig.ClientAuth(rendered.auth().method(), users.toString()),
                rendered.tls(), rendered.pool(), rendered.timeouts(), rendered.limits(), rendered.replicas(),
                rendered.listenReadOnly() == null ? null : "127.0.0.1:0",
                rendered.routing(), rendered.probe(), rendered.circuitBreaker(), rendered.monitoring(), rendered.shutdownGrace());
    }

    private static SidecarConfig withReadOnlyListener(SidecarConfig c, String listenReadOnly) {
        return new SidecarConfig(c.listen(), c.admin(), c.database(), c.serverDatabase(), c.primary(), c.server(), c.auth(), c.tls(),
                c.pool(), c.timeouts(), c.limits(), c.replicas(), listenReadOnly, c.routing(), c.probe(), c.circuitBreaker(),
                c.monitoring(), c.shutdownGrace());
    }

    /** Waits up to {@code timeout} for the DatabasePool's Ready condition to be True. */
    public boolean awaitReady(Duration timeout) {
        try {
            cluster.await(timeout, "the DatabasePool to become Ready", () -> cluster.ready() ? Optional.of(true) : Optional.empty());
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Applies the config the operator rendered last, as the pod's config reload would; true when
     * there was a new one.
     */
    public synchronized boolean reloadFromOperator() throws IOException {
        ConfigMap map = cluster.renderedConfig().orElseThrow(() -> new IllegalStateException("the pool's ConfigMap is gone"));
        String hash = map.getMetadata().getAnnotations().get(HASH_ANNOTATION);
        if (hash != null && hash.equals(configHash)) return false;
        String yaml = map.getData().get(CONFIG_KEY);
        Files.writeString(configDir.resolve("sidecar.rendered.yaml"), yaml);
        SidecarConfig parsed = SidecarConfigYaml.parse(yaml);
        SidecarConfig next = local(parsed, running.listen(), running.admin(), configDir, cluster);
        if (parsed.listenReadOnly() != null && running.listenReadOnly() != null) {
            next = withReadOnlyListener(next, running.listenReadOnly());
        }
        Files.writeString(configDir.resolve("sidecar.yaml"), SidecarConfigYaml.write(next));
        sidecar.reload(next);
        configHash = hash;
        running = next;
        return true;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public SandboxCluster cluster() {
        return cluster;
    }

    /** The config as the operator rendered it into the pool's ConfigMap, when the sidecar started. */
    public SidecarConfig renderedConfig() {
        return rendered;
    }

    /** The config the sidecar runs now: the operator's, with the local listeners and files. */
    public synchronized SidecarConfig sidecarConfig() {
        return running;
    }

    /** The config hash of the ConfigMap the running sidecar config came from. */
    public synchronized String configHash() {
        return configHash;
    }

    public int port() {
        return sidecar.listenAddress().getPort();
    }

    public Optional<Integer> readOnlyPort() {
        return sidecar.readOnlyAddress().map(a -> a.getPort());
    }

    public int adminPort() {
        return sidecar.adminAddress().getPort();
    }

    public Path directory() {
        return configDir;
    }

    public Path sidecarConfigFile() {
        return configDir.resolve("sidecar.yaml");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?sslmode=disable";
    }

    public String psqlLine() {
        return "PGPASSWORD=" + PASSWORD + " psql \"host=127.0.0.1 port=" + port() + " dbname=" + DATABASE + " user=" + USER + "\"";
    }

    public String adminUrl(String path) {
        return "http://127.0.0.1:" + adminPort() + path;
    }

    public String kubectl(String args) {
        return "KUBECONFIG=" + cluster.kubeconfig() + " kubectl " + args;
    }

    @Override
    public void close() {
        try {
            sidecar.close();
        } finally {
            try {
                cluster.close();
            } finally {
                postgres.close();
                deleteQuietly(configDir);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless and the OS clears /tmp
        }
    }
}
