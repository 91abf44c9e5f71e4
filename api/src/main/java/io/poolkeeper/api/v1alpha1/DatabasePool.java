package io.poolkeeper.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A pool of PostgreSQL connections for one database: the operator runs sidecar pods for it, sizes
 * them against the servers' limits, probes the servers and follows failover. The columns are what
 * {@code kubectl get databasepools} shows.
 */
@Group(DatabasePool.GROUP)
@Version(DatabasePool.VERSION)
@ShortNames({"dbpool", "dbpools"})
@AdditionalPrinterColumn(name = "Primary", jsonPath = ".status.currentPrimary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready Pods", jsonPath = ".status.readyInstances", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Per Pod", jsonPath = ".status.perPodSize", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DatabasePool extends CustomResource<DatabasePoolSpec, DatabasePoolStatus> implements Namespaced {
    public static final String GROUP = "poolkeeper.io";
    public static final String VERSION = "v1alpha1";

    /** The spec, or an empty one: a resource read without a spec still renders with every default. */
    public DatabasePoolSpec specOrDefaults() {
        return getSpec() != null ? getSpec() : DatabasePoolSpec.empty();
    }
}
