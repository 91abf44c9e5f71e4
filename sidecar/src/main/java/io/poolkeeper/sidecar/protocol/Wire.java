package io.poolkeeper.sidecar.protocol;

import java.nio.charset.StandardCharsets;

/** Reading big-endian integers and NUL-terminated strings out of a message body. */
public final class Wire {
    private Wire() {}

    public static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    public static int readShort(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    /** Index of the NUL ending the string that starts at {@code from}, or throws if none before {@code end}. */
    public static int cstringEnd(byte[] b, int from, int end) throws ProtocolViolation {
        for (int i = from; i < end; i++) {
            if (b[i] == 0) return i;
        }
        throw new ProtocolViolation("string not terminated inside the message");
    }

    public static String cstring(byte[] b, int from, int nul) {
        return new String(b, from, nul - from, StandardCharsets.UTF_8);
    }

    private static final boolean[] BACKEND_TYPES = new boolean[256];

    static {
        for (byte t : new byte[] {Msg.AUTHENTICATION, Msg.PARAMETER_STATUS, Msg.BACKEND_KEY_DATA, Msg.READY_FOR_QUERY,
                Msg.ERROR_RESPONSE, Msg.NOTICE_RESPONSE, Msg.NOTIFICATION_RESPONSE, Msg.PARSE_COMPLETE, Msg.BIND_COMPLETE,
                Msg.CLOSE_COMPLETE, Msg.PARAMETER_DESCRIPTION, Msg.ROW_DESCRIPTION, Msg.NO_DATA, Msg.DATA_ROW,
                Msg.COMMAND_COMPLETE, Msg.EMPTY_QUERY_RESPONSE, Msg.PORTAL_SUSPENDED, Msg.COPY_IN_RESPONSE,
                Msg.COPY_OUT_RESPONSE, Msg.COPY_BOTH_RESPONSE, Msg.FUNCTION_CALL_RESPONSE, Msg.NEGOTIATE_PROTOCOL_VERSION,
                Msg.COPY_DATA, Msg.COPY_DONE}) {
            BACKEND_TYPES[t & 0xff] = true;
        }
    }

    /** True for the message types a PostgreSQL server sends (protocol 3.0). */
    public static boolean isBackendMessageType(byte type) {
        return BACKEND_TYPES[type & 0xff];
    }

    /**
     * True when a DataRow body is exactly its column count's columns: each a length (-1 for NULL)
     * and that many bytes, with nothing missing and nothing left over. A row that is not would
     * make the client read past it into the next message.
     */
    public static boolean isWellFormedDataRow(byte[] b, int start, int length) {
        if (length < 2) return false;
        int end = start + length;
        int columns = readShort(b, start);
        int p = start + 2;
        for (int i = 0; i < columns; i++) {
            if (end - p < 4) return false;
            int len = readInt(b, p);
            p += 4;
            if (len < -1 || len > end - p) return false;
            if (len > 0) p += len;
        }
        return p == end;
    }
}
