package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Crashes, failovers and restarts, each on a cluster of its own. */
class ServerLifecycleIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    @Test
    void startsAPrimaryAndAStreamingReplica() {
        long started = System.nanoTime();
        try (LocalPostgres pg = LocalPostgres.start()) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // Reported, not asserted: on a shared machine the time says more about the neighbours than about us.
            System.out.println("primary + 1 replica started in " + took.toMillis() + " ms");

            assertThat(pg.replica().sql("select status from pg_stat_wal_receiver")).isEqualTo("streaming");
        }
    }

    @Test
    void promotedReplicaTakesWritesAfterThePrimaryIsKilled() {
        try (LocalPostgres pg = LocalPostgres.start()) {
            LocalServer primary = pg.primary();
            LocalServer replica = pg.replica();
            primary.sql("create table survives_failover (id int)");
            primary.sql("insert into survives_failover values (1)");
            pg.awaitReplicasCaughtUp();
            long primaryPid = primary.pid().orElseThrow();

            primary.kill();

            assertThat(Pids.isRunning(primaryPid)).isFalse();
            assertThat(primary.isRunning()).isFalse();
            assertThatThrownBy(primary::connect).isInstanceOf(SQLException.class);

            replica.promote();

            assertThat(replica.role()).isEqualTo(Role.PRIMARY);
            assertThat(replica.sql("select pg_is_in_recovery()")).isEqualTo("f");
            replica.sql("insert into survives_failover values (2)");
            assertThat(replica.sql("select string_agg(id::text, ',' order by id) from survives_failover"))
                    .isEqualTo("1,2");
            assertThatThrownBy(replica::promote).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void stoppedReplicaCatchesUpAfterItStartsAgain() throws SQLException {
        try (LocalPostgres pg = LocalPostgres.start()) {
            LocalServer primary = pg.primary();
            LocalServer replica = pg.replica();
            int port = replica.port();

            replica.stop();
            replica.stop();

            assertThat(replica.isRunning()).isFalse();
            assertThatThrownBy(replica::connect).isInstanceOf(SQLException.class);
            primary.sql("create table written_while_replica_down (id int)");

            replica.start();
            replica.awaitStreaming(CATCH_UP);
            replica.awaitCaughtUpWith(primary, CATCH_UP);

            assertThat(replica.port()).isEqualTo(port);
            try (Connection connection = replica.connect()) {
                assertThat(connection.isValid(5)).isTrue();
            }
            assertThat(replica.sql("select count(*) from written_while_replica_down")).isEqualTo("0");
            assertThatThrownBy(replica::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void killedPrimaryRecoversItsDataOnRestartAndTheReplicaFollowsAgain() {
        try (LocalPostgres pg = LocalPostgres.start()) {
            LocalServer primary = pg.primary();
            primary.sql("create table before_crash (id int)");
            primary.sql("insert into before_crash select generate_series(1, 1000)");
            pg.awaitReplicasCaughtUp();

            primary.kill();
            primary.start();

            assertThat(primary.sql("select count(*) from before_crash")).isEqualTo("1000");
            primary.sql("insert into before_crash values (1001)");
            pg.replica().awaitStreaming(CATCH_UP);
            pg.awaitReplicasCaughtUp();
            assertThat(pg.replica().sql("select count(*) from before_crash")).isEqualTo("1001");
        }
    }
}
