package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.Sidecar;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the sidecar when its config file's content changes. It compares content rather than
 * timestamps because Kubernetes updates a mounted ConfigMap by swapping a symlink, which
 * file-change events and mtimes report unreliably. A file that does not parse, or has problems,
 * is rejected with one log line naming them, and the running config keeps serving.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long POLL_MILLIS = 1000;

    private final ConfigReloader reloader;
    private final Sidecar sidecar;
    private final Thread thread;
    private byte[] lastDigest;

    ConfigWatcher(ConfigReloader reloader, Sidecar sidecar) {
        this.reloader = reloader;
        this.sidecar = sidecar;
        this.lastDigest = digest();
        this.thread = Thread.ofVirtual().name("poolkeeper-config-watch").start(this::watch);
    }

    private void watch() {
        try {
            while (true) {
                Thread.sleep(POLL_MILLIS);
                byte[] now = digest();
                if (now == null || Arrays.equals(now, lastDigest)) continue;
                lastDigest = now;
                reload();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reload() {
        try {
            SidecarConfig next = reloader.read().call();
            if (!next.problems().isEmpty()) {
                LOG.error("config reload rejected, still serving the previous config: {}: {}", reloader.file(),
                        String.join("; ", next.problems().stream().map(FlagHints::annotate).toList()));
                return;
            }
            sidecar.reload(next);
        } catch (Exception e) {
            LOG.error("config reload rejected, still serving the previous config: {}", e.getMessage());
        }
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(reloader.file()));
        } catch (IOException e) {
            LOG.warn("cannot read {} to check for changes: {}", reloader.file(), e.getMessage());
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
