package io.poolkeeper.sidecar.route;

import java.util.Locale;

/**
 * Decides whether a transaction may go to a replica from the text of its first statement. A
 * statement is a read only when it certainly is: SELECT (or WITH … SELECT, VALUES, TABLE) with no
 * locking clause, no INTO, no data-modifying CTE and no call to a function known to write; SHOW;
 * EXPLAIN without ANALYZE; BEGIN / START TRANSACTION READ ONLY; and a session-level SET or RESET
 * (which writes nothing, and which the sidecar carries to the client's next server connection
 * anyway). Anything else, or in doubt, is a write. Hand-written for the same reason as the
 * session-state scanner: a dozen keywords, per transaction, where a SQL parser would cost far more.
 */
public final class StatementClassifier {
    /** Functions that write or take session-wide effects although called from a SELECT. */
    private static final String[] WRITING_FUNCTIONS = {
        "nextval", "setval", "advisory_lock", "set_config", "pg_notify", "txid_current", "pg_current_xact_id",
        "lo_create", "lo_import", "lo_unlink", "lo_put", "lo_from_bytea", "pg_switch_wal", "pg_create_restore_point",
        "dblink_exec", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf"
    };
    private static final String[] WRITE_WORDS = {"insert", "update", "delete", "merge", "into", "for", "copy", "call", "do"};

    private StatementClassifier() {}

    public static boolean isRead(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        int start = skipSpaceAndComments(lower, 0);
        String first = wordAt(lower, start);
        return switch (first) {
            case "select", "with", "values", "table" -> isPlainQuery(lower);
            case "show" -> singleStatement(lower);
            case "set", "reset" -> singleStatement(lower) && !lower.contains("transaction");
            case "explain" -> !lower.contains("analyze") && !lower.contains("analyse") && isPlainQuery(lower);
            case "begin", "start" -> singleStatement(lower) && readOnlyTransaction(lower, start);
            default -> false;
        };
    }

    private static boolean isPlainQuery(String lower) {
        if (!singleStatement(lower)) return false;
        for (String f : WRITING_FUNCTIONS) {
            if (lower.contains(f)) return false;
        }
        return !containsWord(lower, WRITE_WORDS);
    }

    private static boolean readOnlyTransaction(String lower, int start) {
        int p = start;
        String w;
        boolean readOnly = false;
        while (!(w = wordAt(lower, p)).isEmpty()) {
            if (w.equals("read")) {
                int next = skipSpaceAndComments(lower, p + w.length());
                String after = wordAt(lower, next);
                if (after.equals("write")) return false;
                if (after.equals("only")) readOnly = true;
            }
            p = skipSpaceAndComments(lower, p + w.length());
            while (p < lower.length() && (lower.charAt(p) == ',' )) p = skipSpaceAndComments(lower, p + 1);
        }
        return readOnly;
    }

    /** One statement only (a trailing ';' allowed); several are classified as a write, to be safe. */
    private static boolean singleStatement(String lower) {
        int semicolon = lower.indexOf(';');
        return semicolon < 0 || lower.substring(semicolon + 1).isBlank();
    }

    /** True when any of {@code words} stands as a whole word outside quotes (double-quoted names and literals are skipped). */
    private static boolean containsWord(String s, String[] words) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = c == '\'' && isEscapeStringPrefix(s, i) ? afterEscapeString(s, i) : afterQuoted(s, i, c);
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && isWordChar(s.charAt(i))) i++;
                String w = s.substring(start, i);
                for (String word : words) {
                    if (w.equals(word)) return true;
                }
            } else {
                i++;
            }
        }
        return false;
    }

    private static int afterQuoted(String s, int open, char quote) {
        int close = s.indexOf(quote, open + 1);
        return close < 0 ? s.length() : close + 1;
    }

    /** E'...' strings take backslash escapes: an escaped quote there does not end the literal. */
    private static boolean isEscapeStringPrefix(String s, int quote) {
        return quote > 0 && s.charAt(quote - 1) == 'e' && (quote < 2 || !isWordChar(s.charAt(quote - 2)));
    }

    private static int afterEscapeString(String s, int open) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '\'') {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static String wordAt(String s, int p) {
        int end = p;
        while (end < s.length() && (Character.isLetter(s.charAt(end)) || s.charAt(end) == '_')) end++;
        return s.substring(p, end);
    }

    private static int skipSpaceAndComments(String s, int p) {
        while (p < s.length()) {
            char c = s.charAt(p);
            if (Character.isWhitespace(c) || c == '(') {
                p++;
            } else if (s.startsWith("--", p)) {
                int nl = s.indexOf('\n', p);
                p = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", p)) {
                int close = s.indexOf("*/", p + 2);
                p = close < 0 ? s.length() : close + 2;
            } else {
                return p;
            }
        }
        return p;
    }
}
