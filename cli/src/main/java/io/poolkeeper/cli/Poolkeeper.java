package io.poolkeeper.cli;

import io.poolkeeper.cli.operator.OperatorCommand;
import io.poolkeeper.cli.sandbox.SandboxCommand;
import io.poolkeeper.sidecar.cli.SidecarCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code poolkeeper} command; each job (sidecar, sandbox, operator) is a subcommand registered here. */
@Command(
        name = "poolkeeper",
        mixinStandardHelpOptions = true,
        versionProvider = Poolkeeper.Version.class,
        description = "Connection pooling for PostgreSQL on Kubernetes.",
        subcommands = {SidecarCommand.class, OperatorCommand.class, SandboxCommand.class})
public final class Poolkeeper implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Poolkeeper()).execute(args));
    }

    /** Without a subcommand there is nothing to do: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing command.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The version Maven wrote into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Poolkeeper.class.getPackage().getImplementationVersion();
            return new String[] {"poolkeeper " + (version == null ? "(development build, not from a jar)" : version)};
        }
    }
}
