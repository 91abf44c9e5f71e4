package io.poolkeeper.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Optional<String>> notReady = new AtomicReference<>(Optional.empty());
    private Supplier<?> status = () -> Map.of("pools", List.of(Map.of("name", "primary", "active", 3)));
    private AdminServer server;

    @BeforeEach
    void start() throws IOException {
        server = AdminServer.start(new Endpoint("127.0.0.1", 0), registry, notReady::get, () -> status.get());
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    @Test
    void whenStartedOnPortZeroThenTheBoundAddressHasARealPort() {
        assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(server.address().getPort()).isPositive();
    }

    @Test
    void whenHealthzIsAskedThenItAnswersOk() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void whenReadinessHasNoReasonThenReadyzIs200() throws Exception {
        HttpResponse<String> response = get("/readyz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void whenReadinessGivesAReasonThenReadyzIs503WithThatReasonOnOneLine() throws Exception {
        notReady.set(Optional.of("primary pool: cannot connect to 127.0.0.1:5432:\n  Connection refused"));

        HttpResponse<String> response = get("/readyz");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("primary pool: cannot connect to 127.0.0.1:5432: Connection refused");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void whenReadinessRecoversThenReadyzIs200Again() throws Exception {
        notReady.set(Optional.of("primary pool: starting"));
        assertThat(get("/readyz").statusCode()).isEqualTo(503);

        notReady.set(Optional.empty());

        assertThat(get("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void whenMetricsIsScrapedThenItIsPrometheusTextWithOurMeters() throws Exception {
        try (ProxyMetrics metrics = new ProxyMetrics(registry, "primary", MetricsOptions.DEFAULTS)) {
            metrics.clientConnected();
            metrics.clientTransition(ClientState.LOGIN, ClientState.ACTIVE);

            HttpResponse<String> response = get("/metrics");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body().lines()).contains("poolkeeper_clients{pool=\"primary\",state=\"active\"} 1.0");
        }
    }

    @Test
    void whenStatusIsAskedThenTheSuppliedValueComesBackAsJson() throws Exception {
        status = () -> new Snapshot("primary", Instant.parse("2025-01-02T03:04:05Z"));

        HttpResponse<String> response = get("/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body().replaceAll("\\s", ""))
                .isEqualTo("{\"pool\":\"primary\",\"since\":\"2025-01-02T03:04:05Z\"}");
    }

    record Snapshot(String pool, Instant since) {}

    @Test
    void whenTheStatusSupplierFailsThen500SaysWhy() throws Exception {
        status = () -> {
            throw new IllegalStateException("pools not started");
        };

        HttpResponse<String> response = get("/status");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("/status failed").contains("pools not started");
    }

    @Test
    void whenThePathIsUnknownThen404ListsThePages() throws Exception {
        for (String path : List.of("/", "/metricsx", "/metrics/more", "/nope")) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).contains("/healthz, /metrics, /readyz, /status");
        }
    }

    @Test
    void whenTheMethodIsNotGetThen405WithAllowHeader() throws Exception {
        for (String path : List.of("/metrics", "/healthz", "/readyz", "/status")) {
            HttpResponse<String> response = http.send(
                    request(path).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(path).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).as(path).hasValue("GET");
        }
    }

    @Test
    void whenAQueryStringIsGivenThenThePathStillMatches() throws Exception {
        assertThat(get("/healthz?verbose=1").statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheAddressIsTakenThenStartNamesTheAdminAddress() {
        Endpoint taken = new Endpoint("127.0.0.1", server.address().getPort());

        assertThatThrownBy(() -> AdminServer.start(taken, registry, Optional::empty, Map::of))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("admin: cannot listen on 127.0.0.1:" + taken.port() + ": ");
    }

    @Test
    void whenClosedThenThePortStopsAnswering() {
        URI uri = uri("/healthz");
        server.close();

        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }
}
