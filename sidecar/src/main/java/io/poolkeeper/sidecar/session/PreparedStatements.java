package io.poolkeeper.sidecar.session;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * One client's named prepared statements. Each maps to a server-side name derived from the
 * statement's text and parameter types, so clients share one server-side statement per distinct
 * query and two clients' {@code S_1} never collide; a server connection that lacks a statement
 * has it prepared again from the Parse body kept here.
 */
final class PreparedStatements {
    /** What a client's Parse asked for: the body after the name (query text and parameter types) and what running it does to the session. */
    record Statement(String serverName, String query, byte[] parseBody, SessionStateScanner.Effects effects) {}

    private final Map<String, Statement> byClientName = new HashMap<>();
    private final java.util.Set<String> unconfirmed = new java.util.HashSet<>();

    Statement get(String clientName) {
        return byClientName.get(clientName);
    }

    boolean contains(String clientName) {
        return byClientName.containsKey(clientName);
    }

    Statement define(String clientName, String query, SessionStateScanner.Effects effects, byte[] body, int from, int to) {
        byte[] parseBody = Arrays.copyOfRange(body, from, to);
        Statement s = new Statement(serverName(parseBody), query, parseBody, effects);
        byClientName.put(clientName, s);
        return s;
    }

    void remove(String clientName) {
        byClientName.remove(clientName);
        unconfirmed.remove(clientName);
    }

    /** A statement accepted without a server: no server has parsed it yet. */
    Statement defineUnconfirmed(String clientName, String query, SessionStateScanner.Effects effects, byte[] body, int from, int to) {
        unconfirmed.add(clientName);
        return define(clientName, query, effects, body, from, to);
    }

    /** The client name of {@code serverName} while no server has parsed it, or null. */
    String unconfirmedName(String serverName) {
        for (String name : unconfirmed) {
            if (byClientName.get(name).serverName().equals(serverName)) return name;
        }
        return null;
    }

    void confirmed(String clientName) {
        unconfirmed.remove(clientName);
    }

    void clear() {
        byClientName.clear();
        unconfirmed.clear();
    }

    int size() {
        return byClientName.size();
    }

    /** 128 bits of SHA-256: distinct statements never share a name in practice, and it fits NAMEDATALEN. */
    private static String serverName(byte[] parseBody) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(parseBody);
            return "pk_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

}
