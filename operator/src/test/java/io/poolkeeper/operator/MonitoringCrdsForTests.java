package io.poolkeeper.operator;

/** Just enough of the Prometheus Operator's CRDs for the operator to see them installed. */
final class MonitoringCrdsForTests {
    private MonitoringCrdsForTests() {}

    static final String POD_MONITOR = crd("podmonitors", "PodMonitor");
    static final String PROMETHEUS_RULE = crd("prometheusrules", "PrometheusRule");

    private static String crd(String plural, String kind) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: %1$s.monitoring.coreos.com}
                spec:
                  group: monitoring.coreos.com
                  scope: Namespaced
                  names: {plural: %1$s, kind: %2$s}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """.formatted(plural, kind);
    }
}
