package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Prometheus Operator objects for the pool; made only where the monitoring.coreos.com CRDs exist. */
public record MonitoringSpec(
        @JsonPropertyDescription("Make a PodMonitor that scrapes every pool pod's /metrics; default true.")
        Boolean podMonitor,
        @JsonPropertyDescription("Make a PrometheusRule with the pool's alerts; default true.")
        Boolean prometheusRule,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("Statements slower than this count as slow queries; default 1s.")
        String slowQuery,
        @Min(1) @JsonPropertyDescription("Alert when more clients than this wait for a connection; default 10.")
        Integer waitingAlert,
        @Min(0) @Max(1) @JsonPropertyDescription("Alert when active connections exceed this share of the pool; default 0.9.")
        Double activeRatioAlert) {

    public MonitoringSpec {
        podMonitor = Objects.requireNonNullElse(podMonitor, true);
        prometheusRule = Objects.requireNonNullElse(prometheusRule, true);
        slowQuery = Objects.requireNonNullElse(slowQuery, "1s");
        waitingAlert = Objects.requireNonNullElse(waitingAlert, 10);
        activeRatioAlert = Objects.requireNonNullElse(activeRatioAlert, 0.9);
    }

    public static MonitoringSpec defaults() {
        return new MonitoringSpec(null, null, null, null, null);
    }
}
