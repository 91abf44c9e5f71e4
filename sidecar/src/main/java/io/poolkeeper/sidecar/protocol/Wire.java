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
}
