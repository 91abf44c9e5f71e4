package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reads and writes on the cluster shared by the whole run; nothing here stops or kills a server. */
@ExtendWith(LocalPostgresExtension.class)
class LocalPostgresIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private final LocalPostgres injectedIntoConstructor;

    LocalPostgresIT(LocalPostgres pg) {
        this.injectedIntoConstructor = pg;
    }

    @Test
    void extensionSharesOneCluster(LocalPostgres pg) {
        assertThat(pg).isSameAs(injectedIntoConstructor);
        assertThat(pg.servers()).allMatch(LocalServer::isRunning);
    }

    @Test
    void replicaReturnsWhatThePrimaryWrote(LocalPostgres pg) {
        pg.primary().sql("create table written_on_primary (note text)");
        pg.primary().sql("insert into written_on_primary values ('hello from the primary')");

        pg.awaitReplicasCaughtUp();

        assertThat(pg.replica().sql("select note from written_on_primary")).isEqualTo("hello from the primary");
    }

    @Test
    void replicaRefusesWrites(LocalPostgres pg) {
        assertThatThrownBy(() -> pg.replica().sql("create table on_replica (id int)"))
                .isInstanceOf(LocalPostgresException.class)
                .hasMessageContaining("read-only transaction");
    }

    @Test
    void serversRunWithTheAskedForSetup(LocalPostgres pg) {
        LocalServer primary = pg.primary();
        LocalServer replica = pg.replica();

        assertThat(primary.role()).isEqualTo(Role.PRIMARY);
        assertThat(replica.role()).isEqualTo(Role.REPLICA);
        assertThat(primary.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + primary.port() + "/app");
        assertThat(replica.port()).isNotEqualTo(primary.port());
        assertThat(primary.sql("select current_database()")).isEqualTo("app");
        assertThat(primary.sql("show max_connections")).isEqualTo("100");
        assertThat(primary.sql("show fsync")).isEqualTo("off");
        assertThat(replica.sql("show hot_standby_feedback")).isEqualTo("on");
        assertThat(replica.sql("select pg_is_in_recovery()")).isEqualTo("t");
        assertThat(primary.sql("select count(*) from pg_stat_replication where state = 'streaming'")).isEqualTo("1");
        assertThat(primary.dataDir()).startsWith(pg.directory());
    }

    @Test
    void refusesAWrongPassword(LocalPostgres pg) {
        assertThatThrownBy(() -> DriverManager.getConnection(pg.primary().jdbcUrl(), LocalPostgres.USER, "wrong"))
                .isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void psqlConnectsWithTheClusterPassword(LocalPostgres pg) {
        LocalServer replica = pg.replica();

        ProcessResult result = LocalPostgres.runClient(List.of("psql", "-h", replica.host(),
                "-p", Integer.toString(replica.port()), "-d", "app", "-Atc", "select pg_is_in_recovery()"),
                Map.of(), Duration.ofSeconds(30));

        assertThat(result).isEqualTo(new ProcessResult(0, "t\n", ""));
    }

    @Test
    void runClientReportsAClientFailure(LocalPostgres pg) {
        ProcessResult result = LocalPostgres.runClient(List.of("psql", "-h", pg.primary().host(),
                "-p", Integer.toString(pg.primary().port()), "-d", "app", "-Atc", "select"),
                Map.of("PGPASSWORD", "wrong"), Duration.ofSeconds(30));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("password authentication failed");
    }

    @Test
    void pausedReplicaHoldsBackChangesUntilResumed(LocalPostgres pg) {
        LocalServer primary = pg.primary();
        LocalServer replica = pg.replica();
        primary.sql("create table replayed_later (id int)");
        pg.awaitReplicasCaughtUp();

        replica.pauseReplay();
        try {
            primary.sql("insert into replayed_later values (1)");
            WalPosition written = WalPosition.parse(primary.sql("select pg_current_wal_insert_lsn()"));
            Await.until("the replica to receive the insert", CATCH_UP,
                    () -> WalPosition.parse(replica.sql("select pg_last_wal_receive_lsn()"))
                            .compareTo(written.withoutPageHeader()) >= 0);

            assertThat(replica.sql("select count(*) from replayed_later")).isEqualTo("0");
        } finally {
            replica.resumeReplay();
        }
        replica.awaitCaughtUpWith(primary, CATCH_UP);

        assertThat(replica.sql("select count(*) from replayed_later")).isEqualTo("1");
    }
}
