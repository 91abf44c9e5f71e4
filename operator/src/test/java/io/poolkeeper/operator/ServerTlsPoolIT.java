package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.v1alpha1.ServerStatus;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool with serverTls against a real server with ssl = on: the pods mount the CA and client
 * certificate Secrets by reference, the rendered config points at the mounted files, no Secret
 * value reaches a ConfigMap, and the operator's own probes use the mode, the CA and the client
 * certificate (the server lets the pool's user in only with it).
 */
class ServerTlsPoolIT extends OperatorIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Logs in only over TLS with a client certificate naming it. */
    static final String CERT_USER = "pooler";

    @TempDir
    static Path dir;
    static LocalPostgres pg;
    static TestCertificates.Authority ca;

    @BeforeAll
    static void startTlsServer() {
        ca = TestCertificates.authority(dir, "test-ca");
        ca.issue("poolkeeper-test-server", "IP:127.0.0.1", dir.resolve("server.crt"), dir.resolve("server.key"));
        ca.issue(CERT_USER, null, dir.resolve("client.crt"), dir.resolve("client.key"));
        pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(0));
        pg.primary().enableTls(dir.resolve("server.crt"), dir.resolve("server.key"));
        pg.primary().sql("CREATE ROLE " + CERT_USER + " LOGIN SUPERUSER PASSWORD '" + LocalPostgres.PASSWORD + "'");
        pg.primary().requireClientCertificate(CERT_USER, ca.cert());
    }

    @AfterAll
    static void stopTlsServer() {
        pg.close();
    }

    @Test
    void whenServerTlsIsVerifyFullThenTheSecretsAreMountedTheConfigPointsAtThemAndTheOperatorProbesWithTheClientCertificate()
            throws Exception {
        String caPem = Files.readString(ca.cert());
        String clientKeyPem = Files.readString(dir.resolve("client.key"));
        k8s.secrets("shop", "db-login", CERT_USER, LocalPostgres.PASSWORD, "db-clients");
        secret("pg-ca", Map.of("root.pem", caPem));
        secret("pg-client", Map.of("tls.crt", Files.readString(dir.resolve("client.crt")), "tls.key", clientKeyPem));
        k8s.apply(Pools.yaml("orders", pg, "serverTls: {mode: verify-full, caSecret: pg-ca, caKey: root.pem, clientCertSecret: pg-client}"));

        Deployment deployment = Eventually.get("the Deployment", WAIT, () -> k8s.deployment("shop", "orders-pooler"));
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("pg-ca"))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getItems()).singleElement()
                        .satisfies(item -> assertThat(item.getKey()).isEqualTo("root.pem")));
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("pg-client"))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getItems()).extracting("key").containsExactly("tls.crt", "tls.key"));
        List<VolumeMount> mounts = pod.getContainers().getFirst().getVolumeMounts();
        assertThat(mounts).filteredOn(m -> m.getMountPath().equals("/etc/poolkeeper/server-ca"))
                .singleElement().satisfies(m -> {
                    assertThat(m.getReadOnly()).isTrue();
                    assertThat(volume(pod.getVolumes(), m.getName()).getSecret().getSecretName()).isEqualTo("pg-ca");
                });
        assertThat(mounts).filteredOn(m -> m.getMountPath().equals("/etc/poolkeeper/server-client-cert"))
                .singleElement().satisfies(m -> assertThat(volume(pod.getVolumes(), m.getName()).getSecret().getSecretName()).isEqualTo("pg-client"));

        ConfigMap config = k8s.client().configMaps().inNamespace("shop").withName("orders-config").get();
        SidecarConfig rendered = SidecarConfigYaml.parse(config.getData().get("sidecar.yaml"));
        assertThat(rendered.problems()).isEmpty();
        assertThat(rendered.server().tls()).isEqualTo(new SidecarConfig.ServerTls(ServerSslMode.VERIFY_FULL,
                "/etc/poolkeeper/server-ca/root.pem", "/etc/poolkeeper/server-client-cert/tls.crt", "/etc/poolkeeper/server-client-cert/tls.key"));
        for (ConfigMap any : k8s.client().configMaps().inNamespace("shop").list().getItems()) {
            String values = String.valueOf(any.getData()) + any.getBinaryData();
            assertThat(values).as("ConfigMap %s", any.getMetadata().getName())
                    .doesNotContain("BEGIN", caPem.lines().toList().get(1), clientKeyPem.lines().toList().get(1));
        }

        Eventually.assertThat(WAIT, () -> assertThat(k8s.pool("shop", "orders").getStatus().servers())
                .singleElement().satisfies(s -> assertThat(s.healthy()).as(s.message()).isTrue()));
    }

    @Test
    void whenTheCaSecretHoldsAnotherCaThenTheOperatorsProbesFailOnTheCertificate() {
        TestCertificates.Authority other = TestCertificates.authority(dir, "other-ca");
        k8s.localPoolSecrets();
        secret("other-ca", Map.of("ca.crt", read(other.cert())));
        k8s.apply(Pools.yaml("orders", pg, "serverTls: {mode: verify-full, caSecret: other-ca}"));

        Eventually.assertThat(WAIT, () -> {
            List<ServerStatus> servers = k8s.pool("shop", "orders").getStatus().servers();
            assertThat(servers).singleElement().satisfies(s -> {
                assertThat(s.healthy()).isFalse();
                assertThat(s.message()).contains("SSL error");
            });
        });
    }

    private void secret(String name, Map<String, String> data) {
        k8s.client().resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withStringData(data).build()).create();
    }

    private static Volume volume(List<Volume> volumes, String name) {
        return volumes.stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
