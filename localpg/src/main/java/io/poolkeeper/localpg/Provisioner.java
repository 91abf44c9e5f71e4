package io.poolkeeper.localpg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Creates the servers' data directories: the primary with initdb, each replica with pg_basebackup. */
final class Provisioner {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final PgBinaries binaries;
    private final ServerUser user;
    private final ClusterDirectory directory;
    private final LocalPostgres.Options options;

    Provisioner(PgBinaries binaries, ServerUser user, ClusterDirectory directory, LocalPostgres.Options options) {
        this.binaries = binaries;
        this.user = user;
        this.directory = directory;
        this.options = options;
    }

    LocalServer initPrimary(String name) {
        Path dataDir = directory.dataDir(name);
        Path passwordFile = directory.root().resolve("password");
        try {
            Files.writeString(passwordFile, LocalPostgres.PASSWORD);
            user.handOver(passwordFile);
            // With these flags initdb's pg_hba.conf asks for a SCRAM password on 127.0.0.1, for
            // replication too, and trusts the Unix socket, which sits in a directory only the server user can enter.
            run("initdb of " + name, List.of(binaries.program("initdb"), "-D", dataDir.toString(),
                    "-U", LocalPostgres.USER, "--pwfile=" + passwordFile, "--auth-host=scram-sha-256",
                    "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"), Map.of());
            Files.writeString(dataDir.resolve("postgresql.conf"),
                    ServerConfig.settings(options.maxConnections(), directory.root()), StandardOpenOption.APPEND);
            Files.delete(passwordFile);
        } catch (IOException e) {
            throw new LocalPostgresException("Could not prepare " + dataDir + ": " + e, e);
        }
        return server(name, Role.PRIMARY);
    }

    /** Copies the running {@code primary}; -R makes the copy a standby that streams from it. */
    LocalServer cloneReplica(LocalServer primary, String name) {
        run("pg_basebackup of " + name + " from " + primary.name(), List.of(binaries.program("pg_basebackup"),
                "-h", primary.host(), "-p", Integer.toString(primary.port()), "-U", LocalPostgres.USER,
                "-D", directory.dataDir(name).toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync", "--no-manifest"),
                Map.of("PGPASSWORD", LocalPostgres.PASSWORD));
        return server(name, Role.REPLICA);
    }

    private LocalServer server(String name, Role role) {
        Path dataDir = directory.dataDir(name);
        Path logFile = directory.logFile(name);
        return new LocalServer(name, role, options.database(), dataDir, logFile,
                new PgCtl(binaries, user, dataDir, logFile), user);
    }

    private void run(String what, List<String> argv, Map<String, String> env) {
        CommandRunner.requireSuccess(
                CommandRunner.run(user.command(argv), env, directory.root(), COMMAND_TIMEOUT), what);
    }
}
