package io.poolkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PoolkeeperTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = new CommandLine(new Poolkeeper());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Test
    void helpDescribesTheCommandAndSucceeds() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: poolkeeper").contains("--version");
    }

    @Test
    void versionNamesTheProgram() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("poolkeeper ");
    }

    @Test
    void noCommandIsAUsageErrorThatShowsTheHelp() {
        assertThat(run()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).startsWith("Missing command.").contains("Usage: poolkeeper");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("frobnicate");
    }

    @Test
    void helpListsTheSidecarAndTheOperator() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("sidecar").contains("operator").contains("sandbox");
    }

    @Test
    void operatorHelpNamesTheEnvironmentTheChartSets() {
        assertThat(run("operator", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: poolkeeper operator")
                .contains("POOLKEEPER_NAMESPACES", "POOLKEEPER_LEASE_NAMESPACE", "POOLKEEPER_SIDECAR_IMAGE",
                        "POOLKEEPER_METRICS_PORT", "POD_NAME");
    }
}
