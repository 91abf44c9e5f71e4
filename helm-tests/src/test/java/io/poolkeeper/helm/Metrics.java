package io.poolkeeper.helm;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The metrics Poolkeeper's processes export, by the names Prometheus gives them (dots become
 * underscores, counters get {@code _total}, timers {@code _seconds} with {@code _count},
 * {@code _sum}, {@code _max} and {@code _bucket} series). Alerts and dashboards may use these
 * and nothing else; {@link AlertRulesTest} checks the list against the meters in the sources.
 */
final class Metrics {
    enum Type { COUNTER, GAUGE, TIMER }

    /**
     * @param meter the Micrometer meter name in the source, or null for Prometheus' own {@code up}
     * @param source where the meter is made
     */
    record Metric(String name, Type type, String meter, String source) {
        /** The series names Prometheus stores for this metric. */
        Stream<String> series() {
            return type == Type.TIMER ? Stream.of("_count", "_sum", "_max", "_bucket").map(s -> name + s) : Stream.of(name);
        }
    }

    static final List<Metric> ALL = List.of(
            // The sidecar, per pool (tag pool = the database name), and per server (tags server, role).
            new Metric("poolkeeper_clients", Type.GAUGE, "poolkeeper.clients", "sidecar admin.ProxyMetrics"),
            new Metric("poolkeeper_errors_total", Type.COUNTER, "poolkeeper.errors", "sidecar admin.ProxyMetrics"),
            new Metric("poolkeeper_acquire_seconds", Type.TIMER, "poolkeeper.acquire", "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_acquire_timeouts_total", Type.COUNTER, "poolkeeper.acquire.timeouts", "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_transactions_total", Type.COUNTER, "poolkeeper.transactions", "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_transaction_duration_seconds", Type.TIMER, "poolkeeper.transaction.duration", "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_queries_total", Type.COUNTER, "poolkeeper.queries", "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_query_duration_seconds", Type.TIMER, "poolkeeper.query.duration", "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_slow_queries_total", Type.COUNTER, "poolkeeper.slow.queries", "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_server_connections_retired_total", Type.COUNTER, "poolkeeper.server.connections.retired",
                    "sidecar admin.ServerMetrics"),
            new Metric("poolkeeper_server_up", Type.GAUGE, "poolkeeper.server.up", "sidecar health.ServerGauges"),
            new Metric("poolkeeper_server_primary", Type.GAUGE, "poolkeeper.server.primary", "sidecar health.ServerGauges"),
            new Metric("poolkeeper_server_lag_seconds", Type.GAUGE, "poolkeeper.server.lag", "sidecar health.ServerGauges"),
            new Metric("poolkeeper_server_breaker_state", Type.GAUGE, "poolkeeper.server.breaker.state", "sidecar health.ServerGauges"),
            new Metric("poolkeeper_routing_decisions_total", Type.COUNTER, "poolkeeper.routing.decisions", "sidecar session.RoutingMeters"),
            new Metric("poolkeeper_failovers_total", Type.COUNTER, "poolkeeper.failovers", "sidecar Sidecar"),
            // HikariCP's own, one pool per server: its tag pool is the server's host:port.
            new Metric("hikaricp_connections", Type.GAUGE, "hikaricp.connections", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_idle", Type.GAUGE, "hikaricp.connections.idle", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_active", Type.GAUGE, "hikaricp.connections.active", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_pending", Type.GAUGE, "hikaricp.connections.pending", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_max", Type.GAUGE, "hikaricp.connections.max", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_min", Type.GAUGE, "hikaricp.connections.min", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_timeout_total", Type.COUNTER, "hikaricp.connections.timeout", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_acquire_seconds", Type.TIMER, "hikaricp.connections.acquire", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_usage_seconds", Type.TIMER, "hikaricp.connections.usage", "HikariCP MicrometerMetricsTracker"),
            new Metric("hikaricp_connections_creation_seconds", Type.TIMER, "hikaricp.connections.creation", "HikariCP MicrometerMetricsTracker"),
            // The operator (only the leader reconciles, so only it reports pools).
            new Metric("poolkeeper_operator_probes_total", Type.COUNTER, "poolkeeper.operator.probes", "operator OperatorMetrics"),
            new Metric("poolkeeper_operator_probe_duration_seconds", Type.TIMER, "poolkeeper.operator.probe.duration", "operator OperatorMetrics"),
            new Metric("poolkeeper_operator_failovers_total", Type.COUNTER, "poolkeeper.operator.failovers", "operator OperatorMetrics"),
            new Metric("poolkeeper_operator_promotions_total", Type.COUNTER, "poolkeeper.operator.promotions", "operator OperatorMetrics"),
            new Metric("poolkeeper_operator_pool_ready", Type.GAUGE, "poolkeeper.operator.pool.ready", "operator OperatorMetrics"),
            // Prometheus' own, per scrape target.
            new Metric("up", Type.GAUGE, null, "Prometheus"));

    private Metrics() {}

    /** Every series name a query may use. */
    static Set<String> series() {
        return ALL.stream().flatMap(Metric::series).collect(Collectors.toCollection(TreeSet::new));
    }

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GROUPINGS = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "inf", "nan");

    /** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or durations. */
    static Set<String> namesIn(String promql) {
        String bare = STRINGS.matcher(promql).replaceAll("\"\"");
        bare = MATCHERS.matcher(bare).replaceAll(" ");
        bare = RANGES.matcher(bare).replaceAll(" ");
        bare = GROUPINGS.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String word = m.group();
            boolean function = bare.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && (Character.isDigit(bare.charAt(m.start() - 1)) || bare.charAt(m.start() - 1) == '.');
            if (!function && !number && !KEYWORDS.contains(word.toLowerCase())) names.add(word);
        }
        return names;
    }
}
