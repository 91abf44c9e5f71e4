package io.poolkeeper.localpg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the PostgreSQL 15 programs live: {@value #ENV_VAR} if set, else the Debian location. */
final class PgBinaries {

    static final String ENV_VAR = "POOLKEEPER_PG_BIN";
    private static final Path DEBIAN = Path.of("/usr/lib/postgresql/15/bin");
    private static final List<String> SERVER_PROGRAMS = List.of("initdb", "pg_ctl", "postgres", "pg_basebackup");

    private final Path directory;

    private PgBinaries(Path directory) {
        this.directory = directory;
    }

    static PgBinaries fromEnvironment() {
        String configured = System.getenv(ENV_VAR);
        return new PgBinaries(configured == null || configured.isBlank() ? DEBIAN : Path.of(configured));
    }

    /** Fails up front, naming the fix, rather than with a bare "No such file" from deep inside a start. */
    PgBinaries requireServer() {
        for (String program : SERVER_PROGRAMS) {
            if (!Files.isExecutable(directory.resolve(program))) {
                throw new LocalPostgresException("PostgreSQL server program " + program + " not found in " + directory
                        + ". Install PostgreSQL 15 (Debian: apt-get install postgresql-15 postgresql-client-15) or set "
                        + ENV_VAR + " to the directory holding initdb, pg_ctl, postgres and pg_basebackup.");
            }
        }
        return this;
    }

    String program(String name) {
        return directory.resolve(name).toString();
    }

    /**
     * A bare client name such as {@code psql} resolves to this installation when it has one, so the
     * client matches the server whatever is first on the PATH; anything else is left as given.
     */
    String client(String name) {
        if (name.contains("/")) {
            return name;
        }
        Path candidate = directory.resolve(name);
        return Files.isExecutable(candidate) ? candidate.toString() : name;
    }
}
