package io.poolkeeper.sidecar.backend;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The DataSource HikariCP pools: pgjdbc opens and authenticates each connection, and the
 * connection handed to HikariCP also answers {@link ServerLink}, carrying its socket (TLS or plain) and the
 * proxy's per-connection state. A dynamic proxy, because Connection has some sixty methods and
 * HikariCP only calls a handful of them.
 */
final class ServerDataSource implements DataSource {
    private static final AtomicLong IDS = new AtomicLong();
    private final PGSimpleDataSource pgjdbc;
    private final int maxMessageBytes;

    ServerDataSource(PGSimpleDataSource pgjdbc, int maxMessageBytes) {
        this.pgjdbc = pgjdbc;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public Connection getConnection() throws SQLException {
        CapturingSocketFactory.expect();
        Connection pg = pgjdbc.getConnection();
        CapturingSocketFactory.Captured socket = CapturingSocketFactory.take();
        if (socket == null) {
            pg.close();
            throw new SQLException("pgjdbc did not open its socket through the capturing socket factory");
        }
        try {
            ServerConnection server = new ServerConnection(
                    IDS.incrementAndGet(), pg.unwrap(PGConnection.class), socket, maxMessageBytes);
            return (Connection) Proxy.newProxyInstance(
                    ServerDataSource.class.getClassLoader(),
                    new Class<?>[] {Connection.class, ServerLink.class},
                    new Handler(pg, server));
        } catch (java.io.IOException e) {
            pg.close();
            throw new SQLException("cannot use the server socket: " + e.getMessage(), "08006", e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the server login comes from the sidecar config");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {
        pgjdbc.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return pgjdbc.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }

    private record Handler(Connection pg, ServerConnection server) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == ServerLink.class) return server;
            switch (method.getName()) {
                case "unwrap" -> {
                    if (((Class<?>) args[0]).isInstance(proxy)) return proxy;
                }
                case "isWrapperFor" -> {
                    if (((Class<?>) args[0]).isInstance(proxy)) return true;
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "server connection #" + server.id();
                }
                case "isValid" -> {
                    if (LoopThreads.isCurrent()) {
                        server.deferValidation();
                        return true;
                    }
                }
                case "clearWarnings" -> {
                    // HikariCP calls this on every return; the proxy reads no warnings from pgjdbc.
                    return null;
                }
                default -> { }
            }
            try {
                return method.invoke(pg, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
