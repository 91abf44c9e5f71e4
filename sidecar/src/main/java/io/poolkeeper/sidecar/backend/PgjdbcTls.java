package io.poolkeeper.sidecar.backend;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code server.tls} as pgjdbc connection properties, shared by the pools and the probes so both
 * connect alike: pgjdbc's own names, read back by {@link CapturingSslSocketFactory}.
 */
public final class PgjdbcTls {
    static final String MODE = "sslmode";
    static final String ROOT_CERT = "sslrootcert";
    static final String CERT = "sslcert";
    static final String KEY = "sslkey";

    private PgjdbcTls() {}

    /**
     * @throws IOException naming the file when a TLS file cannot be used: checked once here, at
     *     startup, rather than found as a vague failure of every connection
     */
    public static Map<String, String> properties(SidecarConfig.ServerTls tls) throws IOException {
        TlsFiles.towardsServers(tls.mode(), path(tls.rootCertFile()), path(tls.certFile()), path(tls.keyFile()));
        Map<String, String> p = new LinkedHashMap<>();
        p.put(MODE, tls.mode().wireName());
        p.put("sslfactory", CapturingSslSocketFactory.class.getName());
        if (tls.rootCertFile() != null) p.put(ROOT_CERT, tls.rootCertFile());
        if (tls.certFile() != null) {
            p.put(CERT, tls.certFile());
            p.put(KEY, tls.keyFile());
        }
        return p;
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file);
    }
}
