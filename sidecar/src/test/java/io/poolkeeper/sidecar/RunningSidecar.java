package io.poolkeeper.sidecar;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A sidecar started in-process in front of a real server, with client users {@value #USER} /
 * {@value #PASSWORD} (SCRAM by default) and the given YAML lines added to its config.
 */
public final class RunningSidecar implements AutoCloseable {
    public static final String USER = "app";
    public static final String PASSWORD = "app-secret";
    public static final String DATABASE = "app";

    private final Sidecar sidecar;
    private final Path dir;
    private final String yaml;

    private RunningSidecar(Sidecar sidecar, Path dir, String yaml) {
        this.sidecar = sidecar;
        this.dir = dir;
        this.yaml = yaml;
    }

    /** The YAML this sidecar was started with, for tests that reload a changed copy. */
    public String yaml() {
        return yaml;
    }

    public static RunningSidecar start(LocalServer primary, String extraYaml) {
        return start(primary.host(), primary.port(), extraYaml);
    }

    /** A sidecar whose primary is whatever listens at {@code host:port} (a fake or blackholed server in fault tests). */
    public static RunningSidecar start(String primaryHost, int primaryPort, String extraYaml) {
        try {
            Path dir = Files.createTempDirectory("poolkeeper-it");
            String yaml = configYaml(dir, primaryHost, primaryPort, extraYaml);
            SidecarConfig config = SidecarConfigYaml.parse(yaml);
            if (!config.problems().isEmpty()) throw new IllegalArgumentException(config.problems().toString());
            return new RunningSidecar(Sidecar.start(config), dir, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param serverFields the fields of {@code server:} as a flow mapping's inside; SERVER_PASSWORD_FILE
     *     stands for a file holding {@link LocalPostgres#PASSWORD}
     */
    public static RunningSidecar start(String primaryHost, int primaryPort, String serverFields, String extraYaml) {
        return start(primaryHost, primaryPort, "server: {" + serverFields + "}\n" + extraYaml);
    }

    /**
     * Writes the users and server password files into {@code dir} and returns the config that uses
     * them, with {@code extraYaml} added. {@code extraYaml} may give its own {@code auth:} (where
     * {@code USERS_FILE} names the users file) and its own {@code server:} (where
     * {@code SERVER_PASSWORD_FILE} names a file holding {@link LocalPostgres#PASSWORD}).
     */
    public static String configYaml(Path dir, String primaryHost, int primaryPort, String extraYaml) throws IOException {
        Path serverPassword = Files.writeString(dir.resolve("server-password"), LocalPostgres.PASSWORD);
        Path users = Files.writeString(dir.resolve("users.txt"),
                "\"" + USER + "\" \"" + PASSWORD + "\"\n\"other\" \"other-secret\"\n");
        String yaml = """
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                database: %s
                primary: {host: %s, port: %d}
                """.formatted(DATABASE, primaryHost, primaryPort);
        if (!extraYaml.contains("server:")) yaml += "server: {user: " + LocalPostgres.USER + ", passwordFile: " + serverPassword + "}\n";
        if (!extraYaml.contains("auth:")) yaml += "auth: {method: scram-sha-256, usersFile: " + users + "}\n";
        if (!extraYaml.contains("shutdownGrace:")) yaml += "shutdownGrace: 3s\n";
        return yaml + extraYaml.replace("USERS_FILE", users.toString()).replace("SERVER_PASSWORD_FILE", serverPassword.toString());
    }

    /**
     * Creates the login {@code role} on {@code server}, with the password {@code SERVER_PASSWORD_FILE}
     * holds, and returns the config line that makes a sidecar's pools log in as it: the server's
     * sessions of that role are then the sidecar's own, countable in {@code pg_stat_activity}.
     */
    public static String ownServerLogin(LocalServer server, String role) throws SQLException {
        try (Connection c = server.connect(DATABASE); var s = c.createStatement()) {
            s.execute("drop role if exists " + role);
            s.execute("create role " + role + " login password '" + LocalPostgres.PASSWORD + "'");
        }
        return "server: {user: " + role + ", passwordFile: SERVER_PASSWORD_FILE}\n";
    }

    public int port() {
        return sidecar.listenAddress().getPort();
    }

    public String jdbcUrl(String extraParameters) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?sslmode=disable" + (extraParameters.isEmpty() ? "" : "&" + extraParameters);
    }

    public Connection connect() throws SQLException {
        return connect("");
    }

    public Connection connect(String extraParameters) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(jdbcUrl(extraParameters), p);
    }

    /** Waits until the sidecar's probe has found the primary, so meters and status carry its role. */
    public static void awaitPrimaryProbed(RunningSidecar proxy) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!proxy.admin("/status").body().replaceAll("\\s+", "").contains("\"role\":\"primary\"")) {
            if (System.nanoTime() > deadline) throw new AssertionError("the primary was never probed: " + proxy.admin("/status").body());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Clients connected now, in any state (the sum of the {@code poolkeeper_clients} gauges). */
    public long clients() {
        return Math.round(sidecar.registry().find("poolkeeper.clients").gauges().stream()
                .mapToDouble(io.micrometer.core.instrument.Gauge::value).sum());
    }

    /** Server connections retired for {@code reason} ({@code broken}, {@code dirty}, {@code max_uses}) so far, over all servers. */
    public double retired(String reason) {
        return sidecar.registry().find("poolkeeper.server.connections.retired").tag("reason", reason).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    public Sidecar sidecar() {
        return sidecar;
    }

    /** GETs a path on the admin port and returns status and body. */
    public HttpResponse<String> admin(String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + sidecar.adminAddress().getPort() + path);
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sidecar.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
