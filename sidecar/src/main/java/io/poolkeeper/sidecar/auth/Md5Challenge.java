package io.poolkeeper.sidecar.auth;

import io.poolkeeper.sidecar.auth.ClientAuthFailure.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One md5 password login: the salt for AuthenticationMD5Password (code 5), then the check of the
 * client's answer, {@code "md5" + hex(md5(hex(md5(password || user)) || salt))}. Works from a
 * plaintext password or PostgreSQL's md5 hash, which is the inner {@code md5(password || user)}.
 */
public final class Md5Challenge {

    private static final int SALT_BYTES = 4;
    private static final String PREFIX = "md5";
    private static final int RESPONSE_LENGTH = PREFIX.length() + 32;
    private static final HexFormat HEX = HexFormat.of();

    private final String user;
    private final Optional<UserSecret> secret;
    private final byte[] salt;

    Md5Challenge(String user, Optional<UserSecret> secret, byte[] salt) {
        this.user = user;
        this.secret = secret;
        this.salt = salt.clone();
    }

    /**
     * @param user the user name from the startup packet
     * @param secret the user's entry in the users file; empty for an unknown user, who still gets a
     *     salt and fails only after answering, like a wrong password
     */
    public static Md5Challenge start(String user, Optional<UserSecret> secret, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new Md5Challenge(user, secret, salt);
    }

    /** The 4 bytes to send in AuthenticationMD5Password. */
    public byte[] salt() {
        return salt.clone();
    }

    /**
     * @param passwordMessage the body of the client's PasswordMessage; its terminating zero byte
     *     may be included or not
     * @return empty when the client knows the password
     */
    public Optional<ClientAuthFailure> verify(byte[] passwordMessage) {
        byte[] response = withoutTerminator(passwordMessage);
        if (response.length != RESPONSE_LENGTH || !new String(response, StandardCharsets.ISO_8859_1).startsWith(PREFIX)) {
            return fail(Reason.MALFORMED_MESSAGE, "the response is not md5 followed by 32 hex digits");
        }
        if (secret.isEmpty()) return fail(Reason.UNKNOWN_USER, "answered the md5 challenge");
        Optional<String> inner = innerHash(secret.get());
        if (inner.isEmpty()) {
            return fail(Reason.NO_USABLE_SECRET, "only a SCRAM secret is listed; md5 needs a password or md5 hash");
        }
        byte[] expected = (PREFIX + md5Hex(inner.get().getBytes(StandardCharsets.US_ASCII), salt))
                .getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, response)) return fail(Reason.WRONG_PASSWORD, "md5 response does not match");
        return Optional.empty();
    }

    private Optional<String> innerHash(UserSecret secret) {
        return switch (secret) {
            case UserSecret.Plaintext p -> Optional.of(md5Hex((p.password() + user).getBytes(StandardCharsets.UTF_8)));
            case UserSecret.Md5Hash h -> Optional.of(h.hex());
            case UserSecret.Scram s -> Optional.empty();
        };
    }

    private Optional<ClientAuthFailure> fail(Reason reason, String detail) {
        return Optional.of(new ClientAuthFailure(user, reason, detail));
    }

    private static byte[] withoutTerminator(byte[] message) {
        boolean terminated = message.length > 0 && message[message.length - 1] == 0;
        return terminated ? Arrays.copyOf(message, message.length - 1) : message;
    }

    private static String md5Hex(byte[]... parts) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (byte[] part : parts) md5.update(part);
            return HEX.formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no MD5, which every Java SE runtime must provide", e);
        }
    }
}
