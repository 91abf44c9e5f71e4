package io.poolkeeper.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
    private static final String PRIMARY = "pool=\"primary\",role=\"primary\",server=\"127.0.0.1:5432\"";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProxyMetrics metrics = new ProxyMetrics(registry, "primary", MetricsOptions.DEFAULTS);

    private List<String> scrapedLines() {
        return registry.scrape().lines().toList();
    }

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void whenClientsMoveBetweenStatesThenEachStateGaugeCountsThem() {
        for (int i = 0; i < 3; i++) metrics.clientConnected();
        metrics.clientTransition(ClientState.LOGIN, ClientState.IDLE);
        metrics.clientTransition(ClientState.LOGIN, ClientState.IDLE);
        metrics.clientTransition(ClientState.IDLE, ClientState.WAITING);
        metrics.clientTransition(ClientState.WAITING, ClientState.ACTIVE);
        metrics.clientDisconnected(ClientState.LOGIN);

        assertThat(scrapedLines())
                .contains("poolkeeper_clients{pool=\"primary\",state=\"login\"} 0.0")
                .contains("poolkeeper_clients{pool=\"primary\",state=\"idle\"} 1.0")
                .contains("poolkeeper_clients{pool=\"primary\",state=\"waiting\"} 0.0")
                .contains("poolkeeper_clients{pool=\"primary\",state=\"active\"} 1.0");
        assertThat(metrics.clients(ClientState.ACTIVE)).isEqualTo(1);
    }

    @Test
    void whenTransactionsAndQueriesEndThenCountersAndTimersShowThem() {
        ServerMetrics server = metrics.server(new Endpoint("127.0.0.1", 5432), "primary");

        server.acquired(Duration.ofMillis(3).toNanos());
        server.queryEnded(Duration.ofMillis(20).toNanos());
        server.queryEnded(Duration.ofMillis(30).toNanos());
        server.slowQuery();
        server.transactionEnded(Duration.ofMillis(60).toNanos());

        assertThat(scrapedLines())
                .contains("poolkeeper_acquire_seconds_count{" + PRIMARY + "} 1")
                .contains("poolkeeper_acquire_seconds_sum{" + PRIMARY + "} 0.003")
                .contains("poolkeeper_queries_total{" + PRIMARY + "} 2.0")
                .contains("poolkeeper_query_duration_seconds_sum{" + PRIMARY + "} 0.05")
                .contains("poolkeeper_slow_queries_total{" + PRIMARY + "} 1.0")
                .contains("poolkeeper_transactions_total{" + PRIMARY + "} 1.0")
                .contains("poolkeeper_transaction_duration_seconds_max{" + PRIMARY + "} 0.06")
                .doesNotContain("poolkeeper_acquire_seconds_bucket");
    }

    @Test
    void whenAnAcquireTimesOutThenTheWaitTheTimeoutAndTheErrorAreCounted() {
        ServerMetrics server = metrics.server(new Endpoint("127.0.0.1", 5432), "primary");

        server.acquireTimedOut(Duration.ofSeconds(2).toNanos());

        assertThat(scrapedLines())
                .contains("poolkeeper_acquire_seconds_count{" + PRIMARY + "} 1")
                .contains("poolkeeper_acquire_timeouts_total{" + PRIMARY + "} 1.0")
                .contains("poolkeeper_errors_total{kind=\"acquire_timeout\",pool=\"primary\"} 1.0");
    }

    @Test
    void whenErrorsAndRetirementsHappenThenEachKindAndReasonHasItsOwnSeries() {
        ServerMetrics server = metrics.server(new Endpoint("127.0.0.1", 5432), "primary");

        metrics.error(ErrorKind.AUTH_FAILED);
        metrics.error(ErrorKind.AUTH_FAILED);
        server.retired(RetireReason.MAX_USES);

        List<String> lines = scrapedLines();
        assertThat(lines)
                .contains("poolkeeper_errors_total{kind=\"auth_failed\",pool=\"primary\"} 2.0")
                .contains("poolkeeper_errors_total{kind=\"client_disconnect_in_transaction\",pool=\"primary\"} 0.0")
                .contains("poolkeeper_server_connections_retired_total{pool=\"primary\",reason=\"max_uses\",role=\"primary\",server=\"127.0.0.1:5432\"} 1.0")
                .contains("poolkeeper_server_connections_retired_total{pool=\"primary\",reason=\"dirty\",role=\"primary\",server=\"127.0.0.1:5432\"} 0.0");
        for (ErrorKind kind : ErrorKind.values()) {
            assertThat(lines).anyMatch(line -> line.startsWith("poolkeeper_errors_total{kind=\"" + kind.tagValue() + "\""));
        }
    }

    @Test
    void whenHistogramsAreOnThenTimersPublishBuckets() {
        try (ProxyMetrics withHistograms = new ProxyMetrics(registry, "replica", new MetricsOptions(true))) {
            withHistograms.server(new Endpoint("127.0.0.1", 5433), "replica").acquired(1_000_000);

            assertThat(registry.scrape()).contains("poolkeeper_acquire_seconds_bucket{pool=\"replica\"");
        }
    }

    @Test
    void whenAServerIsClosedThenItsMetersGoButTheClientCountsStay() {
        metrics.clientConnected();
        ServerMetrics old = metrics.server(new Endpoint("127.0.0.1", 5432), "primary");
        old.acquired(1);

        old.close();
        metrics.server(new Endpoint("127.0.0.1", 5433), "primary").acquired(1);

        String text = registry.scrape();
        assertThat(text).doesNotContain("server=\"127.0.0.1:5432\"").contains("server=\"127.0.0.1:5433\"");
        assertThat(text.lines()).contains("poolkeeper_clients{pool=\"primary\",state=\"login\"} 1.0");
    }

    @Test
    void whenThePoolMetricsCloseThenNoPoolkeeperSeriesRemain() {
        metrics.server(new Endpoint("127.0.0.1", 5432), "primary").acquired(1);

        metrics.close();

        assertThat(registry.scrape()).doesNotContain("poolkeeper_");
    }
}
