package io.poolkeeper.api.v1alpha1;

/** The condition types of a DatabasePool and their one-word reasons. */
public final class Conditions {
    private Conditions() {}

    /** The pool serves clients: spec valid, budget enough, objects applied, primary reachable, pods ready. */
    public static final String READY = "Ready";
    /** A server answers as primary. */
    public static final String PRIMARY_AVAILABLE = "PrimaryAvailable";
    /** Every replica in the spec answers as a replica. */
    public static final String REPLICAS_AVAILABLE = "ReplicasAvailable";
    /** The pool serves, but with less than asked: a replica down, monitoring skipped, pods missing. */
    public static final String DEGRADED = "Degraded";
    /** The primary is lost and no new one is in place yet. */
    public static final String FAILOVER_IN_PROGRESS = "FailoverInProgress";
    /** PodMonitor and PrometheusRule exist as asked, or why not. */
    public static final String MONITORING_CONFIGURED = "MonitoringConfigured";

    /** Reasons, one PascalCase word each. */
    public static final class Reasons {
        private Reasons() {}

        public static final String RECONCILED = "Reconciled";
        public static final String INVALID_SPEC = "InvalidSpec";
        public static final String SECRET_NOT_FOUND = "SecretNotFound";
        public static final String TARGET_NOT_FOUND = "TargetNotFound";
        public static final String BUDGET_EXHAUSTED = "BudgetExhausted";
        public static final String SERVER_LIMIT_UNKNOWN = "ServerLimitUnknown";
        public static final String PODS_NOT_READY = "PodsNotReady";
        public static final String APPLY_FAILED = "ApplyFailed";
        public static final String PRIMARY_REACHABLE = "PrimaryReachable";
        public static final String PRIMARY_UNREACHABLE = "PrimaryUnreachable";
        public static final String NO_PRIMARY = "NoPrimary";
        public static final String REPLICAS_HEALTHY = "ReplicasHealthy";
        public static final String NO_REPLICAS = "NoReplicas";
        public static final String REPLICAS_UNHEALTHY = "ReplicasUnhealthy";
        public static final String AS_REQUESTED = "AsRequested";
        public static final String PRIMARY_CHANGED = "PrimaryChanged";
        public static final String PROMOTED = "Promoted";
        public static final String PROMOTE_FAILED = "PromoteFailed";
        public static final String WAITING_FOR_PRIMARY = "WaitingForPrimary";
        public static final String STABLE = "Stable";
        public static final String CONFIGURED = "Configured";
        public static final String DISABLED = "Disabled";
        public static final String PROMETHEUS_OPERATOR_MISSING = "PrometheusOperatorMissing";
    }
}
