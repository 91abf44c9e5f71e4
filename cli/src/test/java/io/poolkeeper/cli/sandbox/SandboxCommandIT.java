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
        assertThat(printed.lines().filter(l -> l.startsWith("  ok ")).count()).isEqualTo(11);
        assertThat(printed).containsPattern("api       http://127\\.0\\.0\\.1:\\d+ ");
        assertThat(printed).containsPattern("kubectl:  KUBECONFIG=\\S+/kubeconfig kubectl get databasepools -n sandbox\n");
        assertThat(printed).containsPattern("kubectl:  KUBECONFIG=\\S+/kubeconfig kubectl describe databasepool app -n sandbox\n");
        assertThat(printed).contains("from ConfigMap sandbox/app-config as the operator rendered it")
                .contains("server.passwordFile / auth.usersFile written from the Secrets to");
        assertThat(printed).containsPattern("Current Primary: +127\\.0\\.0\\.1:\\d+")
                .containsPattern("Per Pod Size: +\\d+")
                .containsPattern("Ready +True +Reconciled")
                .containsPattern("127\\.0\\.0\\.1:\\d+ +Replica +true");
        assertThat(printed).containsPattern("  ok    the operator made the DatabasePool Ready=True: primary 127\\.0\\.0\\.1:\\d+, per-pod size \\d+");
        assertThat(printed).contains("  ok    the sidecar runs the config the operator rendered: ConfigMap sandbox/app-config");
        assertThat(printed).containsPattern("  ok    kubectl get databasepools lists the pool: app 127\\.0\\.0\\.1:\\d+ 1 \\d+ True \\d+s");
        assertThat(printed).containsPattern("  ok    kubectl describe databasepool shows its status: Current Primary: +127\\.0\\.0\\.1:\\d+");
        assertThat(printed).containsPattern("  ok    failover drill: .*: DatabasePool primary 127\\.0\\.0\\.1:(\\d+) -> 127\\.0\\.0\\.1:(\\d+) "
                + "\\(PrimaryChanged\\), sidecar reloaded, write committed on 127\\.0\\.0\\.1:\\2");
        Matcher kubeconfig = Pattern.compile("KUBECONFIG=(\\S+) kubectl").matcher(printed);
        assertThat(kubeconfig.find()).isTrue();
        assertThat(Files.exists(Path.of(kubeconfig.group(1)))).as("the sandbox's kubeconfig directory is removed").isFalse();
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
