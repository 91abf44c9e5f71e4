package io.poolkeeper.operator.probe;

import io.poolkeeper.api.config.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/** Asks one server over JDBC what it is: primary or replica, how far its WAL goes, how many connections it allows. */
public final class ServerProber {
    // One round trip: role, positions (as bytes since 0/0) and the connection limit less what is reserved.
    // reserved_connections exists from PostgreSQL 16 on; pg_settings simply has no row for it before.
    // pg_current_wal_lsn() fails during recovery, so it is only reached (CASE, COALESCE) on a primary.
    static final String QUERY = """
            select pg_is_in_recovery(),
                   case when pg_is_in_recovery() then coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
                        else pg_current_wal_lsn() end - '0/0'::pg_lsn,
                   coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) - '0/0'::pg_lsn,
                   current_setting('max_connections')::int
                     - (select coalesce(sum(setting::int), 0)::int from pg_settings
                        where name in ('superuser_reserved_connections', 'reserved_connections'))
            """;

    public ProbeResult probe(Endpoint server, ProbeLogin login, Duration timeout) {
        int seconds = (int) Math.max(1, timeout.toSeconds());
        Properties props = new Properties();
        props.setProperty("user", login.user());
        if (login.password() != null) props.setProperty("password", login.password());
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(seconds));
        props.setProperty("ApplicationName", "poolkeeper-operator-probe");
        props.putAll(login.tls());
        String url = "jdbc:postgresql://" + server + "/" + login.database();
        try (Connection c = DriverManager.getConnection(url, props);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(QUERY)) {
            r.next();
            return new ProbeResult(server, true, r.getBoolean(1), r.getLong(2), r.getLong(3), r.getInt(4), null);
        } catch (SQLException e) {
            return ProbeResult.unreachable(server, firstLine(e.getMessage()));
        }
    }

    /** Promotes a replica and waits for the promotion to finish; true when the server is primary now. */
    public boolean promote(Endpoint replica, ProbeLogin login, Duration wait) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", login.user());
        if (login.password() != null) props.setProperty("password", login.password());
        props.setProperty("connectTimeout", "5");
        props.putAll(login.tls());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + replica + "/" + login.database(), props);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select pg_promote(true, " + Math.max(1, wait.toSeconds()) + ")")) {
            return r.next() && r.getBoolean(1);
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "unknown error";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
