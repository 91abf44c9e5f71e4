package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.SqlState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The startup packet's {@code options} value (PGOPTIONS): {@code -c name=value} and
 * {@code --name=value} settings, separated by spaces, a backslash escaping the next character, as
 * PostgreSQL's postmaster splits them.
 */
final class StartupOptions {
    private StartupOptions() {}

    static Map<String, String> parse(String options) throws PgError {
        List<String> words = split(options);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String assignment;
            if (w.equals("-c") && i + 1 < words.size()) {
                assignment = words.get(++i);
            } else if (w.startsWith("-c") && w.length() > 2) {
                assignment = w.substring(2);
            } else if (w.startsWith("--") && w.length() > 2) {
                assignment = w.substring(2);
            } else {
                throw PgError.fatal(SqlState.FEATURE_NOT_SUPPORTED, "poolkeeper: unsupported startup option \"" + w + "\"")
                        .withHint("only -c name=value and --name=value are supported in options");
            }
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw PgError.fatal(SqlState.PROTOCOL_VIOLATION, "invalid startup option \"" + assignment + "\": expected name=value");
            }
            settings.put(assignment.substring(0, eq).replace('-', '_').toLowerCase(Locale.ROOT), assignment.substring(eq + 1));
        }
        return settings;
    }

    private static List<String> split(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                w.append(s.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (!w.isEmpty()) words.add(w.toString());
                w.setLength(0);
            } else {
                w.append(c);
            }
        }
        if (!w.isEmpty()) words.add(w.toString());
        return words;
    }
}
