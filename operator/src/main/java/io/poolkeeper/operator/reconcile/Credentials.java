package io.poolkeeper.operator.reconcile;

import static io.poolkeeper.api.render.SidecarLayout.*;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.ServerTlsSpec;
import io.poolkeeper.operator.probe.ProbeLogin;
import io.poolkeeper.operator.probe.ProbeTlsFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the Secrets a pool names and checks they have the keys the pods will mount. */
final class Credentials {
    private Credentials() {}

    /** @throws PoolBlocked when a Secret or one of its keys is missing */
    static ProbeLogin read(KubernetesClient client, DatabasePool pool) {
        DatabasePoolSpec spec = pool.getSpec();
        String ns = pool.getMetadata().getNamespace();
        Secret credentials = client.secrets().inNamespace(ns).withName(spec.credentialsSecret()).get();
        check(credentials, ns, spec.credentialsSecret(), "spec.credentialsSecret", List.of(USERNAME_KEY, PASSWORD_KEY));
        if (spec.clientAuthMethod() != AuthMethod.TRUST) {
            check(client.secrets().inNamespace(ns).withName(spec.clientAuthSecret()).get(), ns,
                    spec.clientAuthSecret(), "spec.clientAuthSecret", List.of(USERS_KEY));
        }
        if (spec.tlsSecret() != null) {
            check(client.secrets().inNamespace(ns).withName(spec.tlsSecret()).get(), ns,
                    spec.tlsSecret(), "spec.tlsSecret", List.of(TLS_CERT_KEY, TLS_KEY_KEY));
        }
        return new ProbeLogin(spec.serverDatabase(), value(credentials, USERNAME_KEY), value(credentials, PASSWORD_KEY),
                probeTls(client, ns, spec.serverTls()));
    }

    /**
     * pgjdbc's TLS properties for the operator's own connections, as the pods' sidecars connect:
     * the Secrets' PEM texts travel in memory to {@link ProbeTlsFactory}, never to a file.
     */
    private static Map<String, String> probeTls(KubernetesClient client, String ns, ServerTlsSpec tls) {
        Map<String, String> props = new HashMap<>(Map.of("sslmode", tls.mode().wireName()));
        if (tls.mode() == ServerSslMode.DISABLE) return props;
        String ca = null;
        if (tls.caSecret() != null) {
            Secret secret = client.secrets().inNamespace(ns).withName(tls.caSecret()).get();
            check(secret, ns, tls.caSecret(), "spec.serverTls.caSecret", List.of(tls.caKey()));
            ca = value(secret, tls.caKey());
        }
        String cert = null;
        String key = null;
        if (tls.clientCertSecret() != null) {
            Secret secret = client.secrets().inNamespace(ns).withName(tls.clientCertSecret()).get();
            check(secret, ns, tls.clientCertSecret(), "spec.serverTls.clientCertSecret", List.of(TLS_CERT_KEY, TLS_KEY_KEY));
            cert = value(secret, TLS_CERT_KEY);
            key = value(secret, TLS_KEY_KEY);
        }
        props.putAll(ProbeTlsFactory.properties(ca, "Secret " + ns + "/" + tls.caSecret() + " key " + tls.caKey(),
                cert, key, "Secret " + ns + "/" + tls.clientCertSecret()));
        return props;
    }

    private static void check(Secret secret, String ns, String name, String field, List<String> keys) {
        if (secret == null) {
            throw new PoolBlocked(Reasons.SECRET_NOT_FOUND, "Secret " + ns + "/" + name + " (" + field + ") not found: create it with keys "
                    + String.join(", ", keys));
        }
        for (String key : keys) {
            if (value(secret, key) == null) {
                throw new PoolBlocked(Reasons.INVALID_SPEC, field + ": Secret " + ns + "/" + name + " has no key " + key
                        + "; it needs " + String.join(", ", keys));
            }
        }
    }

    private static String value(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
        }
        Map<String, String> plain = secret.getStringData();
        return plain == null ? null : plain.get(key);
    }
}
