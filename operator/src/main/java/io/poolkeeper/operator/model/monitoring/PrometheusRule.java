package io.poolkeeper.operator.model.monitoring;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/** The Prometheus Operator's PrometheusRule, with only the fields the operator sets (see {@link PodMonitor}). */
@Group("monitoring.coreos.com")
@Version("v1")
public class PrometheusRule extends CustomResource<PrometheusRule.Spec, Void> implements Namespaced {

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(List<RuleGroup> groups) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleGroup(String name, List<Rule> rules) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(String alert, String expr, @JsonProperty("for") String forDuration, Map<String, String> labels, Map<String, String> annotations) {}
}
