package io.poolkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolkeeper.api.config.AuthMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabasePoolSpecTest {

    @Test
    void whenTheDesignSketchIsReadThenEveryFieldArrives() {
        DatabasePoolSpec spec = Pools.read("""
                spec:
                  database: orders
                  credentialsSecret: orders-db
                  clientAuthSecret: orders-clients
                  primary:  {host: pg-0.pg, port: 5432}
                  replicas:
                    - {host: pg-1.pg, port: 5432, weight: 2, zone: eu-west-1a}
                    - {host: pg-2.pg, port: 5433, weight: 1, zone: eu-west-1b}
                  topology: Standalone
                  instances: 2
                  sizing: {serverMaxConnections: auto, headroomPercent: 20, minIdlePercent: 25}
                  timeouts: {acquire: 2s, idle: 30s, maxLifetime: 30m, query: 30s, connect: 5s}
                  maxUsesPerConnection: 7500
                  routing: {readStrategy: Weighted, splitReads: Off, maxReplicaLag: 10s, readYourWrites: false, fallbackToPrimary: true}
                  circuitBreaker: {failureThreshold: 5, resetTimeout: 60s}
                  failover: {policy: Promote, probeInterval: 2s, unhealthyAfter: 3}
                  monitoring: {podMonitor: true, prometheusRule: false, slowQuery: 1s, waitingAlert: 10, activeRatioAlert: 0.9}
                """).getSpec();

        assertThat(spec.replicas()).containsExactly(new ReplicaRef("pg-1.pg", 5432, 2, "eu-west-1a"),
                new ReplicaRef("pg-2.pg", 5433, 1, "eu-west-1b"));
        assertThat(spec.sizing().serverMaxConnections().getStrVal()).isEqualTo("auto");
        assertThat(spec.routing().readStrategy()).isEqualTo(ReadStrategy.Weighted);
        assertThat(spec.routing().splitReads()).isEqualTo(SplitReads.Off);
        assertThat(spec.routing().readYourWrites()).isFalse();
        assertThat(spec.failover().policy()).isEqualTo(FailoverPolicy.Promote);
        assertThat(spec.monitoring().prometheusRule()).isFalse();
        assertThat(spec.monitoring().activeRatioAlert()).isEqualTo(0.9);
    }

    @Test
    void whenFieldsAreLeftOutThenDefaults() {
        DatabasePoolSpec spec = Pools.read("spec: {database: app, credentialsSecret: s, primary: {host: pg}}").getSpec();

        assertThat(spec.primary().port()).isEqualTo(5432);
        assertThat(spec.serverDatabase()).isEqualTo("app");
        assertThat(spec.clientAuthMethod()).isEqualTo(AuthMethod.SCRAM_SHA_256);
        assertThat(spec.replicas()).isEmpty();
        assertThat(spec.topology()).isEqualTo(Topology.Standalone);
        assertThat(spec.instances()).isEqualTo(2);
        assertThat(spec.sizing()).isEqualTo(new SizingSpec(null, 20, 25));
        assertThat(spec.failover()).isEqualTo(new FailoverSpec(FailoverPolicy.Follow, "2s", 3));
        assertThat(spec.routing().readStrategy()).isEqualTo(ReadStrategy.RoundRobin);
        assertThat(spec.monitoring().podMonitor()).isTrue();
    }

    @Test
    void whenANumberIsTheServerLimitThenItIsKeptAsANumber() {
        DatabasePoolSpec spec = Pools.read("spec: {database: a, credentialsSecret: s, primary: {host: pg}, sizing: {serverMaxConnections: 200}}").getSpec();
        assertThat(spec.sizing().serverMaxConnections().getIntVal()).isEqualTo(200);
    }

    @Test
    void whenAStatusIsWrittenAndReadBackThenItIsEqual() {
        DatabasePool pool = Pools.read("spec: {database: a, credentialsSecret: s, primary: {host: pg}}");
        pool.setStatus(new DatabasePoolStatus(3L, "pg:5432", 40, Map.of("pg:5432", 40, "r:5432", 40), 2, 1,
                List.of(new ServerStatus("pg:5432", ServerRole.Primary, true, 0, null, 100, false, null)),
                new FailoverRecord("2026-01-01T00:00:00Z", "a:1", "pg:5432", "Promoted"), "abc",
                List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Reconciled").build())));

        DatabasePool back = Serialization.unmarshal(Serialization.asYaml(pool), DatabasePool.class);

        assertThat(back.getStatus()).isEqualTo(pool.getStatus());
        assertThat(back.getStatus().condition("Ready")).isPresent();
        assertThat(back.getStatus().server("pg:5432").orElseThrow().role()).isEqualTo(ServerRole.Primary);
    }
}
