package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.SidecarConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The config file the sidecar was started with, and how to read it again (the flags still win over it). */
record ConfigReloader(Path file, Callable<SidecarConfig> read) {}
