package io.poolkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.monitoring.PrometheusRule.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A pool's own alerts say what they mean and where the runbook explains them, as the chart's do. */
class PrometheusRuleModelTest {

    @Test
    void whenAPoolAsksForAlertsThenEachHasASummaryADescriptionAndARunbookSection() throws IOException {
        DatabasePool pool = Serialization.unmarshal("""
                apiVersion: poolkeeper.io/v1alpha1
                kind: DatabasePool
                metadata: {name: orders, namespace: shop}
                spec:
                  database: app
                  credentialsSecret: db-login
                  primary: {host: pg-0.pg, port: 5432}
                  monitoring: {prometheusRule: true, waitingAlert: 25}
                """, DatabasePool.class);
        List<Rule> rules = PrometheusRuleModel.build(pool).getSpec().groups().getFirst().rules();

        String runbook = Files.readString(Path.of("..", "docs", "runbook.md"));
        Set<String> anchors = Pattern.compile("(?m)^#{2,4} +(.+)$").matcher(runbook).results()
                .map(r -> r.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        assertThat(rules).hasSize(5);
        for (Rule rule : rules) {
            assertThat(rule.annotations().get("summary")).as(rule.alert()).contains("orders");
            assertThat(rule.annotations().get("description")).as(rule.alert()).hasSizeGreaterThan(60);
            String url = rule.annotations().get("runbook_url");
            assertThat(url).as(rule.alert()).isEqualTo(PrometheusRuleModel.RUNBOOK + "#" + rule.alert().toLowerCase(Locale.ROOT));
            assertThat(anchors).as("docs/runbook.md has a section for %s", rule.alert()).contains(url.substring(url.indexOf('#') + 1));
        }
    }
}
