package io.poolkeeper.sidecar;

import io.poolkeeper.sidecar.protocol.WireClient;
import io.poolkeeper.sidecar.protocol.WireClient.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SCRAM-SHA-256 login over a raw socket, written from RFC 5802 / 7677 for tests: fast enough
 * for thousands of attempts (the salted password is derived once per password and salt, as a
 * real client that retries would), and able to stop or break the exchange at any step.
 */
final class ScramWire {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, byte[]> SALTED = new ConcurrentHashMap<>();

    /** How a login ended: logged in (with the socket left open), or refused with this ErrorResponse. */
    record Outcome(boolean loggedIn, Message error, String serverFirst, WireClient client) {}

    private ScramWire() {}

    /** Logs in as {@code user} with {@code password}; closes the socket unless the login succeeded. */
    static Outcome login(int port, String user, String password) throws IOException {
        WireClient c = WireClient.connect(port, Duration.ofSeconds(20));
        try {
            Outcome o = login(c, user, password);
            if (!o.loggedIn()) c.close();
            return o;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    static Outcome login(WireClient c, String user, String password) throws IOException {
        c.sendStartup(user, RunningSidecar.DATABASE);
        Message m = c.read();
        if (m.type() == 'E') return new Outcome(false, m, null, c);
        if (m.type() != 'R' || readInt(m.body(), 0) != 10) throw new IOException("expected AuthenticationSASL, got " + m);
        byte[] nonceBytes = new byte[18];
        RANDOM.nextBytes(nonceBytes);
        String clientNonce = Base64.getEncoder().encodeToString(nonceBytes);
        String clientFirstBare = "n=,r=" + clientNonce;
        c.send(saslInitialResponse("SCRAM-SHA-256", "n,," + clientFirstBare));
        m = c.read();
        if (m.type() == 'E') return new Outcome(false, m, null, c);
        if (m.type() != 'R' || readInt(m.body(), 0) != 11) throw new IOException("expected AuthenticationSASLContinue, got " + m);
        String serverFirst = new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8);
        Map<Character, String> attrs = attributes(serverFirst);
        String combinedNonce = attrs.get('r');
        byte[] salt = Base64.getDecoder().decode(attrs.get('s'));
        int iterations = Integer.parseInt(attrs.get('i'));
        String clientFinalWithoutProof = "c=biws,r=" + combinedNonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;
        byte[] salted = SALTED.computeIfAbsent(password + "\0" + attrs.get('s') + "\0" + iterations, k -> pbkdf2(password, salt, iterations));
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = sha256(clientKey);
        byte[] signature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
        c.send(WireClient.message('p', (clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8)));
        while (true) {
            m = c.read();
            if (m.type() == 'E') return new Outcome(false, m, serverFirst, c);
            if (m.type() == 'Z') return new Outcome(true, null, serverFirst, c);
        }
    }

    static byte[] saslInitialResponse(String mechanism, String data) {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        return WireClient.message('p', WireClient.concat(WireClient.cstring(mechanism), WireClient.int32(d.length), d));
    }

    static Map<Character, String> attributes(String message) {
        Map<Character, String> out = new java.util.HashMap<>();
        for (String part : message.split(",")) if (part.length() > 1 && part.charAt(1) == '=') out.put(part.charAt(0), part.substring(2));
        return out;
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
