package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.v1alpha1.Conditions;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.api.v1alpha1.ServerRole;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each test kills servers, so each starts its own PostgreSQL cluster. */
class FailoverIT extends OperatorIT {
    static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void poolSecrets() {
        k8s.localPoolSecrets();
    }

    int renderedPrimaryPort() {
        var config = k8s.client().configMaps().inNamespace("shop").withName("orders-config").get();
        return SidecarConfigYaml.parse(config.getData().get("sidecar.yaml")).primary().port();
    }

    DatabasePoolStatus status() {
        return k8s.pool("shop", "orders").getStatus();
    }

    @Test
    void whenThePrimaryDiesAndAReplicaIsPromotedThenThePoolFollowsIt() {
        try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(1))) {
            k8s.apply(Pools.yaml("orders", pg, "instances: 1"));
            Eventually.assertThat(WAIT, () -> assertThat(status().currentPrimary()).isEqualTo("127.0.0.1:" + pg.primary().port()));
            String oldHash = status().configHash();

            pg.primary().kill();
            Eventually.assertThat(WAIT, () -> assertThat(status().condition(Conditions.PRIMARY_AVAILABLE).orElseThrow().getReason())
                    .isEqualTo("PrimaryUnreachable"));
            pg.replica().promote();

            String replica = "127.0.0.1:" + pg.replica().port();
            Eventually.assertThat(WAIT, () -> {
                DatabasePoolStatus s = status();
                assertThat(s.currentPrimary()).isEqualTo(replica);
                assertThat(s.lastFailover().from()).isEqualTo("127.0.0.1:" + pg.primary().port());
                assertThat(s.lastFailover().to()).isEqualTo(replica);
                assertThat(s.lastFailover().reason()).isEqualTo("PrimaryChanged");
                assertThat(s.configHash()).isNotEqualTo(oldHash);
                assertThat(s.condition(Conditions.PRIMARY_AVAILABLE).orElseThrow().getStatus()).isEqualTo("True");
                assertThat(s.server(replica).orElseThrow().role()).isEqualTo(ServerRole.Primary);
                assertThat(renderedPrimaryPort()).isEqualTo(pg.replica().port());
                assertThat(k8s.client().v1().events().inNamespace("shop").list().getItems())
                        .filteredOn(e -> "Failover".equals(e.getReason())).extracting(Event::getMessage)
                        .anySatisfy(m -> assertThat(m).contains("to " + replica));
            });
        }
    }

    @Test
    void whenThePolicyIsPromoteThenTheMostAdvancedReplicaIsPromotedAndTheOldPrimaryFenced() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(2))) {
            LocalServer behind = pg.replicas().get(0);
            LocalServer ahead = pg.replicas().get(1);
            // The first replica in the spec misses the last writes: it was down while they were made.
            behind.stop();
            pg.primary().sql("create table orders as select generate_series(1, 10000) as id");
            ahead.awaitCaughtUpWith(pg.primary(), Duration.ofSeconds(30));
            k8s.apply(Pools.yaml("orders", pg, "instances: 1\nfailover: {policy: Promote, probeInterval: 300ms, unhealthyAfter: 2}"));
            Eventually.assertThat(WAIT, () -> assertThat(status().currentPrimary()).isEqualTo("127.0.0.1:" + pg.primary().port()));

            pg.primary().kill();
            behind.start();

            String promoted = "127.0.0.1:" + ahead.port();
            Eventually.assertThat(WAIT, () -> {
                DatabasePoolStatus s = status();
                assertThat(s.currentPrimary()).as("status %s", s).isEqualTo(promoted);
                assertThat(s.lastFailover().reason()).isEqualTo("Promoted");
                assertThat(s.server("127.0.0.1:" + pg.primary().port()).orElseThrow().fenced()).isTrue();
                assertThat(renderedPrimaryPort()).isEqualTo(ahead.port());
            });
            assertThat(ahead.sql("select pg_is_in_recovery()")).isEqualTo("f");
            assertThat(behind.sql("select pg_is_in_recovery()")).as("the replica that was behind is left alone").isEqualTo("t");
            assertThat(k8s.registry().scrape()).contains("poolkeeper_operator_promotions_total{pool=\"shop/orders\",result=\"promoted\"} 1.0");
        }
    }

    @Test
    void whenThePolicyIsFollowThenNoReplicaIsPromoted() {
        try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(1))) {
            k8s.apply(Pools.yaml("orders", pg, "instances: 1\nfailover: {policy: Follow, probeInterval: 300ms, unhealthyAfter: 2}"));
            Eventually.assertThat(WAIT, () -> assertThat(status().currentPrimary()).isNotNull());

            pg.primary().kill();

            Eventually.assertThat(WAIT, () -> {
                var failover = status().condition(Conditions.FAILOVER_IN_PROGRESS).orElseThrow();
                assertThat(failover.getStatus()).isEqualTo("True");
                assertThat(failover.getReason()).isEqualTo("WaitingForPrimary");
                assertThat(status().condition(Conditions.READY).orElseThrow().getStatus()).isEqualTo("False");
            });
            assertThat(pg.replica().sql("select pg_is_in_recovery()")).isEqualTo("t");
        }
    }
}
