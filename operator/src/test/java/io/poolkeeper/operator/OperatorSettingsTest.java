package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

    @Test
    void whenNothingIsSetThenAllNamespacesNoLeaderElectionPort8080() {
        OperatorSettings s = OperatorSettings.fromEnvironment(Map.of("HOSTNAME", "op-1"));
        assertThat(s.namespaces()).isEmpty();
        assertThat(s.leaseNamespace()).isNull();
        assertThat(s.identity()).isEqualTo("op-1");
        assertThat(s.metricsPort()).isEqualTo(8080);
        assertThat(s.sidecarImage()).startsWith("ghcr.io/poolkeeper/poolkeeper:");
    }

    @Test
    void whenTheChartSetsEverythingThenEachIsRead() {
        OperatorSettings s = OperatorSettings.fromEnvironment(Map.of(
                "POOLKEEPER_NAMESPACES", "shop, billing ,", "POOLKEEPER_LEASE_NAMESPACE", "poolkeeper",
                "POD_NAME", "op-0", "POOLKEEPER_METRICS_PORT", "9090", "POOLKEEPER_SIDECAR_IMAGE", "reg/pk:1"));
        assertThat(s.namespaces()).containsExactlyInAnyOrder("shop", "billing");
        assertThat(s.leaseNamespace()).isEqualTo("poolkeeper");
        assertThat(s.identity()).isEqualTo("op-0");
        assertThat(s.metricsPort()).isEqualTo(9090);
        assertThat(s.sidecarImage()).isEqualTo("reg/pk:1");
    }

    @Test
    void whenThePortIsNotANumberThenTheVariableIsNamed() {
        assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("POOLKEEPER_METRICS_PORT", "http")))
                .hasMessageContaining("POOLKEEPER_METRICS_PORT").hasMessageContaining("'http'");
    }
}
