package io.poolkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void whenAnExpressionIsReadThenOnlyItsMetricNamesAreTaken() {
        assertThat(Metrics.namesIn("""
                sum by (namespace, pod, pool) (hikaricp_connections_idle{container="poolkeeper"}) == 0
                and on (pod) sum by (namespace, pod, pool) (rate(poolkeeper_slow_queries_total{pool=~"a|b", x!="rate(y)"}[5m] offset 1h)) > 1e3
                or absent(up{job="ns/name"} == 1) unless max_over_time(poolkeeper_acquire_seconds_max[10m]) > 0.5
                """)).containsExactlyInAnyOrder("hikaricp_connections_idle", "poolkeeper_slow_queries_total", "up", "poolkeeper_acquire_seconds_max");
    }

    @Test
    void whenANameIsMisspeltThenItIsNotAKnownSeries() {
        assertThat(Metrics.namesIn("poolkeeper_client{state=\"waiting\"} > 10")).containsExactly("poolkeeper_client");
        assertThat(Metrics.series()).doesNotContain("poolkeeper_client").contains("poolkeeper_clients", "poolkeeper_acquire_seconds_count");
    }
}
