package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.SidecarConfig;
import java.io.IOException;

/** Runs the sidecar with a valid config until it closes; a seam so the command is testable without a proxy. */
@FunctionalInterface
interface SidecarLauncher {
    void run(SidecarConfig config) throws IOException, InterruptedException;
}
