package io.poolkeeper.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.cli.Poolkeeper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The newcomer's first command, run as they would run it, through the root command. */
class SandboxCommandIT {

    @Test
    void whenSmokeRunsThenEveryCheckPassesAndEverythingIsCleanedUp() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Poolkeeper());
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute("sandbox", "--smoke");
        String printed = out.toString();
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("connect:  PGPASSWORD=sandbox psql \"host=127.0.0.1 port=");
        assertThat(printed).containsPattern("metrics:  http://127\\.0\\.0\\.1:\\d+/metrics");
        assertThat(printed).doesNotContain("FAIL").contains("smoke: all checks passed");
        assertThat(printed.lines().filter(l -> l.startsWith("  ok ")).count()).isEqualTo(6);
        Matcher dataDir = Pattern.compile("data in (\\S+)\\)").matcher(printed);
        assertThat(dataDir.find()).isTrue();
        assertThat(Files.exists(Path.of(dataDir.group(1)))).as("the sandbox's PostgreSQL directory is removed").isFalse();
    }

    @Test
    void whenTheSandboxPortIsTakenThenTheErrorSaysHowToChooseAnother() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new Poolkeeper());
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            int exit = cli.execute("sandbox", "--port", String.valueOf(taken.getLocalPort()), "--admin-port", "0");
            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("--port");
        }
    }
}
