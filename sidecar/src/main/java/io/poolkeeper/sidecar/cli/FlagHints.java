package io.poolkeeper.sidecar.cli;

import static java.util.Map.entry;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Adds the flag that sets a field to a config problem ({@code pool.maxSize: ...} becomes
 * {@code pool.maxSize (--pool-size): ...}), so whoever runs the sidecar with flags alone sees
 * what to change. A list element's index is kept in the problem and ignored in the lookup:
 * {@code replicas[1].weight} is set by {@code --replica}.
 */
final class FlagHints {
    static final Map<String, String> FLAG_BY_FIELD = Map.ofEntries(
            entry("listen", "--listen"),
            entry("admin", "--admin"),
            entry("database", "--database"),
            entry("serverDatabase", "--server-database"),
            entry("primary", "--primary"),
            entry("primary.host", "--primary"),
            entry("primary.port", "--primary"),
            entry("server.user", "--server-user"),
            entry("server.passwordFile", "--server-password-file"),
            entry("auth.method", "--auth"),
            entry("auth.usersFile", "--users-file"),
            entry("tls", "--tls-cert, --tls-key"),
            entry("tls.certFile", "--tls-cert"),
            entry("tls.keyFile", "--tls-key"),
            entry("pool.maxSize", "--pool-size"),
            entry("pool.minIdle", "--min-idle"),
            entry("pool.idleTimeout", "--idle-timeout"),
            entry("pool.maxLifetime", "--max-lifetime"),
            entry("pool.acquireTimeout", "--acquire-timeout"),
            entry("pool.maxUsesPerConnection", "--max-uses"),
            entry("limits.eventLoops", "--event-loops"),
            entry("timeouts.query", "--query-timeout"),
            entry("replicas", "--replica"),
            entry("replicas.host", "--replica"),
            entry("replicas.port", "--replica"),
            entry("replicas.weight", "--replica"),
            entry("replicas.zone", "--replica"),
            entry("listenReadOnly", "--listen-ro"),
            entry("routing.readStrategy", "--read-strategy"),
            entry("routing.splitReads", "--split-reads"),
            entry("routing.maxReplicaLag", "--max-replica-lag"),
            entry("routing.readYourWrites", "--read-your-writes"),
            entry("routing.fallbackToPrimary", "--fallback-to-primary"),
            entry("probe.interval", "--probe-interval"),
            entry("probe.timeout", "--probe-timeout"),
            entry("circuitBreaker.failureThreshold", "--breaker-failures"),
            entry("circuitBreaker.resetTimeout", "--breaker-reset"),
            entry("monitoring.slowQuery", "--slow-query"),
            entry("shutdownGrace", "--shutdown-grace"));

    private static final Pattern INDEX = Pattern.compile("\\[\\d+]");

    private FlagHints() {}

    /** {@code problem} as {@link io.poolkeeper.api.config.SidecarConfig#problems()} words it: {@code field: why}. */
    static String annotate(String problem) {
        int colon = problem.indexOf(": ");
        if (colon < 0) return problem;
        String flag = FLAG_BY_FIELD.get(INDEX.matcher(problem.substring(0, colon)).replaceAll(""));
        return flag == null ? problem : problem.substring(0, colon) + " (" + flag + ")" + problem.substring(colon);
    }
}
