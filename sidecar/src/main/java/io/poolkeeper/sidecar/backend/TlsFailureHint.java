package io.poolkeeper.sidecar.backend;

import io.poolkeeper.api.config.ServerSslMode;
import javax.net.ssl.SSLException;

/**
 * What to do about a server connection that failed over TLS, worked out from pgjdbc's exception:
 * pgjdbc's messages say what went wrong but not which sidecar setting to look at.
 */
final class TlsFailureHint {
    private TlsFailureHint() {}

    /** A hint naming the {@code server.tls} field to check, or null when the failure is not about TLS. */
    static String of(Throwable failure, ServerSslMode mode) {
        String message = String.valueOf(failure.getMessage());
        if (message.contains("does not support SSL")) {
            return "the server has ssl = off; turn TLS on at the server, or set server.tls.mode to prefer";
        }
        if (message.contains("requires a valid client certificate")) {
            return "the server asks for a client certificate: set server.tls.certFile and server.tls.keyFile";
        }
        if (message.contains("could not be verified")) {
            return "the server's certificate does not name the host the sidecar connects to (server.tls.mode verify-full);"
                    + " connect by a name the certificate lists, or use server.tls.mode verify-ca";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "the TLS handshake with the server failed (server.tls.mode " + mode.wireName() + "): check that"
                        + " server.tls.rootCertFile holds the CA that signed the server's certificate, and that"
                        + " server.tls.certFile/keyFile are a certificate the server accepts if it asks for one";
            }
        }
        return null;
    }
}
