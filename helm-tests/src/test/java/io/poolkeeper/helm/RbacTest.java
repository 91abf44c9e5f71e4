package io.poolkeeper.helm;

import static io.poolkeeper.helm.Chart.FULLNAME;
import static io.poolkeeper.helm.Chart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.monitoring.PodMonitor;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import io.poolkeeper.operator.reconcile.DatabasePoolReconciler;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart grants the operator exactly what its code uses: every (apiGroup, resource, verb) in
 * {@link #OPERATOR_NEEDS}, nothing more, in the right scope. The list is checked against the
 * operator's code both ways (its dependent resources, and every Kubernetes API call in its
 * sources), so a new call fails here until the list and the chart's rules say it.
 */
class RbacTest {

    /** Where a permission is needed. */
    enum Scope {
        /** Where DatabasePools live: the ClusterRole, or a Role in each watched namespace. */
        POOL_NAMESPACES,
        /** Cluster-scoped objects: always a ClusterRole. */
        CLUSTER,
        /** The release namespace: the leader-election Lease. */
        RELEASE_NAMESPACE
    }

    record Need(Scope scope, String group, String resource, Set<String> verbs, String source) {}

    private static final Set<String> CRUD = Set.of("get", "list", "watch", "create", "update", "patch", "delete");

    /** What the operator does with the Kubernetes API, each with the code it comes from. */
    static final List<Need> OPERATOR_NEEDS = List.of(
            new Need(Scope.POOL_NAMESPACES, "poolkeeper.io", "databasepools", Set.of("get", "list", "watch", "patch", "update"),
                    "DatabasePoolReconciler: JOSDK watches the primary resource and adds/removes its finalizer (the reconciler is a Cleaner)"),
            new Need(Scope.POOL_NAMESPACES, "poolkeeper.io", "databasepools/status", Set.of("get", "patch", "update"),
                    "DatabasePoolReconciler.finish: UpdateControl.patchStatus"),
            new Need(Scope.POOL_NAMESPACES, "poolkeeper.io", "databasepools/finalizers", Set.of("update"),
                    "owner references on every dependent: OwnerReferencesPermissionEnforcement asks for it where enabled"),
            new Need(Scope.POOL_NAMESPACES, "", "configmaps", CRUD, "dependent.ConfigMapDependent"),
            new Need(Scope.POOL_NAMESPACES, "", "services", CRUD, "dependent.ReadWriteServiceDependent, ReadOnlyServiceDependent"),
            new Need(Scope.POOL_NAMESPACES, "apps", "deployments", CRUD,
                    "dependent.DeploymentDependent; reconcile.Workload (get the Sidecar target), reconcile.SidecarInjector (get, edit = patch)"),
            new Need(Scope.POOL_NAMESPACES, "policy", "poddisruptionbudgets", CRUD, "dependent.DisruptionBudgetDependent"),
            new Need(Scope.POOL_NAMESPACES, "autoscaling", "horizontalpodautoscalers", CRUD,
                    "dependent.AutoscalerDependent; reconcile.Workload.autoscalerCeiling (list)"),
            new Need(Scope.POOL_NAMESPACES, "monitoring.coreos.com", "podmonitors", CRUD, "dependent.PodMonitorDependent"),
            new Need(Scope.POOL_NAMESPACES, "monitoring.coreos.com", "prometheusrules", CRUD, "dependent.PrometheusRuleDependent"),
            new Need(Scope.POOL_NAMESPACES, "", "secrets", Set.of("get"), "reconcile.Credentials.read: each Secret a pool names, by name"),
            new Need(Scope.POOL_NAMESPACES, "", "events", Set.of("create"), "status.EventRecorder: core v1 Events on the pool"),
            new Need(Scope.CLUSTER, "apiextensions.k8s.io", "customresourcedefinitions", Set.of("get"),
                    "reconcile.MonitoringCrds.exists: the PodMonitor and PrometheusRule CRDs, by name"),
            new Need(Scope.RELEASE_NAMESPACE, "coordination.k8s.io", "leases", Set.of("get", "create", "update"),
                    "PoolkeeperOperator: JOSDK leader election (fabric8 LeaseLock) when POOLKEEPER_LEASE_NAMESPACE is set"));

    /**
     * Kubernetes API calls in the operator's sources, each mapped to the resource it touches. A
     * call the scan finds that is not here fails {@link #whenTheOperatorsSourcesAreScannedThenEveryApiCallIsAKnownNeed}.
     */
    private static final Map<String, String> API_CALLS = Map.of(
            "secrets", "/secrets",
            "events", "/events",
            "deployments", "apps/deployments",
            "horizontalPodAutoscalers", "autoscaling/horizontalpodautoscalers",
            "resources(CustomResourceDefinition.class)", "apiextensions.k8s.io/customresourcedefinitions",
            "LeaderElectionConfiguration", "coordination.k8s.io/leases");
    /** Client methods that make no API call. */
    private static final Set<String> NOT_API_CALLS = Set.of("getKubernetesSerialization", "getConfiguration", "getMasterUrl", "close");
    /**
     * A call on a fabric8 client: {@code client.secrets()}, {@code client.apps().deployments()},
     * {@code context.getClient().resources(X.class)}, and JOSDK's leader election.
     */
    private static final Pattern API_CALL = Pattern.compile(
            "(?:\\bclient|getClient\\(\\))\\s*(?:\\.(?:apps|autoscaling|v1|v2|policy|rbac|batch|network|coordination|apiextensions|storage)\\(\\)\\s*)*"
                    + "\\.(\\w+)\\((\\w+)?(?:\\.class)?\\)|(LeaderElectionConfiguration)\\(");

