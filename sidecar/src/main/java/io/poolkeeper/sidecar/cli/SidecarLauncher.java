package io.poolkeeper.sidecar.cli;

import java.util.Optional;
import io.poolkeeper.api.config.SidecarConfig;
import java.io.IOException;

/** Runs the sidecar with a valid config until it closes; a seam so the command is testable without a proxy. */
@FunctionalInterface
interface SidecarLauncher {
    void run(SidecarConfig config) throws IOException, InterruptedException;

    /** As {@link #run(SidecarConfig)}, re-reading the config with {@code reloader} when its file changes. */
    default void run(SidecarConfig config, Optional<ConfigReloader> reloader) throws IOException, InterruptedException {
        run(config);
    }
}
