package io.poolkeeper.sidecar.auth;

import java.util.Optional;

/**
 * One line of a PgBouncer auth_file: {@code "username" "secret"}, where {@code ""} inside the
 * quotes stands for one {@code "}. Blank lines and lines starting with {@code ;} or {@code #}
 * carry nothing.
 */
record UsersFileLine(String user, String secret) {

    private static final String FORM = "each line is \"username\" \"secret\"";

    /**
     * @return empty for a blank or comment line
     * @throws IllegalArgumentException saying what is wrong, never quoting the secret
     */
    static Optional<UsersFileLine> parse(String line) {
        Cursor cursor = new Cursor(line);
        cursor.skipBlanks();
        if (cursor.atEnd() || cursor.peek() == ';' || cursor.peek() == '#') return Optional.empty();
        String user = cursor.quoted("user name");
        cursor.skipBlanks();
        String secret = cursor.quoted("secret");
        cursor.skipBlanks();
        if (!cursor.atEnd()) throw new IllegalArgumentException("unexpected text after the secret; " + FORM);
        if (user.isEmpty()) throw new IllegalArgumentException("the user name is empty");
        return Optional.of(new UsersFileLine(user, secret));
    }

    @Override
    public String toString() {
        return "UsersFileLine[user=" + user + ", secret hidden]";
    }

    private static final class Cursor {
        private final String line;
        private int pos;

        Cursor(String line) {
            this.line = line;
        }

        boolean atEnd() {
            return pos >= line.length();
        }

        char peek() {
            return line.charAt(pos);
        }

        void skipBlanks() {
            while (!atEnd() && Character.isWhitespace(peek())) pos++;
        }

        String quoted(String what) {
            if (atEnd() || peek() != '"') {
                throw new IllegalArgumentException("expected the " + what + " in double quotes; " + FORM);
            }
            pos++;
            StringBuilder out = new StringBuilder();
            while (!atEnd()) {
                char c = line.charAt(pos++);
                if (c != '"') {
                    out.append(c);
                } else if (!atEnd() && peek() == '"') {
                    out.append('"');
                    pos++;
                } else {
                    return out.toString();
                }
            }
            throw new IllegalArgumentException("the " + what + " has no closing double quote"
                    + " (write a \" inside the quotes as \"\")");
        }
    }
}
