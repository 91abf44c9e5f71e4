package io.poolkeeper.operator.reconcile;

import static io.poolkeeper.api.render.SidecarLayout.*;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.ServerTlsSpec;
import io.poolkeeper.operator.probe.ProbeLogin;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.ssl.SingleCertValidatingFactory;

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
     * pgjdbc's TLS properties for the operator's own connections: the CA travels in memory, to
     * pgjdbc's SingleCertValidatingFactory (which trusts the first certificate of the bundle), so
     * nothing of the Secret is written anywhere. The client certificate Secret is only checked,
     * for the pods that mount it: the operator's probes do not present it.
     */
    private static Map<String, String> probeTls(KubernetesClient client, String ns, ServerTlsSpec tls) {
        Map<String, String> props = new HashMap<>(Map.of("sslmode", tls.mode().wireName()));
        if (tls.caSecret() != null) {
            Secret ca = client.secrets().inNamespace(ns).withName(tls.caSecret()).get();
            check(ca, ns, tls.caSecret(), "spec.serverTls.caSecret", List.of(tls.caKey()));
            props.put("sslfactory", SingleCertValidatingFactory.class.getName());
            props.put("sslfactoryarg", value(ca, tls.caKey()));
        }
        if (tls.clientCertSecret() != null) {
            check(client.secrets().inNamespace(ns).withName(tls.clientCertSecret()).get(), ns,
                    tls.clientCertSecret(), "spec.serverTls.clientCertSecret", List.of(TLS_CERT_KEY, TLS_KEY_KEY));
        }
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
