package io.poolkeeper.sidecar.protocol;

import java.util.Map;

/** Encoders for the messages the proxy writes itself; everything else is forwarded as it came. */
public final class Messages {
    private Messages() {}

    public static void errorResponse(PgBuffer out, PgError error) {
        String severity = error.fatal() ? "FATAL" : "ERROR";
        out.beginMessage(Msg.ERROR_RESPONSE)
                .putByte('S').putCString(severity)
                .putByte('V').putCString(severity)
                .putByte('C').putCString(error.sqlState())
                .putByte('M').putCString(error.getMessage());
        if (error.hint() != null) out.putByte('H').putCString(error.hint());
        out.putByte(0).endMessage();
    }

    public static void readyForQuery(PgBuffer out, byte status) {
        out.beginMessage(Msg.READY_FOR_QUERY).putByte(status).endMessage();
    }

    public static void parameterStatus(PgBuffer out, String name, String value) {
        out.beginMessage(Msg.PARAMETER_STATUS).putCString(name).putCString(value).endMessage();
    }

    public static void parameterStatuses(PgBuffer out, Map<String, String> params) {
        params.forEach((name, value) -> parameterStatus(out, name, value));
    }

    public static void backendKeyData(PgBuffer out, int processId, int secretKey) {
        out.beginMessage(Msg.BACKEND_KEY_DATA).putInt(processId).putInt(secretKey).endMessage();
    }

    public static void authenticationOk(PgBuffer out) {
        out.beginMessage(Msg.AUTHENTICATION).putInt(0).endMessage();
    }

    public static void authenticationMd5(PgBuffer out, byte[] salt) {
        out.beginMessage(Msg.AUTHENTICATION).putInt(5).putBytes(salt).endMessage();
    }

    public static void authenticationSasl(PgBuffer out, String mechanism) {
        out.beginMessage(Msg.AUTHENTICATION).putInt(10).putCString(mechanism).putByte(0).endMessage();
    }

    public static void authenticationSaslContinue(PgBuffer out, byte[] data) {
        out.beginMessage(Msg.AUTHENTICATION).putInt(11).putBytes(data).endMessage();
    }

    public static void authenticationSaslFinal(PgBuffer out, byte[] data) {
        out.beginMessage(Msg.AUTHENTICATION).putInt(12).putBytes(data).endMessage();
    }

    public static void negotiateProtocolVersion(PgBuffer out, int newestMinor, Iterable<String> unsupportedOptions) {
        out.beginMessage(Msg.NEGOTIATE_PROTOCOL_VERSION).putInt(newestMinor);
        int countAt = out.size();
        out.putInt(0);
        int count = 0;
        for (String option : unsupportedOptions) {
            out.putCString(option);
            count++;
        }
        byte[] b = out.array();
        b[countAt] = (byte) (count >>> 24);
        b[countAt + 1] = (byte) (count >>> 16);
        b[countAt + 2] = (byte) (count >>> 8);
        b[countAt + 3] = (byte) count;
        out.endMessage();
    }

    public static void parseComplete(PgBuffer out) {
        out.beginMessage(Msg.PARSE_COMPLETE).endMessage();
    }

    public static void closeComplete(PgBuffer out) {
        out.beginMessage(Msg.CLOSE_COMPLETE).endMessage();
    }

    // Frontend messages the proxy sends to servers on its own account.

    public static void query(PgBuffer out, String sql) {
        out.beginMessage(Msg.QUERY).putCString(sql).endMessage();
    }

    public static void parse(PgBuffer out, String statement, byte[] queryAndParamTypes) {
        out.beginMessage(Msg.PARSE).putCString(statement).putBytes(queryAndParamTypes).endMessage();
    }
}
