package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {

    @Test
    void capturesExitCodeAndBothStreamsApart() {
        ProcessResult result = CommandRunner.run(List.of("bash", "-c", "echo out; echo err >&2; exit 3"),
                Map.of(), null, Duration.ofSeconds(10));

        assertThat(result).isEqualTo(new ProcessResult(3, "out\n", "err\n"));
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void passesTheGivenEnvironment() {
        ProcessResult result = CommandRunner.run(List.of("bash", "-c", "echo \"$GREETING\""),
                Map.of("GREETING", "hello"), null, Duration.ofSeconds(10));

        assertThat(result.stdout()).isEqualTo("hello\n");
    }

    @Test
    void givesEndOfFileOnStandardInput() {
        ProcessResult result = CommandRunner.run(List.of("cat"), Map.of(), null, Duration.ofSeconds(10));

        assertThat(result).isEqualTo(new ProcessResult(0, "", ""));
    }

    @Test
    void killsACommandThatOutlivesItsTimeoutAndShowsItsOutput() {
        long started = System.nanoTime();

        assertThatThrownBy(() -> CommandRunner.run(List.of("bash", "-c", "echo partial; exec sleep 30"),
                        Map.of(), null, Duration.ofMillis(300)))
                .isInstanceOf(LocalPostgresException.class)
                .hasMessageContaining("did not finish within")
                .hasMessageContaining("partial");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void requireSuccessQuotesTheFailure() {
        ProcessResult failed = new ProcessResult(1, "", "initdb: error: directory exists\n");

        assertThatThrownBy(() -> CommandRunner.requireSuccess(failed, "initdb of primary"))
                .hasMessageContaining("initdb of primary failed (exit code 1)")
                .hasMessageContaining("directory exists");
    }
}
