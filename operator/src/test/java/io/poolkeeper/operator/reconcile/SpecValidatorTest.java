package io.poolkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    static List<String> problems(String spec) {
        DatabasePool pool = Serialization.unmarshal("""
                apiVersion: poolkeeper.io/v1alpha1
                kind: DatabasePool
                metadata: {name: orders, namespace: shop}
                spec:
                  database: app
                  credentialsSecret: db
                  clientAuthSecret: clients
                  primary: {host: pg-0}
                """ + spec.indent(2), DatabasePool.class);
        return SpecValidator.validate(pool).stream().map(SpecProblem::toString).toList();
    }

    @Test
    void whenTheSpecIsSoundThenNoProblems() {
        assertThat(problems("replicas: [{host: pg-1}, {host: pg-2, port: 5433}]")).isEmpty();
    }

    @Test
    void whenAReplicaIsListedTwiceOrIsThePrimaryThenItsIndexIsNamed() {
        assertThat(problems("replicas: [{host: pg-0}, {host: pg-1}, {host: pg-1}]"))
                .containsExactly("spec.replicas[0]: pg-0:5432 is already listed as the primary or another replica",
                        "spec.replicas[2]: pg-1:5432 is already listed as the primary or another replica");
    }

    @Test
    void whenDurationsAreWrongThenEachFieldIsNamed() {
        assertThat(problems("timeouts: {acquire: 2 seconds}\nfailover: {probeInterval: 50ms}\nrouting: {maxReplicaLag: 1.5s}"))
                .anySatisfy(p -> assertThat(p).startsWith("spec.timeouts.acquire: '2 seconds' is not a duration"))
                .anySatisfy(p -> assertThat(p).isEqualTo("spec.failover.probeInterval: must be at least 200ms, got 50ms"))
                .anySatisfy(p -> assertThat(p).startsWith("spec.routing.maxReplicaLag:"));
    }

    @Test
    void whenServerTlsVerifiesWithoutACaOrHasOneItDoesNotUseThenCaSecretIsNamed() {
        assertThat(problems("serverTls: {mode: verify-full}")).containsExactly(
                "spec.serverTls.caSecret: required when serverTls.mode is verify-full: a Secret holding the PEM CA bundle that signed the servers' certificates");
        assertThat(problems("serverTls: {mode: require, caSecret: pg-ca}")).containsExactly(
                "spec.serverTls.caSecret: only used by modes verify-ca and verify-full, but serverTls.mode is require;"
                        + " set the mode to verify-full (or verify-ca) to check the servers' certificates");
        assertThat(problems("serverTls: {mode: disable, clientCertSecret: pg-client}")).containsExactly(
                "spec.serverTls.clientCertSecret: a client certificate needs TLS, but serverTls.mode is disable");
        assertThat(problems("serverTls: {mode: verify-ca, caSecret: pg-ca, clientCertSecret: pg-client}")).isEmpty();
    }

    @Test
    void whenTheSidecarWouldRefuseItsConfigThenTheSpecFieldIsNamed() {
        assertThat(problems("timeouts: {maxLifetime: 10s}\nlimits: {maxMessageBytes: 100}"))
                .containsExactlyInAnyOrder("spec.timeouts.maxLifetime: must be 0 (forever) or at least 30s, got 10s",
                        "spec.limits.maxMessageBytes: must be at least 8192");
    }

    @Test
    void whenTopologyFieldsDisagreeThenTheyAreNamed() {
        assertThat(problems("topology: Sidecar\nautoscaling: {maxInstances: 3}")).containsExactlyInAnyOrder(
                "spec.targetRef: required for topology Sidecar: the Deployment whose pods get the sidecar",
                "spec.autoscaling: only for topology Standalone; in Sidecar topology the target's own autoscaler counts");
        assertThat(problems("autoscaling: {minInstances: 5, maxInstances: 3}"))
                .containsExactly("spec.autoscaling.minInstances: must not exceed maxInstances (3), got 5");
    }

    @Test
    void whenTheServerLimitIsNeitherAutoNorANumberThenItIsNamed() {
        assertThat(problems("sizing: {serverMaxConnections: \"200\"}")).isEmpty();
        assertThat(problems("sizing: {serverMaxConnections: 0}"))
                .containsExactly("spec.sizing.serverMaxConnections: must be \"auto\" or a whole number of at least 1, got \"0\"");
    }

    @Test
    void whenRequiredFieldsAreMissingThenEachIsNamed() {
        DatabasePool pool = Serialization.unmarshal("""
                apiVersion: poolkeeper.io/v1alpha1
                kind: DatabasePool
                metadata: {name: a-pool-name-that-is-far-too-long-for-the-services-named-after-it-x, namespace: shop}
                spec: {clientAuthMethod: md5}
                """, DatabasePool.class);
        assertThat(SpecValidator.validate(pool)).extracting(SpecProblem::field).containsExactly(
                "metadata.name", "spec.database", "spec.credentialsSecret", "spec.primary.host", "spec.clientAuthSecret");
    }
}
