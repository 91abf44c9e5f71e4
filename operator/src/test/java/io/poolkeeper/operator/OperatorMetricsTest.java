package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final OperatorMetrics metrics = new OperatorMetrics(registry);

    private List<String> readySeries() {
        return registry.scrape().lines().filter(l -> l.startsWith("poolkeeper_operator_pool_ready{")).toList();
    }

    @Test
    void whenAPoolIsReadyThenItsGaugeIsOneWithTheReason() {
        metrics.poolReady("shop/orders", true, "Reconciled");
        assertThat(readySeries()).containsExactly("poolkeeper_operator_pool_ready{pool=\"shop/orders\",reason=\"Reconciled\"} 1.0");
    }

    @Test
    void whenTheReasonChangesThenThePoolKeepsOneSeriesWithTheNewReason() {
        metrics.poolReady("shop/orders", true, "Reconciled");
        metrics.poolReady("shop/orders", false, "BudgetExhausted");
        metrics.poolReady("shop/orders", false, "BudgetExhausted");
        assertThat(readySeries()).containsExactly("poolkeeper_operator_pool_ready{pool=\"shop/orders\",reason=\"BudgetExhausted\"} 0.0");
    }

    @Test
    void whenAPoolGoesThenItsSeriesGoesAndOthersStay() {
        metrics.poolReady("shop/orders", true, "Reconciled");
        metrics.poolReady("shop/billing", false, "SecretNotFound");
        metrics.poolGone("shop/orders");
        metrics.poolGone("shop/never-seen");
        assertThat(readySeries()).containsExactly("poolkeeper_operator_pool_ready{pool=\"shop/billing\",reason=\"SecretNotFound\"} 0.0");
    }
}
