package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.MonitoringSpec;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import io.poolkeeper.operator.model.monitoring.PrometheusRule.Rule;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pool's alerts, on the series its PodMonitor scrapes, with the thresholds from
 * spec.monitoring (the seed's: more than 10 waiting, active ratio above 0.9, no idle connection
 * while clients wait).
 */
public final class PrometheusRuleModel {
    /** The chart's default for its own rules' runbook links: docs/runbook.md has a section per alert, named after it. */
    static final String RUNBOOK = "https://github.com/poolkeeper/poolkeeper/blob/main/docs/runbook.md";

    private PrometheusRuleModel() {}

    public static PrometheusRule build(DatabasePool pool) {
        MonitoringSpec m = pool.specOrDefaults().monitoring();
        String job = "job=\"" + PodMonitorModel.job(pool) + "\"";
        String waiting = "sum by (pod) (poolkeeper_clients{" + job + ",state=\"waiting\"})";
        String name = pool.getMetadata().getName();
        List<Rule> rules = List.of(
                rule("PoolkeeperClientsWaiting", waiting + " > " + m.waitingAlert(), "1m", "warning",
                        "More than " + m.waitingAlert() + " clients wait for a connection in pool " + name + " ({{ $labels.pod }})",
                        "{{ $value }} clients of pool " + name + " in pod {{ $labels.pod }} wait for a server connection. The pool is"
                                + " too small for the load, or transactions hold connections too long; clients past the acquire"
                                + " timeout get SQLSTATE 53300."),
                rule("PoolkeeperPoolSaturated",
                        "sum by (pod) (hikaricp_connections_active{" + job + "}) / sum by (pod) (hikaricp_connections_max{" + job + "}) > "
                                + m.activeRatioAlert(), "5m", "warning",
                        "Pool " + name + " uses more than " + Math.round(m.activeRatioAlert() * 100) + "% of its connections ({{ $labels.pod }})",
                        "Pod {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its server connections. One more burst and"
                                + " clients start to wait."),
                rule("PoolkeeperNoIdleWhileWaiting",
                        "sum by (pod) (hikaricp_connections_idle{" + job + "}) == 0 and " + waiting + " > 0", "1m", "warning",
                        "Pool " + name + " has no idle connection while clients wait ({{ $labels.pod }})",
                        "Every server connection of pod {{ $labels.pod }} is lent out and clients queue behind them: a long"
                                + " transaction, a lock wait or a slow server holds the pool."),
                rule("PoolkeeperSlowQueries", "sum by (pod) (rate(poolkeeper_slow_queries_total{" + job + "}[5m])) > 0", "10m", "info",
                        "Statements slower than " + m.slowQuery() + " run through pool " + name + " ({{ $labels.pod }})",
                        "Pod {{ $labels.pod }} has run statements slower than " + m.slowQuery() + " for 10 minutes; each is logged"
                                + " as event=slow_query, without parameter values. Slow statements hold connections longer."),
                rule("PoolkeeperSidecarDown", "up{" + job + "} == 0", "2m", "critical",
                        "A sidecar of pool " + name + " does not answer scrapes ({{ $labels.pod }})",
                        "Prometheus cannot scrape pod {{ $labels.pod }}: its sidecar is down, restarting or unreachable, and its"
                                + " clients' connections with it."));
        PrometheusRule rule = new PrometheusRule();
        rule.setMetadata(new ObjectMetaBuilder()
                .withName(PoolNames.monitoring(pool))
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(PoolNames.labels(pool))
                .build());
        rule.setSpec(new PrometheusRule.Spec(List.of(new PrometheusRule.RuleGroup("poolkeeper-" + name, rules))));
        return rule;
    }

    private static Rule rule(String alert, String expr, String forDuration, String severity, String summary, String description) {
        return new Rule(alert, expr, forDuration, Map.of("severity", severity), Map.of(
                "summary", summary,
                "description", description,
                "runbook_url", RUNBOOK + "#" + alert.toLowerCase(Locale.ROOT)));
    }
}
