package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specs the schema cannot (or, on the mock API server, does not) reject end in Ready=False naming what to fix. */
@ExtendWith(LocalPostgresExtension.class)
class InvalidSpecIT extends OperatorIT {
    static final Duration WAIT = Duration.ofSeconds(30);

    Condition ready(String name) {
        var pool = k8s.pool("shop", name);
        return pool.getStatus() == null ? null : pool.getStatus().condition("Ready").orElse(null);
    }

    void assertReady(String name, String reason, String... inMessage) {
        Eventually.assertThat(WAIT, () -> {
            Condition ready = ready(name);
            assertThat(ready).isNotNull();
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo(reason);
            assertThat(ready.getMessage()).contains(inMessage);
        });
    }

    @Test
    void whenFieldsContradictEachOtherThenInvalidSpecNamesEachField(LocalPostgres pg) {
        k8s.localPoolSecrets();
        k8s.apply(Pools.yaml("orders", pg, """
                clientAuthSecret: null
                timeouts: {acquire: 100ms}
                topology: Sidecar
                sizing: {serverMaxConnections: lots}
                """).replace("  clientAuthSecret: db-clients\n", ""));

        assertReady("orders", "InvalidSpec", "spec.clientAuthSecret", "spec.targetRef", "spec.sizing.serverMaxConnections");
        assertThat(k8s.client().configMaps().inNamespace("shop").withName("orders-config").get()).as("nothing applied").isNull();
        Eventually.assertThat(WAIT, () -> assertThat(k8s.client().v1().events().inNamespace("shop").list().getItems())
                .extracting(Event::getReason).contains("InvalidSpec"));
    }

    @Test
    void whenADurationIsOutOfTheSidecarsRangeThenTheSpecFieldIsNamed(LocalPostgres pg) {
        k8s.localPoolSecrets();
        k8s.apply(Pools.yaml("orders", pg, "timeouts: {acquire: 100ms, idle: 5s}"));
        assertReady("orders", "InvalidSpec", "spec.timeouts.acquire: must be at least 250ms", "spec.timeouts.idle");
    }

    @Test
    void whenASecretIsMissingThenSecretNotFound(LocalPostgres pg) {
        k8s.apply(Pools.yaml("orders", pg, ""));
        assertReady("orders", "SecretNotFound", "shop/db-login", "spec.credentialsSecret");
    }

    @Test
    void whenTheBudgetIsTooSmallForThePodsThenBudgetExhausted(LocalPostgres pg) {
        k8s.localPoolSecrets();
        k8s.apply(Pools.yaml("orders", pg, "instances: 20\nsizing: {serverMaxConnections: 10}"));
        assertReady("orders", "BudgetExhausted", "8 connections", "20 pods", "shop/orders");
        Eventually.assertThat(WAIT, () -> assertThat(k8s.client().v1().events().inNamespace("shop").list().getItems())
                .extracting(Event::getReason).contains("BudgetExhausted"));
    }

    @Test
    void whenTheSpecIsFixedThenTheConditionFlipsBack(LocalPostgres pg) {
        k8s.localPoolSecrets();
        k8s.apply(Pools.yaml("orders", pg, "timeouts: {acquire: 100ms}"));
        assertReady("orders", "InvalidSpec", "spec.timeouts.acquire");

        k8s.apply(Pools.yaml("orders", pg, "timeouts: {acquire: 1s}"));

        Eventually.assertThat(WAIT, () -> assertThat(ready("orders").getReason()).isEqualTo("PodsNotReady"));
        assertThat(k8s.client().configMaps().inNamespace("shop").withName("orders-config").get()).isNotNull();
    }
}
