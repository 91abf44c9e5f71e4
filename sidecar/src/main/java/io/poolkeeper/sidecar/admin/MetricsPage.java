package io.poolkeeper.sidecar.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: always the Prometheus 0.0.4 text format, which every Prometheus and
 * agent reads, whatever the scraper's Accept header prefers.
 */
final class MetricsPage implements AdminPage {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    MetricsPage(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public AdminResponse get() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        registry.scrape(out, PROMETHEUS_TEXT);
        return new AdminResponse(200, PROMETHEUS_TEXT, out.toByteArray());
    }
}
