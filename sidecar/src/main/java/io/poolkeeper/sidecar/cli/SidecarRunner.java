package io.poolkeeper.sidecar.cli;

import java.util.Optional;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.Sidecar;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the proxy, closes it on SIGTERM or Ctrl-C, and blocks until it has closed. */
final class SidecarRunner implements SidecarLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(SidecarRunner.class);

    @Override
    public void run(SidecarConfig config) throws IOException, InterruptedException {
        run(config, Optional.empty());
    }

    @Override
    public void run(SidecarConfig config, Optional<ConfigReloader> reloader) throws IOException, InterruptedException {
        Sidecar sidecar = Sidecar.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close, "poolkeeper-shutdown"));
        LOG.info("poolkeeper sidecar: clients on {}, admin on http://{}/ (database {}, primary {})",
                text(sidecar.listenAddress()), text(sidecar.adminAddress()), config.database(), config.primary());
        try (ConfigWatcher watcher = reloader.map(r -> new ConfigWatcher(r, sidecar)).orElse(null)) {
            sidecar.awaitClosed();
        }
    }

    private static String text(InetSocketAddress address) {
        return new Endpoint(address.getHostString(), address.getPort()).toString();
    }
}
