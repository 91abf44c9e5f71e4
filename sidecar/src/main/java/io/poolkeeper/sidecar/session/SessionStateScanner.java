package io.poolkeeper.sidecar.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the statements in a query text that change session state, which transaction pooling must
 * carry to the client's next server connection or clean off this one. Reads only each statement's
 * leading keywords (and, for advisory locks, the function names), skipping comments and quoted
 * text; everything it does not recognise is assumed to leave the session as it was.
 * Hand-written because no SQL parser is needed for a dozen keywords, and one would cost far more
 * per query.
 */
public final class SessionStateScanner {

    /** What a query text does to the session; {@link #NONE} for the common case. */
    public record Effects(int flags, List<String> touchedSettings) {
        public static final int SETTING = 1;
        public static final int RESET_ALL = 1 << 1;
        public static final int DISCARD_ALL = 1 << 2;
        public static final int TEMP_OBJECTS = 1 << 3;
        public static final int HOLD_CURSOR = 1 << 4;
        public static final int ADVISORY_LOCK = 1 << 5;
        public static final int SQL_PREPARE = 1 << 6;
        public static final int LISTEN = 1 << 7;
        /** Settings changed where no SET names them: set_config() or a DO block (which may EXECUTE a SET). */
        public static final int SETTINGS_UNKNOWN = 1 << 8;

        public static final Effects NONE = new Effects(0, List.of());

        public boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    private SessionStateScanner() {}

    /** Leading keywords of the statements that can change session state; anything else cannot. */
    private static final String[] SESSION_KEYWORDS = {"set", "reset", "discard", "create", "declare", "prepare", "listen", "do"};

    public static Effects scan(String sql) {
        if (!mayChangeSession(sql)) return Effects.NONE;
        int flags = 0;
        List<String> touched = null;
        int p = 0;
        int n = sql.length();
        while (p < n) {
            Tokens t = new Tokens(sql, p);
            List<String> words = t.leadingWords(8);
            int end = t.statementEnd();
            if (!words.isEmpty()) {
                StatementEffect e = classify(words, sql, p, end);
                flags |= e.flags;
                if (e.setting != null) {
                    if (touched == null) touched = new ArrayList<>(2);
                    touched.add(e.setting);
                }
                if (e.settings != null) {
                    if (touched == null) touched = new ArrayList<>(3);
                    touched.addAll(e.settings);
                }
            }
            p = end + 1;
        }
        if (flags == 0) return Effects.NONE;
        return new Effects(flags, touched == null ? List.of() : touched);
    }

    /**
     * The per-query fast path: a single statement (no ';' but one closing the text, as psql and
     * pgbench send it) whose first word is not a session keyword and that names no advisory lock
     * is known to change nothing, found without allocating. Everything else gets the full scan.
     */
    private static boolean mayChangeSession(String sql) {
        int n = sql.length();
        int p = 0;
        while (p < n && Character.isWhitespace(sql.charAt(p))) p++;
        if (p + 1 < n && (sql.startsWith("--", p) || sql.startsWith("/*", p))) return true;
        for (String keyword : SESSION_KEYWORDS) {
            if (sql.regionMatches(true, p, keyword, 0, keyword.length())) return true;
        }
        int semicolon = sql.indexOf(';');
        return (semicolon >= 0 && !blankFrom(sql, semicolon + 1))
                || containsIgnoreCase(sql, p, n, "advisory_lock") || containsIgnoreCase(sql, p, n, "set_config");
    }

