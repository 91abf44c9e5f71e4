package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.MonitoringSpec;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import io.poolkeeper.operator.model.monitoring.PrometheusRule.Rule;
import java.util.List;
import java.util.Map;

/**
 * The pool's alerts, on the series its PodMonitor scrapes, with the thresholds from
 * spec.monitoring (the seed's: more than 10 waiting, active ratio above 0.9, no idle connection
 * while clients wait).
 */
public final class PrometheusRuleModel {
    private PrometheusRuleModel() {}

    public static PrometheusRule build(DatabasePool pool) {
        MonitoringSpec m = pool.specOrDefaults().monitoring();
        String job = "job=\"" + PodMonitorModel.job(pool) + "\"";
        String waiting = "sum by (pod) (poolkeeper_clients{" + job + ",state=\"waiting\"})";
        String name = pool.getMetadata().getName();
        List<Rule> rules = List.of(
                rule("PoolkeeperClientsWaiting", waiting + " > " + m.waitingAlert(), "1m", "warning",
                        "More than " + m.waitingAlert() + " clients wait for a connection in pool " + name + " ({{ $labels.pod }})"),
                rule("PoolkeeperPoolSaturated",
                        "sum by (pod) (hikaricp_connections_active{" + job + "}) / sum by (pod) (hikaricp_connections_max{" + job + "}) > "
                                + m.activeRatioAlert(), "5m", "warning",
                        "Pool " + name + " uses more than " + Math.round(m.activeRatioAlert() * 100) + "% of its connections ({{ $labels.pod }})"),
                rule("PoolkeeperNoIdleWhileWaiting",
                        "sum by (pod) (hikaricp_connections_idle{" + job + "}) == 0 and " + waiting + " > 0", "1m", "warning",
                        "Pool " + name + " has no idle connection while clients wait ({{ $labels.pod }})"),
                rule("PoolkeeperSlowQueries", "sum by (pod) (rate(poolkeeper_slow_queries_total{" + job + "}[5m])) > 0", "10m", "info",
                        "Statements slower than " + m.slowQuery() + " run through pool " + name + " ({{ $labels.pod }})"),
                rule("PoolkeeperSidecarDown", "up{" + job + "} == 0", "2m", "critical",
                        "A sidecar of pool " + name + " does not answer scrapes ({{ $labels.pod }})"));
        PrometheusRule rule = new PrometheusRule();
        rule.setMetadata(new ObjectMetaBuilder()
                .withName(PoolNames.monitoring(pool))
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(PoolNames.labels(pool))
                .build());
        rule.setSpec(new PrometheusRule.Spec(List.of(new PrometheusRule.RuleGroup("poolkeeper-" + name, rules))));
        return rule;
    }

    private static Rule rule(String alert, String expr, String forDuration, String severity, String summary) {
        return new Rule(alert, expr, forDuration, Map.of("severity", severity), Map.of("summary", summary));
    }
}
