package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.backend.ServerConnection;
import io.poolkeeper.sidecar.session.SessionStateScanner.Effects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client's session as it believes it to be, carried across the server connections transaction
 * pooling gives it: the settings it asked for (startup packet, {@code -c} options, session-level
 * SET), applied to each connection it borrows when that connection differs, and the cleanup a
 * connection needs before the next client may have it (temp tables, held cursors, advisory
 * locks, SQL-level prepared statements).
 */
final class SessionSettings {
    private final Map<String, String> startup;
    private final Map<String, String> desired;
    private Snapshot snapshot;
    private final Set<String> touched = new LinkedHashSet<>();
    private int pendingEffects;

    SessionSettings(Map<String, String> startupSettings) {
        this.startup = Map.copyOf(startupSettings);
        this.desired = new HashMap<>(startupSettings);
        this.snapshot = new Snapshot(desired);
    }

    /**
     * The desired settings, frozen, with their hash kept: a server connection remembers the
     * snapshot it was last brought to, so the common case (clients with the same settings taking
     * turns) costs one hash comparison per borrow instead of a diff.
     */
    record Snapshot(Map<String, String> settings, int hash) {
        Snapshot(Map<String, String> settings) {
            this(Map.copyOf(settings), settings.hashCode());
        }

        boolean sameAs(Object other) {
            return other instanceof Snapshot s && (s == this || (s.hash == hash && s.settings.equals(settings)));
        }
    }

    Map<String, String> desired() {
        return desired;
    }

    /** Notes what a statement the client sent will leave behind on the server connection. */
    void record(Effects effects) {
        pendingEffects |= effects.flags();
        touched.addAll(effects.touchedSettings());
    }

    /** SQL that makes {@code server} carry this client's settings, or null when it already does. */
    String applyStatement(ServerConnection server) {
        if (snapshot.sameAs(server.syncedTo())) return null;
        Map<String, String> current = server.settings();
        List<String> sets = new ArrayList<>();
        List<String> resets = new ArrayList<>();
        desired.forEach((name, value) -> {
            if (!value.equals(current.get(name))) sets.add("pg_catalog.set_config(" + literal(name) + ", " + literal(value) + ", false)");
        });
        current.forEach((name, value) -> {
            if (!desired.containsKey(name) && !value.equals(server.baselineSettings().get(name))) resets.add("RESET " + identifier(name));
        });
        if (sets.isEmpty() && resets.isEmpty()) return null;
        StringBuilder sql = new StringBuilder();
        if (!sets.isEmpty()) sql.append("SELECT ").append(String.join(", ", sets)).append(';');
        for (String reset : resets) sql.append(reset).append(';');
        return sql.toString();
    }

    /** Records that {@code server} now carries this client's settings. */
    void applied(ServerConnection server) {
        Map<String, String> current = server.settings();
        current.keySet().removeIf(name -> !desired.containsKey(name) && !server.baselineSettings().containsKey(name));
        server.baselineSettings().forEach((name, value) -> {
            if (!desired.containsKey(name)) current.put(name, value);
        });
        current.putAll(desired);
        server.syncedTo(snapshot);
    }

    boolean needsCleanup() {
        return pendingEffects != 0;
    }

    /**
     * SQL to run on the connection before it goes back to the pool: reads the settings the
     * client changed (so its next connection gets them) and removes what must not outlive the
     * transaction. Null when the client's statements left nothing behind.
     */
    String cleanupStatement() {
        if (pendingEffects == 0) return null;
        StringBuilder sql = new StringBuilder();
        if (has(Effects.SETTINGS_UNKNOWN)) {
            sql.append("SELECT pg_catalog.string_agg(name || '=' || pg_catalog.replace(pg_catalog.current_setting(name), ';', ';;'), ';')")
                    .append(" FROM pg_catalog.pg_settings WHERE source = 'session';");
        }
        if (!touched.isEmpty()) {
            sql.append("SELECT ");
            int i = 0;
            for (String name : touched) {
                if (i++ > 0) sql.append(", ");
                sql.append("pg_catalog.current_setting(").append(literal(name)).append(", true)");
            }
            sql.append(';');
        }
        if (has(Effects.DISCARD_ALL)) {
            sql.append("DISCARD ALL;");
        } else {
            if (has(Effects.RESET_ALL)) sql.append("RESET ALL;");
            if (has(Effects.TEMP_OBJECTS)) sql.append("DISCARD TEMP;");
            if (has(Effects.HOLD_CURSOR)) sql.append("CLOSE ALL;");
            if (has(Effects.SQL_PREPARE)) sql.append("DEALLOCATE ALL;");
            if (has(Effects.ADVISORY_LOCK)) sql.append("SELECT pg_catalog.pg_advisory_unlock_all();");
        }
        return sql.toString();
    }

    /** True when the cleanup also removed the server's prepared statements. */
    boolean cleanupDeallocates() {
        return has(Effects.DISCARD_ALL) || has(Effects.SQL_PREPARE);
    }

    /** True when the client's own protocol-level statements are gone too, as DISCARD ALL does on a real server. */
    boolean clientDiscardedAll() {
        return has(Effects.DISCARD_ALL);
    }

    /**
     * Takes in the values read by {@link #cleanupStatement()} (in {@code touched} order): the
     * client keeps them for its next connection, and {@code server} is known to carry them (or
     * its startup settings again, after a RESET ALL or DISCARD ALL).
     */
    void cleanedUp(List<String> firstRow, ServerConnection server) {
        List<String> touchedValues = firstRow;
        if (has(Effects.SETTINGS_UNKNOWN)) {
            absorbSessionSettings(firstRow.isEmpty() ? null : firstRow.get(0), server);
            touchedValues = List.of();
            touched.clear();
        }
        boolean resetServer = has(Effects.RESET_ALL) || has(Effects.DISCARD_ALL);
        if (resetServer) {
            desired.clear();
            desired.putAll(startup);
        }
        Map<String, String> onServer = server.settings();
        int i = 0;
        for (String name : touched) {
            String value = i < touchedValues.size() ? touchedValues.get(i) : null;
            i++;
            if (value == null) {
                desired.remove(name);
                onServer.remove(name);
            } else {
                desired.put(name, value);
                onServer.put(name, value);
            }
        }
        if (resetServer) {
            onServer.clear();
            onServer.putAll(server.baselineSettings());
        }
        server.syncedTo(null);
        snapshot = new Snapshot(desired);
        touched.clear();
        pendingEffects = 0;
    }

    /**
     * Takes every setting the server says came from this session ({@code name=value;...}, a ';'
     * in a value doubled): the client keeps them all, and the connection is known to carry them.
     */
    private void absorbSessionSettings(String encoded, ServerConnection server) {
        if (encoded == null) return;
        for (String pair : encoded.split("(?<!;);(?!;)")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            String name = pair.substring(0, eq).toLowerCase(java.util.Locale.ROOT);
            String value = pair.substring(eq + 1).replace(";;", ";");
            desired.put(name, value);
            server.settings().put(name, value);
        }
    }

    private boolean has(int flag) {
        return (pendingEffects & flag) != 0;
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String identifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
