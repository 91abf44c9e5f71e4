package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Closing a cluster, or finding one a killed run left behind, must leave no process and no file. */
class CleanupIT {

    @Test
    void closeEndsEveryServerProcessAndDeletesTheDirectory() {
        LocalPostgres pg = LocalPostgres.start();
        Path directory = pg.directory();
        List<Long> postmasters = pg.servers().stream().map(s -> s.pid().orElseThrow()).toList();
        List<Long> processes = serverProcesses(pg);
        assertThat(processes).hasSizeGreaterThan(2);
        // children come and go (backends, workers); the postmasters must be up before close()
        assertThat(postmasters).allMatch(Pids::isRunning);

        pg.close();

        assertThat(directory).doesNotExist();
        assertThat(processes).noneMatch(Pids::isRunning);
        pg.close();
    }

    @Test
    void clusterOfAJvmThatDiedIsRemovedByTheNextStart() throws IOException {
        Process deadJvm = new ProcessBuilder("true").start();
        try (LocalPostgres abandoned = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(0))) {
            List<Long> processes = serverProcesses(abandoned);
            Files.writeString(abandoned.directory().resolve("owner"), Long.toString(deadJvm.pid()));
            deadJvm.onExit().join();

            LeftoverClusters.removeAbandoned();

            assertThat(abandoned.directory()).doesNotExist();
            assertThat(processes).noneMatch(Pids::isRunning);
        }
    }

    @Test
    void aClusterInUseIsNotMistakenForALeftover() {
        try (LocalPostgres inUse = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(0))) {
            LeftoverClusters.removeAbandoned();

            assertThat(inUse.directory()).isDirectory();
            assertThat(inUse.primary().sql("select 1")).isEqualTo("1");
        }
    }

    private static List<Long> serverProcesses(LocalPostgres pg) {
        List<Long> pids = new ArrayList<>();
        for (LocalServer server : pg.servers()) {
            long postmaster = server.pid().orElseThrow();
            pids.add(postmaster);
            ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(child -> pids.add(child.pid()));
        }
        return pids;
    }
}
