package io.poolkeeper.helm;

import static io.poolkeeper.helm.Chart.FULLNAME;
import static io.poolkeeper.helm.Chart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.poolkeeper.operator.OperatorSettings;
import io.poolkeeper.operator.model.monitoring.PodMonitor;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart linted and rendered by real Helm with the default values and with every option the
 * values offer; every manifest must parse as its Kubernetes model type with no unknown field, and
 * the operator must understand the environment the chart gives it.
 */
class ChartRenderTest {

    /** Each non-default option of values.yaml, at least once. */
    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario("defaults", ""),
                new Scenario("namespaced RBAC", """
                        rbac: {scope: Namespaced}
                        watchNamespaces: [shop, billing]
                        """),
                new Scenario("monitoring on", """
                        metrics:
                          podMonitor: {enabled: true, interval: 15s, labels: {release: kps}}
                        prometheusRule:
                          enabled: true
                          labels: {release: kps}
                          additionalLabels: {team: platform}
                          thresholds: {waiting: 25, activeRatio: 0.8, replicaLagSeconds: 30, slowQueriesPerSecond: 1}
                        """),
                new Scenario("monitoring off", """
                        metrics: {podMonitor: {enabled: false}}
                        prometheusRule: {enabled: false}
                        """),
                new Scenario("dashboard on", """
                        dashboard: {enabled: true, namespace: monitoring, folder: Databases, labels: {grafana_dashboard: "1", team: db}}
                        """),
                new Scenario("one replica without leader election", """
                        replicaCount: 1
                        leaderElection: {enabled: false}
                        """),
                new Scenario("three replicas", "replicaCount: 3\n"),
                new Scenario("existing service account, no RBAC", """
                        serviceAccount: {create: false, name: platform-operator}
                        rbac: {create: false}
                        """),
                new Scenario("own image, names and pod settings", """
                        image: {repository: registry.example.com/db/poolkeeper, tag: 1.2.3, pullPolicy: Always}
                        sidecarImage: registry.example.com/db/poolkeeper-sidecar:1.2.3
                        imagePullSecrets: [{name: regcred}]
                        fullnameOverride: pooler-operator
                        serviceAccount: {annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::1:role/x"}}
                        resources: {requests: {cpu: 50m, memory: 128Mi}, limits: {cpu: "1", memory: 1Gi}}
                        extraEnv: [{name: JAVA_TOOL_OPTIONS, value: "-Djava.io.tmpdir=/tmp -XX:MaxRAMPercentage=60"}]
                        podAnnotations: {example.com/owner: db-team}
                        podLabels: {team: db}
                        nodeSelector: {kubernetes.io/os: linux}
                        tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
                        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: In, values: [db]}]}]}}}
                        priorityClassName: system-cluster-critical
                        """),
                new Scenario("name override, own metrics port, no metrics Service, no PDB", """
                        nameOverride: pk
                        metrics: {port: 9090, service: {enabled: false}}
                        podDisruptionBudget: {enabled: false}
                        """));
    }

    record Scenario(String name, String values) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void whenLintedStrictlyThenHelmFindsNothingToWarnAbout() {
        LintResult lint = new Helm(Repo.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void whenRenderedThenEveryManifestIsAKubernetesObjectWithNoUnknownField(Scenario scenario) {
        Chart.Rendered rendered = Chart.render(scenario.values());
        assertThat(rendered.manifests()).isNotEmpty();
        for (Chart.Manifest manifest : rendered.manifests()) {
            HasMetadata object = manifest.object();
            String what = object.getKind() + "/" + object.getMetadata().getName();
            assertThat(StrictModel.unknownFields(object, manifest.text())).as("unknown fields in %s", what).isEmpty();
            assertThat(object.getMetadata().getName()).as(what).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
            assertThat(object.getMetadata().getLabels()).as(what)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsEntry("app.kubernetes.io/instance", Chart.RELEASE);
            if (object instanceof Namespaced) assertThat(object.getMetadata().getNamespace()).as(what + " namespace").isNotBlank();
            else assertThat(object.getMetadata().getNamespace()).as(what + " is cluster-scoped").isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void whenRenderedThenSelectorsBindingsAndAccountsPointAtWhatExists(Scenario scenario) {
        Chart.Rendered rendered = Chart.render(scenario.values());
        Deployment deployment = rendered.all(Deployment.class).getFirst();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        rendered.all(Service.class).forEach(s -> assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector()));
        rendered.all(PodDisruptionBudget.class).forEach(p -> assertThat(podLabels).containsAllEntriesOf(p.getSpec().getSelector().getMatchLabels()));
        rendered.all(PodMonitor.class).forEach(p -> assertThat(podLabels).containsAllEntriesOf(p.getSpec().selector().getMatchLabels()));

        String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        Set<String> roles = Set.copyOf(rendered.all(Role.class).stream().map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName()).toList());
        Set<String> clusterRoles = Set.copyOf(rendered.all(ClusterRole.class).stream().map(r -> r.getMetadata().getName()).toList());
        for (RoleBinding binding : rendered.all(RoleBinding.class)) {
            assertThat(roles).contains(binding.getMetadata().getNamespace() + "/" + binding.getRoleRef().getName());
            assertThat(binding.getSubjects()).extracting(Subject::getName, Subject::getNamespace).containsExactly(org.assertj.core.groups.Tuple.tuple(account, NAMESPACE));
        }
        for (ClusterRoleBinding binding : rendered.all(ClusterRoleBinding.class)) {
            assertThat(clusterRoles).contains(binding.getRoleRef().getName());
            assertThat(binding.getSubjects()).extracting(Subject::getName, Subject::getNamespace).containsExactly(org.assertj.core.groups.Tuple.tuple(account, NAMESPACE));
        }
        if (!rendered.all(ServiceAccount.class).isEmpty()) {
            assertThat(rendered.all(ServiceAccount.class)).extracting(s -> s.getMetadata().getName()).containsExactly(account);
        }
    }

    /** The operator reads its settings from the environment the chart sets: the two must agree. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void whenTheOperatorReadsTheChartsEnvironmentThenItGetsWhatTheValuesSay(Scenario scenario) {
        Chart.Rendered rendered = Chart.render(scenario.values());
        Deployment deployment = rendered.all(Deployment.class).getFirst();
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), var.getValueFrom() != null ? "from-" + var.getValueFrom().getFieldRef().getFieldPath() : var.getValue());
        }
        OperatorSettings settings = OperatorSettings.fromEnvironment(env);

        int metricsPort = container.getPorts().stream().filter(p -> p.getName().equals("metrics")).findFirst().orElseThrow().getContainerPort();
        assertThat(settings.metricsPort()).isEqualTo(metricsPort);
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        assertThat(settings.identity()).isEqualTo("from-metadata.name");
        boolean leaderElection = !scenario.values().contains("leaderElection: {enabled: false}");
        assertThat(settings.leaseNamespace()).isEqualTo(leaderElection ? NAMESPACE : null);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(scenario.values().contains("replicaCount: 3") ? 3 : leaderElection ? 2 : 1);
        assertThat(settings.namespaces()).isEqualTo(scenario.name().equals("namespaced RBAC") ? Set.of("shop", "billing") : Set.of());
        assertThat(settings.sidecarImage()).isEqualTo(scenario.values().contains("sidecarImage:")
                ? "registry.example.com/db/poolkeeper-sidecar:1.2.3" : container.getImage());
    }

    @Test
    void whenDefaultThenTwoOperatorsWithLeaderElectionClusterRbacAndNoMonitoringObjectsWithoutTheirCrds() {
        Chart.Rendered rendered = Chart.render("");
        assertThat(rendered.kinds()).containsExactly(
                "ClusterRole/" + FULLNAME, "ClusterRoleBinding/" + FULLNAME, "Deployment/" + FULLNAME,
                "PodDisruptionBudget/" + FULLNAME, "Role/" + FULLNAME + "-leader-election", "RoleBinding/" + FULLNAME + "-leader-election",
                "Service/" + FULLNAME + "-metrics", "ServiceAccount/" + FULLNAME);
        Deployment deployment = rendered.one(Deployment.class, FULLNAME);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(operator.getImage()).isEqualTo("ghcr.io/poolkeeper/poolkeeper:" + ChartMetadataTest.projectVersion());
        assertThat(OperatorSettings.DEFAULT_IMAGE).startsWith("ghcr.io/poolkeeper/poolkeeper:");
        assertThat(rendered.one(PodDisruptionBudget.class, FULLNAME).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void whenRestrictedThenTheOperatorPodRunsAsTheRestrictedPodSecurityStandardAsks() {
        PodSpec pod = Chart.render("").one(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container operator = pod.getContainers().getFirst();
        assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void whenNamespacedThenARoleInEachWatchedNamespaceAndOnlyCrdReadingClusterWide() {
        Chart.Rendered rendered = Chart.render("rbac: {scope: Namespaced}\nwatchNamespaces: [shop, billing]\n");
        assertThat(rendered.all(Role.class)).extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
                .containsExactlyInAnyOrder("shop/" + FULLNAME, "billing/" + FULLNAME, NAMESPACE + "/" + FULLNAME + "-leader-election");
        assertThat(rendered.all(ClusterRole.class)).extracting(r -> r.getMetadata().getName()).containsExactly(FULLNAME + "-crds");
        assertThat(rendered.one(ClusterRole.class, FULLNAME + "-crds").getRules()).singleElement()
                .satisfies(rule -> assertThat(rule.getResourceNames()).containsExactlyInAnyOrder(
                        "podmonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"));
    }

    @Test
    void whenMonitoringIsOnThenThePodMonitorScrapesTheOperatorsMetricsPortAndTheRuleCarriesItsLabels() {
        Chart.Rendered rendered = Chart.render("""
                metrics: {podMonitor: {enabled: true, interval: 15s, labels: {release: kps}}}
                prometheusRule: {enabled: true, labels: {release: kps}, additionalLabels: {team: platform}}
                """);
        PodMonitor monitor = rendered.one(PodMonitor.class, FULLNAME);
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kps");
        assertThat(monitor.getSpec().podMetricsEndpoints()).singleElement()
                .satisfies(e -> assertThat(List.of(e.port(), e.path(), e.interval())).containsExactly("metrics", "/metrics", "15s"));
        PrometheusRule rule = rendered.one(PrometheusRule.class, FULLNAME);
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kps");
        assertThat(rule.getSpec().groups()).flatExtracting(PrometheusRule.RuleGroup::rules)
                .allSatisfy(r -> assertThat(r.labels()).containsEntry("team", "platform").containsKey("severity"));
    }

    @Test
    void whenMonitoringIsOffThenNeitherPodMonitorNorRule() {
        Chart.Rendered rendered = Chart.render("metrics: {podMonitor: {enabled: false}}\nprometheusRule: {enabled: false}\n");
        assertThat(rendered.all(PodMonitor.class)).isEmpty();
        assertThat(rendered.all(PrometheusRule.class)).isEmpty();
    }

    @Test
    void whenTheDashboardIsOnThenItsConfigMapHoldsTheDashboardJsonWhereGrafanaLooks() throws Exception {
        Chart.Rendered rendered = Chart.render("dashboard: {enabled: true, namespace: monitoring}\n");
        ConfigMap dashboard = rendered.one(ConfigMap.class, FULLNAME + "-dashboard");
        assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("monitoring");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        String json = dashboard.getData().get("poolkeeper.json");
        assertThat(new ObjectMapper().readTree(json)).isEqualTo(new ObjectMapper().readTree(Repo.CHART.resolve("dashboards/poolkeeper.json").toFile()));
    }

    @Test
    void whenOneReplicaWithoutLeaderElectionThenNoLeaseRoleAndNoDisruptionBudget() {
        Chart.Rendered rendered = Chart.render("replicaCount: 1\nleaderElection: {enabled: false}\n");
        assertThat(rendered.all(Role.class)).isEmpty();
        assertThat(rendered.all(PodDisruptionBudget.class)).isEmpty();
    }

    @Test
    void whenTheServiceAccountExistsAndRbacIsElsewhereThenTheChartMakesNeither() {
        Chart.Rendered rendered = Chart.render("serviceAccount: {create: false, name: platform-operator}\nrbac: {create: false}\n");
        assertThat(rendered.all(ServiceAccount.class)).isEmpty();
        assertThat(rendered.kinds()).noneMatch(k -> k.contains("Role"));
        assertThat(rendered.one(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("platform-operator");
    }

    @Test
    void whenPodSettingsAreGivenThenTheOperatorPodCarriesThem() {
        String values = scenarios().filter(s -> s.name().startsWith("own image")).findFirst().orElseThrow().values();
        Deployment deployment = Chart.render(values).one(Deployment.class, "pooler-operator");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container operator = pod.getContainers().getFirst();
        assertThat(operator.getImage()).isEqualTo("registry.example.com/db/poolkeeper:1.2.3");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        assertThat(operator.getEnv()).extracting(EnvVar::getName).contains("JAVA_TOOL_OPTIONS");
        assertThat(operator.getResources().getLimits()).containsKey("cpu");
        assertThat(pod.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");
        assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(pod.getTolerations()).hasSize(1);
        assertThat(pod.getAffinity().getNodeAffinity()).isNotNull();
        assertThat(pod.getAffinity().getPodAntiAffinity()).isNull();
        assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "db");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("example.com/owner", "db-team");
    }

    /** values.schema.json (and the templates' own checks) turn these away before anything is rendered. */
    static Stream<Scenario> badValues() {
        return Stream.of(
                new Scenario("no replicas", "replicaCount: 0\n"),
                new Scenario("replicas as text", "replicaCount: two\n"),
                new Scenario("unknown RBAC scope", "rbac: {scope: Everywhere}\n"),
                new Scenario("misspelt key", "replicas: 2\n"),
                new Scenario("misspelt nested key", "leaderElection: {enable: true}\n"),
                new Scenario("namespaced RBAC without namespaces", "rbac: {scope: Namespaced}\n"),
                new Scenario("two replicas without leader election", "leaderElection: {enabled: false}\n"),
                new Scenario("invalid namespace name", "watchNamespaces: [Shop_1]\n"),
                new Scenario("monitoring switch neither auto nor a boolean", "prometheusRule: {enabled: sometimes}\n"),
                new Scenario("active ratio above 1", "prometheusRule: {thresholds: {activeRatio: 1.5}}\n"),
                new Scenario("empty sidecar selector", "prometheusRule: {sidecarSelector: \"\"}\n"),
                new Scenario("metrics port out of range", "metrics: {port: 70000}\n"),
                new Scenario("bad scrape interval", "metrics: {podMonitor: {interval: soon}}\n"),
                new Scenario("unknown pull policy", "image: {pullPolicy: Sometimes}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void whenAValueIsBadThenHelmRefusesToRender(Scenario scenario) {
        assertThatThrownBy(() -> Chart.render(scenario.values()))
                .as(scenario.name())
                .hasMessageMatching("(?s).*(values don't meet the specifications of the schema|execution error).*");
    }
}
