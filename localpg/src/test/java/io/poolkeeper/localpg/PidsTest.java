package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PidsTest {

    @Test
    void seesARunningProcessAndNotAnEndedOne() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        assertThat(Pids.isRunning(sleeper.pid())).isTrue();

        sleeper.destroyForcibly().waitFor();

        assertThat(Pids.isRunning(sleeper.pid())).isFalse();
    }

    @Test
    void countsAnUnreapedZombieAsGone() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
        // The shell starts a short sleep, then becomes a long sleep that never reaps it.
        Process parent = new ProcessBuilder("bash", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
        try {
            long zombie = Long.parseLong(parent.inputReader().readLine().strip());
            Await.until("the child to exit", Duration.ofSeconds(10),
                    () -> Files.readString(Path.of("/proc/" + zombie + "/stat")).contains(") Z "));

            assertThat(ProcessHandle.of(zombie).map(ProcessHandle::isAlive)).contains(true);
            assertThat(Pids.isRunning(zombie)).isFalse();
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void awaitGoneReportsAProcessThatOutlivesTheWait() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(Pids.awaitGone(List.of(sleeper.pid()), Duration.ofMillis(50))).isFalse();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertThat(Pids.awaitGone(List.of(sleeper.pid()), Duration.ofMillis(50))).isTrue();
    }
}
