package io.poolkeeper.operator.model.monitoring;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * The Prometheus Operator's PodMonitor, with only the fields the operator sets: the operator
 * must not depend on the Prometheus Operator's model to run where it is absent.
 */
@Group("monitoring.coreos.com")
@Version("v1")
public class PodMonitor extends CustomResource<PodMonitor.Spec, Void> implements Namespaced {

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(LabelSelector selector, List<MetricsEndpoint> podMetricsEndpoints) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MetricsEndpoint(String port, String path, String interval) {}
}
