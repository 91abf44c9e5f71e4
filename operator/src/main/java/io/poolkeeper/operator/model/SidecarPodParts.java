package io.poolkeeper.operator.model;

import static io.poolkeeper.api.render.SidecarLayout.*;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.ServerTlsSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The sidecar container and the volumes it mounts, the same in the operator's own pods and in a
 * Sidecar-topology target's pods. Runs under the "restricted" Pod Security Standard: non-root,
 * read-only root filesystem, no capabilities, no privilege escalation, RuntimeDefault seccomp.
 */
public final class SidecarPodParts {
    public static final long USER_ID = 10001;
    public static final String POSTGRES_PORT_NAME = "postgres";
    public static final String POSTGRES_READ_ONLY_PORT_NAME = "postgres-ro";
    // Secret files readable by the container whatever user and fsGroup a target's pods run with.
    private static final int SECRET_MODE = 0444;

    private SidecarPodParts() {}

    public static Container container(DatabasePool pool, PoolPlan plan) {
        return new ContainerBuilder()
                .withName(PoolNames.CONTAINER)
                .withImage(plan.image())
                .withArgs("sidecar", "--config", CONFIG_FILE)
                .addNewPort().withName(POSTGRES_PORT_NAME).withContainerPort(POSTGRES_PORT).withProtocol("TCP").endPort()
                .addNewPort().withName(POSTGRES_READ_ONLY_PORT_NAME).withContainerPort(POSTGRES_READ_ONLY_PORT).withProtocol("TCP").endPort()
                .addNewPort().withName("metrics").withContainerPort(ADMIN_PORT).withProtocol("TCP").endPort()
                .withReadinessProbe(httpProbe("/readyz", 5, 3))
                .withLivenessProbe(httpProbe("/healthz", 10, 3))
                .withResources(pool.specOrDefaults().resources())
                .withVolumeMounts(mounts(pool.specOrDefaults()))
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(USER_ID)
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .build();
    }

    /** The pod-level half of the restricted profile, for the operator's own pods. */
    public static PodSecurityContext podSecurityContext() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(USER_ID)
                .withRunAsGroup(USER_ID)
                .withFsGroup(USER_ID)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    public static List<Volume> volumes(DatabasePool pool) {
        DatabasePoolSpec spec = pool.specOrDefaults();
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName(volume("config"))
                .withNewConfigMap().withName(PoolNames.configMap(pool)).endConfigMap().build());
        volumes.add(secretVolume("server", spec.credentialsSecret(), List.of(PASSWORD_KEY)));
        if (spec.clientAuthMethod() != AuthMethod.TRUST) {
            volumes.add(secretVolume("clients", spec.clientAuthSecret(), List.of(USERS_KEY)));
        }
        if (spec.tlsSecret() != null) {
            volumes.add(secretVolume("tls", spec.tlsSecret(), List.of(TLS_CERT_KEY, TLS_KEY_KEY)));
        }
        ServerTlsSpec serverTls = spec.serverTls();
        if (serverTls.caSecret() != null) volumes.add(secretVolume("server-ca", serverTls.caSecret(), List.of(serverTls.caKey())));
        if (serverTls.clientCertSecret() != null) {
            volumes.add(secretVolume("server-client-cert", serverTls.clientCertSecret(), List.of(TLS_CERT_KEY, TLS_KEY_KEY)));
        }
        // The JVM writes temporary files; the root filesystem is read-only.
        volumes.add(new VolumeBuilder().withName(volume("tmp")).withNewEmptyDir().endEmptyDir().build());
        return volumes;
    }

    private static List<VolumeMount> mounts(DatabasePoolSpec spec) {
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(mount("config", CONFIG_DIR));
        mounts.add(mount("server", SERVER_DIR));
        if (spec.clientAuthMethod() != AuthMethod.TRUST) mounts.add(mount("clients", CLIENTS_DIR));
        if (spec.tlsSecret() != null) mounts.add(mount("tls", TLS_DIR));
        if (spec.serverTls().caSecret() != null) mounts.add(mount("server-ca", SERVER_CA_DIR));
        if (spec.serverTls().clientCertSecret() != null) mounts.add(mount("server-client-cert", SERVER_CLIENT_CERT_DIR));
        mounts.add(new VolumeMountBuilder().withName(volume("tmp")).withMountPath("/tmp").build());
        return mounts;
    }

    private static Volume secretVolume(String name, String secret, List<String> keys) {
        return new VolumeBuilder().withName(volume(name)).withNewSecret()
                .withSecretName(secret)
                .withDefaultMode(SECRET_MODE)
                .withItems(keys.stream().map(k -> new KeyToPath(k, null, k)).toList())
                .endSecret().build();
    }

    private static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(volume(name)).withMountPath(path).withReadOnly(true).build();
    }

    private static String volume(String name) {
        return PoolNames.VOLUME_PREFIX + name;
    }

    private static Probe httpProbe(String path, int periodSeconds, int failures) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withNewPort("metrics").endHttpGet()
                .withPeriodSeconds(periodSeconds).withFailureThreshold(failures).build();
    }
}
