package io.poolkeeper.api.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/** Every field path of the config file ({@code pool.maxSize}), found by walking the records. */
final class ConfigFields {
    private ConfigFields() {}

    static List<String> paths() {
        List<String> out = new ArrayList<>();
        collect(SidecarConfig.class, "", out);
        return out;
    }

    private static void collect(Class<?> record, String prefix, List<String> out) {
        for (RecordComponent component : record.getRecordComponents()) {
            String path = prefix + component.getName();
            out.add(path);
            if (component.getType().isRecord()) collect(component.getType(), path + ".", out);
        }
    }
}
