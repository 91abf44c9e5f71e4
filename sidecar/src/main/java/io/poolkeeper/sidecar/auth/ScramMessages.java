package io.poolkeeper.sidecar.auth;

import io.poolkeeper.sidecar.auth.ClientAuthFailure.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads the two SCRAM messages a client sends (RFC 5802 section 7), accepting and refusing what
 * PostgreSQL's auth-scram.c does. Bytes map one to one to chars (ISO-8859-1) so that the parts
 * that go into the AuthMessage are byte-for-byte what the client signed.
 */
final class ScramMessages {

    private ScramMessages() {
    }

    /** {@code gs2-cbind-flag} is {@code n} or {@code y}; {@code bare} is the message after the gs2 header. */
    record ClientFirst(char cbindFlag, String bare, String clientNonce) {
    }

    /** {@code withoutProof} is the message up to, not including, {@code ,p=}. */
    record ClientFinal(String channelBinding, String nonce, String withoutProof, byte[] proof) {
        @Override
        public String toString() {
            return "ClientFinal[nonce=" + nonce + ", proof hidden]";
        }
    }

    /** A message the exchange must refuse; the message text never quotes a proof. */
    static final class InvalidMessage extends Exception {
        private final Reason reason;

        InvalidMessage(Reason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }

    static String text(byte[] message) {
        return new String(message, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static ClientFirst parseClientFirst(byte[] message) throws InvalidMessage {
        String text = text(message);
        String[] parts = text.split(",", -1);
        if (parts.length < 4) throw malformed("client-first-message needs a gs2 header, n= and r=");
        char flag = cbindFlag(parts[0]);
        if (parts[1].startsWith("a=")) {
            throw new InvalidMessage(Reason.UNSUPPORTED_REQUEST, "client sent an authorization identity (a=), which is not supported");
        }
        if (!parts[1].isEmpty()) throw malformed("unexpected authzid field in the gs2 header");
        if (parts[2].startsWith("m=")) {
            throw new InvalidMessage(Reason.UNSUPPORTED_REQUEST, "client requires a SCRAM extension (m=), which is not supported");
        }
        // PostgreSQL clients send "n=" empty: the user is the one from the startup packet.
        if (!parts[2].startsWith("n=")) throw malformed("client-first-message has no n= (user name) attribute");
        if (!parts[3].startsWith("r=")) throw malformed("client-first-message has no r= (nonce) attribute after n=");
        String nonce = parts[3].substring(2);
        if (nonce.isEmpty() || !nonce.chars().allMatch(ScramMessages::isPrintable)) {
            throw malformed("client nonce is empty or not printable ASCII");
        }
        requireAttributes(Arrays.copyOfRange(parts, 4, parts.length), "client-first-message");
        String bare = text.substring(parts[0].length() + parts[1].length() + 2);
        return new ClientFirst(flag, bare, nonce);
    }

    static ClientFinal parseClientFinal(byte[] message) throws InvalidMessage {
        String text = text(message);
        String[] parts = text.split(",", -1);
        if (parts.length < 3) throw malformed("client-final-message needs c=, r= and p=");
        if (!parts[0].startsWith("c=")) throw malformed("client-final-message does not start with c= (channel binding)");
        if (!parts[1].startsWith("r=")) throw malformed("client-final-message has no r= (nonce) after c=");
        String last = parts[parts.length - 1];
        if (!last.startsWith("p=")) throw malformed("client-final-message does not end with p= (proof)");
        String[] extensions = Arrays.copyOfRange(parts, 2, parts.length - 1);
        requireAttributes(extensions, "client-final-message");
        for (String extension : extensions) {
            if (extension.startsWith("p=")) throw malformed("client-final-message has text after p= (proof)");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(last.substring(2));
        } catch (IllegalArgumentException e) {
            throw malformed("client proof is not valid base64");
        }
        if (proof.length != ScramSecret.KEY_BYTES) throw malformed("client proof is not " + ScramSecret.KEY_BYTES + " bytes");
        String withoutProof = text.substring(0, text.length() - last.length() - 1);
        return new ClientFinal(parts[0].substring(2), parts[1].substring(2), withoutProof, proof);
    }

    private static char cbindFlag(String field) throws InvalidMessage {
        return switch (field) {
            case "n" -> 'n';
            case "y" -> 'y';
            default -> {
                if (field.startsWith("p=")) {
                    throw new InvalidMessage(Reason.UNSUPPORTED_REQUEST,
                            "client requires channel binding (SCRAM-SHA-256-PLUS), which the sidecar does not offer");
                }
                throw malformed("gs2 channel binding flag is not n, y or p=");
            }
        };
    }

    /** Attributes we do not know are skipped, as PostgreSQL does, but each must look like one. */
    private static void requireAttributes(String[] fields, String messageName) throws InvalidMessage {
        for (String field : fields) {
            boolean attribute = field.length() >= 2 && isAsciiLetter(field.charAt(0)) && field.charAt(1) == '=';
            if (!attribute) throw malformed(messageName + " has a field that is not an attribute (letter=value)");
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** RFC 5802 "printable": visible ASCII except the comma that separates attributes. */
    private static boolean isPrintable(int c) {
        return c >= 0x21 && c <= 0x7E && c != ',';
    }

    private static InvalidMessage malformed(String detail) {
        return new InvalidMessage(Reason.MALFORMED_MESSAGE, detail);
    }
}
