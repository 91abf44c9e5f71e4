package io.poolkeeper.api.v1alpha1;

import io.fabric8.kubernetes.client.utils.Serialization;

/** Test helper: a DatabasePool from the YAML a user would write (apiVersion and kind may be left out). */
public final class Pools {
    private Pools() {}

    public static DatabasePool read(String yaml) {
        String full = yaml.contains("apiVersion:") ? yaml
                : "apiVersion: poolkeeper.io/v1alpha1\nkind: DatabasePool\nmetadata: {name: orders, namespace: shop}\n" + yaml;
        return Serialization.unmarshal(full, DatabasePool.class);
    }
}
