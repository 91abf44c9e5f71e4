package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.cli.ConfigFile.ConfigFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code poolkeeper sidecar}: builds the config from {@code --config} and the flags over it,
 * refuses to start while it has problems (exit 2, one line per problem), else runs the proxy
 * until SIGTERM or a start failure (exit 1). After SIGTERM the JVM exits with 143 (128 + 15) once
 * the drain is done: a signal-started shutdown ends with the signal's status, not this command's.
 */
@Command(
        name = "sidecar",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = "Runs the Poolkeeper pool proxy: PostgreSQL clients connect to it, and it lends them a "
                + "server connection for each transaction.%n%n"
                + "Settings come from --config; each flag below overrides the config field named in its "
                + "parentheses. Without --config, give at least --primary and --database, and --users-file "
                + "or --auth trust. Durations are whole numbers with ms, s, m or h: 500ms, 2s, 30m.%n")
public final class SidecarCommand implements Callable<Integer> {
    static final int INVALID_SETTINGS = 2;
    static final int START_FAILED = 1;
    private static final String PREFIX = "poolkeeper sidecar: ";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file, as docs/sidecar-config.md describes it.")
    Path config;

    @Mixin
    SidecarFlags flags;

    @Spec
    CommandSpec spec;

    private final SidecarLauncher launcher;

    public SidecarCommand() {
        this(new SidecarRunner());
    }

    SidecarCommand(SidecarLauncher launcher) {
        this.launcher = launcher;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** This command ready to execute, with usage errors printed as one line plus a hint. */
    public static CommandLine commandLine() {
        return commandLine(new SidecarCommand());
    }

    static CommandLine commandLine(SidecarCommand command) {
        return new CommandLine(command).setParameterExceptionHandler(SidecarCommand::usageError);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        SidecarConfig resolved;
        try {
            Optional<SidecarConfig> file = config == null ? Optional.empty() : Optional.of(ConfigFile.read(config));
            resolved = SidecarSettings.resolve(file, flags);
        } catch (ConfigFileException e) {
            err.println(PREFIX + e.getMessage());
            return INVALID_SETTINGS;
        }
        List<String> problems = resolved.problems();
        if (!problems.isEmpty()) {
            problems.forEach(problem -> err.println(PREFIX + FlagHints.annotate(problem)));
            return INVALID_SETTINGS;
        }
        try {
            launcher.run(resolved, Optional.ofNullable(config).map(path ->
                    new ConfigReloader(path, () -> SidecarSettings.resolve(Optional.of(ConfigFile.read(path)), flags))));
            return 0;
        } catch (IOException e) {
            err.println(PREFIX + "cannot start: " + e.getMessage());
            return START_FAILED;
        }
    }

    private static int usageError(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println(PREFIX + e.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Run 'poolkeeper sidecar --help' for the options.");
        }
        return INVALID_SETTINGS;
    }
}
