package io.poolkeeper.localpg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Drives pg_ctl for one data directory, as the server user; every call waits for the outcome. */
final class PgCtl {

    enum ShutdownMode {
        /** Rolls back open transactions and checkpoints: a clean stop. */
        FAST,
        /** Ends every process at once; the next start runs crash recovery. */
        IMMEDIATE
    }

    private static final String WAIT_SECONDS = "30";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final PgBinaries binaries;
    private final ServerUser user;
    private final Path dataDir;
    private final Path logFile;

    PgCtl(PgBinaries binaries, ServerUser user, Path dataDir, Path logFile) {
        this.binaries = binaries;
        this.user = user;
        this.dataDir = dataDir;
        this.logFile = logFile;
    }

    /** Starts the server on {@code port} and waits until it accepts connections; the caller judges failure. */
    ProcessResult start(int port) {
        return run("start", "-l", logFile.toString(), "-o", "-p " + port);
    }

    void stop(ShutdownMode mode) {
        CommandRunner.requireSuccess(run("stop", "-m", mode.name().toLowerCase()), "pg_ctl stop of " + dataDir);
    }

    void promote() {
        CommandRunner.requireSuccess(run("promote"), "pg_ctl promote of " + dataDir);
    }

    private ProcessResult run(String action, String... options) {
        List<String> argv = new ArrayList<>(
                List.of(binaries.program("pg_ctl"), action, "-D", dataDir.toString(), "-w", "-t", WAIT_SECONDS));
        argv.addAll(List.of(options));
        // The server user may not be allowed into the caller's working directory, so work next to the data.
        return CommandRunner.run(user.command(argv), Map.of(), dataDir.getParent(), COMMAND_TIMEOUT);
    }
}
