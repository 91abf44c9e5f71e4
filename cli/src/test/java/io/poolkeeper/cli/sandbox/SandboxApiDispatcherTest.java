package io.poolkeeper.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The JSONPath subset and ages of the Table answers kubectl gets from the sandbox's API. */
class SandboxApiDispatcherTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void whenAColumnFiltersConditionsThenTheMatchingConditionsFieldIsFound() throws Exception {
        JsonNode pool = JSON.readTree("""
                {"status": {"currentPrimary": "127.0.0.1:5432", "perPodSize": 77,
                 "conditions": [{"type": "Degraded", "status": "False"}, {"type": "Ready", "status": "True", "reason": "Reconciled"}]}}
                """);
        assertThat(SandboxApiDispatcher.JsonPathLite.find(pool, ".status.currentPrimary").asText()).isEqualTo("127.0.0.1:5432");
        assertThat(SandboxApiDispatcher.JsonPathLite.find(pool, ".status.perPodSize").asInt()).isEqualTo(77);
        assertThat(SandboxApiDispatcher.JsonPathLite.find(pool, ".status.conditions[?(@.type==\"Ready\")].reason").asText()).isEqualTo("Reconciled");
        assertThat(SandboxApiDispatcher.JsonPathLite.find(pool, ".status.conditions[1].status").asText()).isEqualTo("True");
        assertThat(SandboxApiDispatcher.JsonPathLite.find(pool, ".status.conditions[?(@.type==\"Missing\")].status")).isNull();
        assertThat(SandboxApiDispatcher.JsonPathLite.find(pool, ".status.readyInstances")).isNull();
    }

    @Test
    void whenAnAgeIsPrintedThenItReadsLikeKubectls() {
        assertThat(SandboxApiDispatcher.age(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(SandboxApiDispatcher.age(Duration.ofMinutes(12))).isEqualTo("12m");
        assertThat(SandboxApiDispatcher.age(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(SandboxApiDispatcher.age(Duration.ofDays(4))).isEqualTo("4d");
    }
}
