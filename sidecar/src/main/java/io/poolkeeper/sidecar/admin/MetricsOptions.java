package io.poolkeeper.sidecar.admin;

/**
 * How the sidecar's timers publish.
 *
 * @param publishPercentileHistogram publish {@code _bucket} series for the acquire, transaction and
 *     query timers so Prometheus can compute percentiles across pods; off by default because it
 *     adds dozens of series per timer, server and pod
 */
public record MetricsOptions(boolean publishPercentileHistogram) {
    public static final MetricsOptions DEFAULTS = new MetricsOptions(false);
}
