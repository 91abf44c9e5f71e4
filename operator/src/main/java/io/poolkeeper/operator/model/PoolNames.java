package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import java.util.LinkedHashMap;
import java.util.Map;

/** The names and labels of everything the operator makes for one pool, in one place. */
public final class PoolNames {
    /** Names get suffixes up to this long ({@code -pooler}), and Services must stay within 63 characters. */
    public static final int MAX_POOL_NAME = 63 - "-pooler".length();
    public static final String CONTAINER = "poolkeeper";
    public static final String CONFIG_HASH_ANNOTATION = "poolkeeper.io/config-hash";
    /** On a Sidecar-topology target: the pool whose container was added, so cleanup removes only its own. */
    public static final String INJECTED_BY_ANNOTATION = "poolkeeper.io/injected-by";
    public static final String VOLUME_PREFIX = "poolkeeper-";

    private PoolNames() {}

    public static String configMap(DatabasePool pool) {
        return pool.getMetadata().getName() + "-config";
    }

    public static String deployment(DatabasePool pool) {
        return pool.getMetadata().getName() + "-pooler";
    }

    public static String readWriteService(DatabasePool pool) {
        return pool.getMetadata().getName() + "-rw";
    }

    public static String readOnlyService(DatabasePool pool) {
        return pool.getMetadata().getName() + "-ro";
    }

    public static String monitoring(DatabasePool pool) {
        return pool.getMetadata().getName() + "-pooler";
    }

    /** Selects the pool's own pods; stable for the pool's life, since a Deployment's selector cannot change. */
    public static Map<String, String> selector(DatabasePool pool) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "poolkeeper");
        labels.put("app.kubernetes.io/instance", pool.getMetadata().getName());
        labels.put("app.kubernetes.io/component", "pooler");
        return labels;
    }

    /** The metadata of an object the operator makes for the pool: its name, the pool's namespace, the pool's labels. */
    public static ObjectMeta metadata(DatabasePool pool, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(labels(pool))
                .build();
    }

    /** Labels on every object the operator makes for the pool. */
    public static Map<String, String> labels(DatabasePool pool) {
        Map<String, String> labels = selector(pool);
        labels.put("app.kubernetes.io/managed-by", "poolkeeper-operator");
        return labels;
    }
}
