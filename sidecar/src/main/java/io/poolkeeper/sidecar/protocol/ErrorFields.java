package io.poolkeeper.sidecar.protocol;

import java.nio.charset.StandardCharsets;

/** The fields of an ErrorResponse or NoticeResponse that the proxy reads for its own logs and errors. */
public record ErrorFields(String severity, String sqlState, String message) {

    public static ErrorFields parse(byte[] b, int start, int length) {
        String severity = null;
        String code = null;
        String message = null;
        int p = start;
        int end = start + length;
        while (p < end && b[p] != 0) {
            byte field = b[p++];
            int nul = p;
            while (nul < end && b[nul] != 0) nul++;
            String value = new String(b, p, nul - p, StandardCharsets.UTF_8);
            switch (field) {
                case 'V' -> severity = value;
                case 'S' -> severity = severity == null ? value : severity;
                case 'C' -> code = value;
                case 'M' -> message = value;
                default -> { }
            }
            p = nul + 1;
        }
        return new ErrorFields(severity, code, message);
    }

    @Override
    public String toString() {
        return severity + " " + sqlState + ": " + message;
    }
}