    private static boolean blankFrom(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) return false;
        }
        return true;
    }

    private record StatementEffect(int flags, String setting, List<String> settings) {
        static final StatementEffect NONE = new StatementEffect(0, null, null);

        static StatementEffect of(int flags) {
            return new StatementEffect(flags, null, null);
        }

        static StatementEffect setting(String name) {
            return new StatementEffect(Effects.SETTING, name, null);
        }
    }

    private static StatementEffect classify(List<String> w, String sql, int from, int to) {
        String first = w.get(0);
        int flags = containsIgnoreCase(sql, from, to, "advisory_lock") ? Effects.ADVISORY_LOCK : 0;
        if (first.equals("do") || containsIgnoreCase(sql, from, to, "set_config")) flags |= Effects.SETTINGS_UNKNOWN;
        StatementEffect e = switch (first) {
            case "set" -> classifySet(w);
            case "reset" -> classifyReset(w);
            case "discard" -> w.size() > 1 && w.get(1).equals("all") ? StatementEffect.of(Effects.DISCARD_ALL) : StatementEffect.NONE;
            case "create" -> isCreateTemp(w) ? StatementEffect.of(Effects.TEMP_OBJECTS) : StatementEffect.NONE;
            case "declare" -> declaresHoldCursor(sql, from, to) ? StatementEffect.of(Effects.HOLD_CURSOR) : StatementEffect.NONE;
            case "prepare" -> w.size() > 1 && w.get(1).equals("transaction") ? StatementEffect.NONE : StatementEffect.of(Effects.SQL_PREPARE);
            case "listen" -> StatementEffect.of(Effects.LISTEN);
            default -> StatementEffect.NONE;
        };
        return flags == 0 ? e : new StatementEffect(e.flags | flags, e.setting, e.settings);
    }

    private static StatementEffect classifySet(List<String> w) {
        int i = 1;
        if (i < w.size() && w.get(i).equals("local")) return StatementEffect.NONE;
        if (i < w.size() && w.get(i).equals("session")) {
            i++;
            if (i < w.size() && w.get(i).equals("characteristics")) {
                return new StatementEffect(Effects.SETTING, null, List.of(
                        "default_transaction_isolation", "default_transaction_read_only", "default_transaction_deferrable"));
            }
            if (i < w.size() && w.get(i).equals("authorization")) return StatementEffect.setting("session_authorization");
        }
        if (i >= w.size()) return StatementEffect.NONE;
        return switch (w.get(i)) {
            case "transaction", "constraints" -> StatementEffect.NONE;
            case "time" -> StatementEffect.setting("TimeZone");
            case "role" -> StatementEffect.setting("role");
            case "names" -> StatementEffect.setting("client_encoding");
            case "schema" -> StatementEffect.setting("search_path");
            case "xml" -> StatementEffect.setting("xmloption");
            default -> StatementEffect.setting(w.get(i));
        };
    }

    private static StatementEffect classifyReset(List<String> w) {
        if (w.size() < 2) return StatementEffect.NONE;
        return switch (w.get(1)) {
            case "all" -> StatementEffect.of(Effects.RESET_ALL);
            case "time" -> StatementEffect.setting("TimeZone");
            case "session" -> StatementEffect.setting("session_authorization");
            default -> StatementEffect.setting(w.get(1));
        };
    }

    private static boolean isCreateTemp(List<String> w) {
        for (int i = 1; i < Math.min(w.size(), 5); i++) {
            String word = w.get(i);
            if (word.equals("temp") || word.equals("temporary")) return true;
            if (!(word.equals("or") || word.equals("replace") || word.equals("global") || word.equals("local"))) return false;
        }
        return false;
    }

    private static boolean declaresHoldCursor(String sql, int from, int to) {
        Tokens t = new Tokens(sql, from);
        List<String> words = t.leadingWords(12);
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("for")) return false;
            if (words.get(i).equals("with") && words.get(i + 1).equals("hold")) return true;
        }
        return false;
    }

    private static boolean containsIgnoreCase(String s, int from, int to, String needle) {
        int last = to - needle.length();
        for (int i = from; i <= last; i++) {
            if (s.regionMatches(true, i, needle, 0, needle.length())) return true;
        }
        return false;
    }

    /** A cursor over one statement: its leading words, and where it ends (the top-level ';' or the text's end). */
    private static final class Tokens {
        private final String s;
        private int p;

        Tokens(String s, int p) {
            this.s = s;
            this.p = p;
        }

        /** Up to {@code max} leading words, lowercased; a quoted identifier keeps its case; '.'-joined names stay whole. */
        List<String> leadingWords(int max) {
            List<String> words = new ArrayList<>(4);
            while (words.size() < max) {
                skipSpaceAndComments();
                if (p >= s.length() || s.charAt(p) == ';') break;
                char c = s.charAt(p);
                if (Character.isLetter(c) || c == '_') {
                    int start = p;
                    while (p < s.length() && isNameChar(s.charAt(p))) p++;
                    if (startsEscapeString(start)) {
                        p = start;
                        break;
                    }
                    words.add(s.substring(start, p).toLowerCase(Locale.ROOT));
                } else if (c == '"') {
                    int start = ++p;
                    while (p < s.length() && s.charAt(p) != '"') p++;
                    words.add(s.substring(start, Math.min(p, s.length())));
                    p++;
                } else {
                    break;
                }
            }
            return words;
        }

        int statementEnd() {
            while (p < s.length()) {
                char c = s.charAt(p);
                if (c == ';') return p;
                if (Character.isLetter(c) || c == '_') skipWord();
                else if (c == '\'') skipQuoted('\'', false);
                else if (c == '"') skipQuoted('"', false);
                else if (c == '$' && dollarTagEnd() > 0) skipDollarQuoted();
                else if (startsComment()) skipSpaceAndComments();
                else p++;
            }
            return s.length();
        }

        /**
         * Steps over a keyword or name as a whole, so a '$' inside it (legal after the first
         * character) is not taken for a dollar quote; a lone E before a quote starts an escape
         * string, where a backslash escapes the quote. Any longer word before a quote is a type
         * name ({@code date'...'}), whose literal is a standard string.
         */
        private void skipWord() {
            int start = p;
            while (p < s.length() && isNameChar(s.charAt(p))) p++;
            if (startsEscapeString(start)) skipQuoted('\'', true);
        }

        /** True when the word from {@code start} to {@code p} is a lone E directly followed by a quote. */
        private boolean startsEscapeString(int start) {
            char c = s.charAt(start);
            return p == start + 1 && (c == 'e' || c == 'E') && p < s.length() && s.charAt(p) == '\'';
        }

        private static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.';
        }

        private boolean startsComment() {
            return s.startsWith("--", p) || s.startsWith("/*", p);
        }

        private void skipSpaceAndComments() {
            while (p < s.length()) {
                char c = s.charAt(p);
                if (Character.isWhitespace(c)) {
                    p++;
                } else if (s.startsWith("--", p)) {
                    int nl = s.indexOf('\n', p);
                    p = nl < 0 ? s.length() : nl + 1;
                } else if (s.startsWith("/*", p)) {
                    int depth = 1;
                    p += 2;
                    while (p < s.length() && depth > 0) {
                        if (s.startsWith("/*", p)) { depth++; p += 2; }
                        else if (s.startsWith("*/", p)) { depth--; p += 2; }
                        else p++;
                    }
                } else {
                    return;
                }
            }
        }

        private void skipQuoted(char quote, boolean backslashEscapes) {
            p++;
            while (p < s.length()) {
                char c = s.charAt(p);
                if (backslashEscapes && c == '\\') {
                    p += 2;
                } else if (c == quote) {
                    if (p + 1 < s.length() && s.charAt(p + 1) == quote) p += 2;
                    else { p++; return; }
                } else {
                    p++;
                }
            }
        }

        /** End index (exclusive) of a dollar-quote tag starting at p, or -1. */
        private int dollarTagEnd() {
            int i = p + 1;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
            if (i < s.length() && s.charAt(i) == '$' && (i == p + 1 || !Character.isDigit(s.charAt(p + 1)))) return i + 1;
            return -1;
        }

        private void skipDollarQuoted() {
            int tagEnd = dollarTagEnd();
            String tag = s.substring(p, tagEnd);
            int close = s.indexOf(tag, tagEnd);
            p = close < 0 ? s.length() : close + tag.length();
        }
    }
}
