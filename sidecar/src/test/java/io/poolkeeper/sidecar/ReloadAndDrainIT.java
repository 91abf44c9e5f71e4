package io.poolkeeper.sidecar;

import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.exec;
import static io.poolkeeper.sidecar.TransactionPoolingIsolationIT.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.ProcessResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A config changed under load applies without failing a transaction; SIGTERM lets transactions finish. */
class ReloadAndDrainIT {
    private static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(2).withMaxConnections(200));
        ProcessResult init = LocalPostgres.runClient(List.of("pgbench", "-i", "-s", "1", "-h", pg.primary().host(),
                "-p", String.valueOf(pg.primary().port()), "app"), Map.of(), Duration.ofMinutes(2));
        assertThat(init.exitCode()).as(init.stderr()).isZero();
        pg.awaitReplicasCaughtUp();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void whenTheConfigIsReloadedRepeatedlyUnderLoadThenNoTransactionFails() throws Exception {
        String oneReplica = "replicas:\n" + FailoverIT.replicaLine(pg, 0) + "probe: {interval: 200ms, timeout: 1s}\n";
        String twoReplicas = "replicas:\n" + FailoverIT.replicaLine(pg, 0) + FailoverIT.replicaLine(pg, 1) + "probe: {interval: 200ms, timeout: 1s}\n";
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "pool: {maxSize: 10, minIdle: 2, acquireTimeout: 20s}\n" + oneReplica)) {
            String base = proxy.yaml();
            CompletableFuture<ProcessResult> bench = CompletableFuture.supplyAsync(() -> LocalPostgres.runClient(
                    List.of("pgbench", "-n", "-S", "-c", "50", "-j", "2", "-T", "8", "app"),
                    Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(proxy.port()), "PGUSER", RunningSidecar.USER,
                            "PGPASSWORD", RunningSidecar.PASSWORD, "PGSSLMODE", "disable"), Duration.ofMinutes(2)));
            String[] variants = {
                base.replace(oneReplica, twoReplicas),
                base.replace("maxSize: 10, minIdle: 2", "maxSize: 6, minIdle: 1"),
                base.replace(oneReplica, twoReplicas).replace("maxSize: 10", "maxSize: 14"),
                base,
            };
            int reloads = 0;
            while (!bench.isDone()) {
                proxy.sidecar().reload(SidecarConfigYaml.parse(variants[reloads % variants.length]));
                reloads++;
                Thread.sleep(700);
            }
            assertThatThrownBy(() -> proxy.sidecar().reload(SidecarConfigYaml.parse(base.replace("maxSize: 10", "maxSize: 0"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool.maxSize");
            ProcessResult r = bench.get(2, TimeUnit.MINUTES);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(number("number of failed transactions: (\\d+)", r.stdout())).isZero();
            assertThat(number("number of transactions actually processed: (\\d+)", r.stdout())).isGreaterThan(100);
            assertThat(reloads).isGreaterThanOrEqualTo(5);
            try (Connection c = proxy.connect()) {
                assertThat(one(c, "select 'still serving after an invalid reload'")).isEqualTo("still serving after an invalid reload");
            }
        }
    }

    @Test
    void whenTheSidecarShutsDownThenIdleClientsAreToldAndOpenTransactionsFinish() throws Exception {
        RunningSidecar proxy = RunningSidecar.start(pg.primary(), "shutdownGrace: 10s\n");
        try (Connection busy = proxy.connect(); Connection idle = proxy.connect(); Connection direct = pg.primary().connect("app")) {
            exec(direct, "create table if not exists drained (note text)");
            exec(direct, "truncate drained");
            busy.setAutoCommit(false);
            exec(busy, "insert into drained values ('begun before shutdown')");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            Thread.sleep(300);
            assertThatThrownBy(() -> one(idle, "select 1"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).matches("57P01|08003|08006"));
            assertThat(closing).as("the sidecar waits for the open transaction").isNotDone();
            exec(busy, "insert into drained values ('finished during the grace period')");
            busy.commit();
            closing.get(10, TimeUnit.SECONDS);
            assertThat(one(direct, "select count(*) from drained")).isEqualTo("2");
            assertThatThrownBy(() -> one(busy, "select 1")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void whenTheSidecarShutsDownUnderAWriteLoadThenNoAcknowledgedCommitIsLost() throws Exception {
        try (Connection direct = pg.primary().connect("app")) {
            exec(direct, "create table if not exists ledger (id bigint primary key)");
            exec(direct, "truncate ledger");
        }
        RunningSidecar proxy = RunningSidecar.start(pg.primary(), "shutdownGrace: 5s\n");
        FailoverIT.Writers writers = new FailoverIT.Writers(proxy::connect, 8);
        writers.awaitAcknowledged(200, 30_000);
        proxy.close();
        writers.stop();
        try (Connection direct = pg.primary().connect("app")) {
            List<Long> acknowledged = List.copyOf(writers.acknowledged());
            long present = Long.parseLong(one(direct, "select count(*) from ledger where id = any('{"
                    + String.join(",", acknowledged.stream().map(String::valueOf).toList()) + "}'::bigint[])"));
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);
            assertThat(present).as("acknowledged commits present after shutdown").isEqualTo(acknowledged.size());
            assertThat(writers.failureStates()).allSatisfy(FailoverIT::isConnectionLoss);
        }
    }

    private static int number(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("pgbench output lacks %s:\n%s", regex, text).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
