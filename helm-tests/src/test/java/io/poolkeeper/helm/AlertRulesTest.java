package io.poolkeeper.helm;

import static io.poolkeeper.helm.Chart.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.metrics.PoolStats;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.OperatorMetrics;
import io.poolkeeper.operator.model.PrometheusRuleModel;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import io.poolkeeper.operator.model.monitoring.PrometheusRule.Rule;
import io.poolkeeper.operator.probe.ProbeResult;
import io.poolkeeper.sidecar.admin.MetricsOptions;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.health.CircuitBreaker;
import io.poolkeeper.sidecar.health.ServerGauges;
import io.poolkeeper.sidecar.health.ServerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's PrometheusRule and Grafana dashboard, and the operator's per-pool rule, query only
 * metrics that exist ({@link Metrics#ALL}, itself checked against the meters in the sources and
 * against what the meter classes register); every alert has a summary, a description and a
 * runbook link to a section of docs/runbook.md.
 */
class AlertRulesTest {
    /** The alerts issue 7 asks for (the seed's and the ones an operator of pools needs), and the ones the operator's health adds. */
    static final List<String> ALERTS = List.of(
            "PoolkeeperClientsWaiting", "PoolkeeperPoolSaturated", "PoolkeeperNoIdleWhileWaiting", "PoolkeeperCircuitBreakerOpen",
            "PoolkeeperReplicaLagHigh", "PoolkeeperFailover", "PoolkeeperBudgetExhausted", "PoolkeeperSidecarDown",
            "PoolkeeperSlowQueriesRising", "PoolkeeperPoolNotReady", "PoolkeeperPromotionFailed", "PoolkeeperOperatorDown");
    private static final Pattern METER_IN_SOURCE = Pattern.compile("(?:builder|timer|counter|gauge)\\(\\s*\"(poolkeeper\\.[a-z.]+)\"");

    private static List<Rule> chartRules(String values) {
        PrometheusRule rule = Chart.render(values).one(PrometheusRule.class, FULLNAME);
        return rule.getSpec().groups().stream().flatMap(g -> g.rules().stream()).toList();
    }

    private static List<Rule> chartRules() {
        return chartRules("metrics: {podMonitor: {enabled: true}}\nprometheusRule: {enabled: true}\n");
    }

    @Test
    void whenRenderedThenTheRuleHasEveryAlertTheIssueAsksFor() {
        assertThat(chartRules()).extracting(Rule::alert).containsExactlyInAnyOrderElementsOf(ALERTS);
        assertThat(chartRules("metrics: {podMonitor: {enabled: false}}\nprometheusRule: {enabled: true}\n")).extracting(Rule::alert)
                .as("without the operator's PodMonitor there is no scrape job to watch").doesNotContain("PoolkeeperOperatorDown");
    }

    @Test
    void whenAlertsAreReadThenEachHasASeveritySummaryDescriptionAndARunbookSection() {
        String runbook = Repo.read(Repo.DOCS.resolve("runbook.md"));
        Set<String> anchors = Pattern.compile("(?m)^#{2,4} +(.+)$").matcher(runbook).results()
                .map(r -> r.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        for (Rule rule : chartRules()) {
            assertThat(rule.labels().get("severity")).as(rule.alert()).isIn("info", "warning", "critical");
            assertThat(rule.annotations().get("summary")).as(rule.alert()).isNotBlank();
            assertThat(rule.annotations().get("description")).as(rule.alert()).isNotBlank().hasSizeGreaterThan(60);
            String url = rule.annotations().get("runbook_url");
            assertThat(url).as(rule.alert()).startsWith("https://github.com/poolkeeper/poolkeeper/blob/main/docs/runbook.md#");
            String anchor = url.substring(url.indexOf('#') + 1);
            assertThat(anchor).isEqualTo(rule.alert().toLowerCase(Locale.ROOT));
            assertThat(anchors).as("docs/runbook.md has a section for %s", rule.alert()).contains(anchor);
            if (rule.forDuration() != null) assertThat(rule.forDuration()).matches("[0-9]+[smh]");
        }
    }

    @Test
    void whenTheChartsRuleIsReadThenItQueriesOnlyMetricsThatExist() {
        Set<String> known = Metrics.series();
        for (Rule rule : chartRules()) {
            assertThat(Metrics.namesIn(rule.expr())).as("%s: %s", rule.alert(), rule.expr()).isNotEmpty().isSubsetOf(known);
        }
    }

    @Test
    void whenThresholdsAreSetThenTheExpressionsUseThem() {
        Map<String, String> exprs = chartRules("""
                prometheusRule:
                  enabled: true
                  thresholds: {waiting: 25, activeRatio: 0.8, replicaLagSeconds: 30, slowQueriesPerSecond: 2}
                """).stream().collect(Collectors.toMap(Rule::alert, Rule::expr));
        assertThat(exprs.get("PoolkeeperClientsWaiting")).endsWith("> 25");
        assertThat(exprs.get("PoolkeeperPoolSaturated")).endsWith("> 0.8");
        assertThat(exprs.get("PoolkeeperReplicaLagHigh")).endsWith("> 30");
        assertThat(exprs.get("PoolkeeperSlowQueriesRising")).contains("[5m])) > 2 and");
        assertThat(exprs.values()).allSatisfy(e -> assertThat(e).doesNotContain("{{").doesNotContain("<no value>"));
    }

    @Test
    void whenTheOperatorRendersAPoolsRuleThenItQueriesOnlyMetricsThatExist() {
        DatabasePool pool = Chart.SERIALIZATION.unmarshal("""
                apiVersion: poolkeeper.io/v1alpha1
                kind: DatabasePool
                metadata: {name: orders, namespace: shop}
                spec:
                  database: orders
                  credentialsSecret: orders-db
                  primary: {host: pg-0.pg, port: 5432}
                """, DatabasePool.class);
        List<Rule> rules = PrometheusRuleModel.build(pool).getSpec().groups().stream().flatMap(g -> g.rules().stream()).toList();
        assertThat(rules).isNotEmpty();
        for (Rule rule : rules) {
            assertThat(Metrics.namesIn(rule.expr())).as("%s: %s", rule.alert(), rule.expr()).isNotEmpty().isSubsetOf(Metrics.series());
        }
    }

    @Test
    void whenTheDashboardIsReadThenEveryPanelAndVariableQueriesMetricsThatExist() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Repo.CHART.resolve("dashboards/poolkeeper.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> queries.add(t.get("expr").asText())));
        dashboard.at("/templating/list").forEach(v -> {
            if (v.has("definition")) queries.add(v.get("definition").asText().replaceAll("^label_values\\((.*), *\\w+\\)$", "$1"));
        });
        assertThat(dashboard.get("panels")).extracting(p -> p.get("title").asText())
                .contains("Clients waiting", "Acquire time", "Pool saturation per server", "Replica lag", "Circuit breakers", "Failovers");
        for (String query : queries) {
            assertThat(Metrics.namesIn(query)).as(query).isNotEmpty().isSubsetOf(Metrics.series());
        }
    }

    /** Both ways: every meter the sidecar and operator make is listed, and every listed one is still made. */
    @Test
    void whenTheSourcesAreScannedThenTheListedMetricsAreTheMetersTheyMake() throws IOException {
        Map<String, String> inSource = new TreeMap<>();
        for (String module : List.of("sidecar", "operator")) {
            Path sources = Repo.ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = METER_IN_SOURCE.matcher(Repo.read(file));
                    while (m.find()) inSource.put(m.group(1), module + "/" + sources.relativize(file));
                }
            }
        }
        Set<String> listed = Metrics.ALL.stream().map(Metrics.Metric::meter).filter(n -> n != null && n.startsWith("poolkeeper."))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(inSource.keySet()).as("meters in the sources (%s): list each in Metrics.ALL", inSource).isEqualTo(listed);
    }

    /** The listed names are what Micrometer's Prometheus registry really prints for those meters. */
    @Test
    void whenTheMeterClassesRegisterThenPrometheusSeesTheListedNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Endpoint server = new Endpoint("pg-0.pg", 5432);
        try (ProxyMetrics proxy = new ProxyMetrics(registry, "orders", MetricsOptions.DEFAULTS)) {
            proxy.server(server, "primary");
            ServerState state = new ServerState(server, 1, null, null, new CircuitBreaker(5, Duration.ofSeconds(60)), null);
            new ServerGauges(registry, "orders", state, () -> true);
            new MicrometerMetricsTrackerFactory(registry).create(server.toString(), new PoolStats(0) {
                @Override
                protected void update() {}
            });
            OperatorMetrics operator = new OperatorMetrics(registry);
            operator.probed(server, ProbeResult.unreachable(server, "test"), Duration.ofMillis(3));
            operator.failover("shop/orders", "PrimaryChanged");
            operator.promotion("shop/orders", true);
            operator.poolReady("shop/orders", true, "Reconciled");

            Set<String> families = registry.scrape().lines().filter(l -> l.startsWith("# TYPE "))
                    .map(l -> l.split(" ")[2]).collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = Metrics.ALL.stream()
                    // made by classes too big to start here (the session's router, the whole Sidecar); the scan above covers them
                    .filter(m -> m.meter() != null && !m.source().endsWith("RoutingMeters") && !m.source().endsWith(" Sidecar"))
                    .map(Metrics.Metric::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> timersMax = Metrics.ALL.stream().filter(m -> m.type() == Metrics.Type.TIMER).map(m -> m.name() + "_max")
                    .collect(Collectors.toSet());
            Set<String> scraped = families.stream().filter(f -> !timersMax.contains(f)).collect(Collectors.toCollection(TreeSet::new));
            assertThat(scraped).isEqualTo(expected);
        }
    }
}
