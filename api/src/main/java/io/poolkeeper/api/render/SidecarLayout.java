package io.poolkeeper.api.render;

/**
 * Where things are inside a sidecar container: the ports it listens on and the paths the operator
 * mounts the config and the Secrets at. The rendered config and the pod spec both read them here,
 * so the file always names what the pod has.
 */
public final class SidecarLayout {
    private SidecarLayout() {}

    public static final int POSTGRES_PORT = 6432;
    /** The read-only listener: every transaction on it goes to a replica; the {@code -ro} Service targets it. */
    public static final int POSTGRES_READ_ONLY_PORT = 6433;
    public static final int ADMIN_PORT = 9187;

    public static final String CONFIG_DIR = "/etc/poolkeeper/config";
    public static final String CONFIG_KEY = "sidecar.yaml";
    public static final String CONFIG_FILE = CONFIG_DIR + "/" + CONFIG_KEY;

    public static final String SERVER_DIR = "/etc/poolkeeper/server";
    /** Key of the credentials Secret holding the server password; mounted as a file of that name. */
    public static final String PASSWORD_KEY = "password";
    /** Key of the credentials Secret holding the server user name; rendered into the config. */
    public static final String USERNAME_KEY = "username";

    public static final String CLIENTS_DIR = "/etc/poolkeeper/clients";
    /** Key of the client-auth Secret holding the users file. */
    public static final String USERS_KEY = "users";

    public static final String TLS_DIR = "/etc/poolkeeper/tls";
    public static final String TLS_CERT_KEY = "tls.crt";
    public static final String TLS_KEY_KEY = "tls.key";

    /** The CA bundle of serverTls.caSecret, mounted as a file named by its key. */
    public static final String SERVER_CA_DIR = "/etc/poolkeeper/server-ca";
    /** serverTls.clientCertSecret: the client certificate shown to the servers, keys tls.crt and tls.key. */
    public static final String SERVER_CLIENT_CERT_DIR = "/etc/poolkeeper/server-client-cert";
}
