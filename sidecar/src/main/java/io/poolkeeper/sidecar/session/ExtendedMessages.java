package io.poolkeeper.sidecar.session;

import io.poolkeeper.sidecar.protocol.FrameReader;
import io.poolkeeper.sidecar.protocol.Msg;
import io.poolkeeper.sidecar.protocol.PgBuffer;
import io.poolkeeper.sidecar.protocol.ProtocolViolation;
import io.poolkeeper.sidecar.protocol.Wire;

/**
 * Reads the few fields the proxy needs out of the client's current message (statement names,
 * query text) and writes a Bind or Describe again under the server-side statement name; the rest
 * of a message is copied, never decoded.
 */
final class ExtendedMessages {
    static final byte[] PARSE_COMPLETE = {Msg.PARSE_COMPLETE, 0, 0, 0, 4};
    static final byte[] CLOSE_COMPLETE = {Msg.CLOSE_COMPLETE, 0, 0, 0, 4};

    /** A Parse: the client's statement name, what the query does to the session, and where its query text and types lie. */
    record ParseMessage(String name, String query, SessionStateScanner.Effects effects, int bodyFrom, int bodyTo) {}

    /**
     * The statement or portal a Bind, Describe or Close names. For Bind, {@code kind} is 'S' and
     * {@code prefixFrom..prefixTo} is the portal name (with its NUL) written before the statement.
     */
    record Target(byte kind, String name, int prefixFrom, int prefixTo, int restFrom) {
        boolean isStatement() {
            return kind == 'S';
        }
    }

    private final FrameReader reader;

    ExtendedMessages(FrameReader reader) {
        this.reader = reader;
    }

    String queryText() throws ProtocolViolation {
        int from = reader.bodyStart();
        return Wire.cstring(reader.array(), from, Wire.cstringEnd(reader.array(), from, end()));
    }

    ParseMessage parse() throws ProtocolViolation {
        byte[] b = reader.array();
        int from = reader.bodyStart();
        int nameEnd = Wire.cstringEnd(b, from, end());
        int queryEnd = Wire.cstringEnd(b, nameEnd + 1, end());
        String query = Wire.cstring(b, nameEnd + 1, queryEnd);
        return new ParseMessage(Wire.cstring(b, from, nameEnd), query, SessionStateScanner.scan(query), nameEnd + 1, end());
    }

    Target bindTarget() throws ProtocolViolation {
        byte[] b = reader.array();
        int from = reader.bodyStart();
        int portalEnd = Wire.cstringEnd(b, from, end());
        int statementEnd = Wire.cstringEnd(b, portalEnd + 1, end());
        return new Target((byte) 'S', Wire.cstring(b, portalEnd + 1, statementEnd), from, portalEnd + 1, statementEnd + 1);
    }

    Target describeTarget() throws ProtocolViolation {
        return kindAndName("Describe");
    }

    Target closeTarget() throws ProtocolViolation {
        return kindAndName("Close");
    }

    private Target kindAndName(String message) throws ProtocolViolation {
        byte[] b = reader.array();
        int from = reader.bodyStart();
        if (reader.bodyLength() < 2) throw new ProtocolViolation(message + " message too short");
        byte kind = b[from];
        if (kind != 'S' && kind != 'P') throw new ProtocolViolation(message + " of '" + (char) kind + "': expected 'S' or 'P'");
        int nameEnd = Wire.cstringEnd(b, from + 1, end());
        return new Target(kind, Wire.cstring(b, from + 1, nameEnd), from, from + 1, nameEnd + 1);
    }

    /** Writes the current message again with {@code serverName} in place of the client's statement name. */
    void writeRenamed(PgBuffer out, Target target, String serverName) {
        byte[] b = reader.array();
        out.beginMessage(reader.type())
                .putBytes(b, target.prefixFrom(), target.prefixTo() - target.prefixFrom())
                .putCString(serverName)
                .putBytes(b, target.restFrom(), end() - target.restFrom())
                .endMessage();
    }

    private int end() {
        return reader.bodyStart() + reader.bodyLength();
    }
}