    private static Stream<String> triples(Need need) {
        return need.verbs().stream().map(v -> need.group() + "/" + need.resource() + ":" + v);
    }

    private static Set<String> needed(Scope... scopes) {
        Set<Scope> wanted = Set.of(scopes);
        return OPERATOR_NEEDS.stream().filter(n -> wanted.contains(n.scope())).flatMap(RbacTest::triples).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> granted(List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        assertThat(List.of(group, resource, verb)).as("no wildcards").doesNotContain("*");
                        out.add(group + "/" + resource + ":" + verb);
                    }
                }
            }
        }
        return out;
    }

    private static String groupResource(Class<? extends HasMetadata> type) {
        return HasMetadata.getGroup(type) + "/" + HasMetadata.getPlural(type);
    }

    @Test
    void whenTheReconcilersDependentsAreReadThenEachOwnedKindIsAFullCrudNeed() {
        Set<String> crud = OPERATOR_NEEDS.stream().filter(n -> n.verbs().equals(CRUD)).map(n -> n.group() + "/" + n.resource())
                .collect(Collectors.toSet());
        List<String> owned = new ArrayList<>();
        for (Dependent dependent : DatabasePoolReconciler.class.getAnnotation(Workflow.class).dependents()) {
            owned.add(groupResource(resourceType(dependent.type())));
        }
        assertThat(owned).hasSize(8);
        assertThat(crud).as("the kinds the dependents own, and nothing else, get full CRUD").isEqualTo(Set.copyOf(owned));
        assertThat(OPERATOR_NEEDS).anySatisfy(n -> assertThat(n.group() + "/" + n.resource()).isEqualTo(groupResource(DatabasePool.class)));
    }

    /** The R of a {@code CRUDKubernetesDependentResource<R, DatabasePool>}. */
    @SuppressWarnings("unchecked")
    private static Class<? extends HasMetadata> resourceType(Class<?> dependent) {
        Type type = dependent.getGenericSuperclass();
        assertThat(type).as(dependent + " is a CRUD dependent").isInstanceOf(ParameterizedType.class);
        ParameterizedType generic = (ParameterizedType) type;
        assertThat(generic.getRawType()).isEqualTo(CRUDKubernetesDependentResource.class);
        return (Class<? extends HasMetadata>) generic.getActualTypeArguments()[0];
    }

    @Test
    void whenTheOperatorsSourcesAreScannedThenEveryApiCallIsAKnownNeed() throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        Path sources = Repo.ROOT.resolve("operator/src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = API_CALL.matcher(Repo.read(file));
                while (m.find()) {
                    String call = m.group(3) != null ? m.group(3) : m.group(2) != null ? m.group(1) + "(" + m.group(2) + ".class)" : m.group(1);
                    if (!NOT_API_CALLS.contains(call)) found.put(call, sources.relativize(file).toString());
                }
            }
        }
        assertThat(API_CALLS).as("API calls in operator/src/main (call -> file: %s); add new ones to API_CALLS, OPERATOR_NEEDS and the chart", found)
                .containsKeys(found.keySet().toArray(String[]::new));
        assertThat(found.keySet()).as("every call API_CALLS names is still in the sources").containsAll(API_CALLS.keySet());
        Set<String> needs = OPERATOR_NEEDS.stream().map(n -> n.group() + "/" + n.resource()).collect(Collectors.toSet());
        assertThat(needs).containsAll(API_CALLS.values());
    }

    @Test
    void whenClusterWideThenTheClusterRoleGrantsExactlyWhatTheOperatorNeeds() {
        Chart.Rendered rendered = Chart.render("");
        ClusterRole role = rendered.one(ClusterRole.class, FULLNAME);
        assertThat(granted(role.getRules())).isEqualTo(needed(Scope.POOL_NAMESPACES, Scope.CLUSTER));
        assertCrdsOnlyByName(role.getRules());
        assertLeaseRole(rendered);
    }

    @Test
    void whenNamespacedThenEachWatchedNamespaceGetsExactlyThePoolNeedsAndTheClusterOnlyTheCrdReads() {
        Chart.Rendered rendered = Chart.render("rbac: {scope: Namespaced}\nwatchNamespaces: [shop, billing]\n");
        for (String ns : List.of("shop", "billing")) {
            Role role = rendered.all(Role.class).stream().filter(r -> r.getMetadata().getNamespace().equals(ns)).findFirst().orElseThrow();
            assertThat(granted(role.getRules())).as("Role in %s", ns).isEqualTo(needed(Scope.POOL_NAMESPACES));
        }
        ClusterRole crds = rendered.one(ClusterRole.class, FULLNAME + "-crds");
        assertThat(granted(crds.getRules())).isEqualTo(needed(Scope.CLUSTER));
        assertCrdsOnlyByName(crds.getRules());
        assertLeaseRole(rendered);
    }

    /** The operator asks for the two Prometheus Operator CRDs by name; the rule names exactly those. */
    private static void assertCrdsOnlyByName(List<PolicyRule> rules) {
        PolicyRule crdRule = rules.stream().filter(r -> r.getResources().contains("customresourcedefinitions")).findFirst().orElseThrow();
        assertThat(crdRule.getResourceNames()).containsExactlyInAnyOrder(
                HasMetadata.getFullResourceName(PodMonitor.class), HasMetadata.getFullResourceName(PrometheusRule.class));
        assertThat(rules.stream().filter(r -> r != crdRule)).allSatisfy(r -> assertThat(r.getResourceNames()).isNullOrEmpty());
    }

    private static void assertLeaseRole(Chart.Rendered rendered) {
        Role lease = rendered.one(Role.class, FULLNAME + "-leader-election");
        assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(granted(lease.getRules())).isEqualTo(needed(Scope.RELEASE_NAMESPACE));
    }
}
