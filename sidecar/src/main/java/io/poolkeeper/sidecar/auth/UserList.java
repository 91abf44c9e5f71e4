package io.poolkeeper.sidecar.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users allowed in, read from a PgBouncer-style auth_file. Immutable: to pick up an edited
 * file, load it again and swap the reference, so logins in flight keep the list they started with.
 */
public final class UserList {

    private final Map<String, UserSecret> secrets;

    private UserList(Map<String, UserSecret> secrets) {
        this.secrets = Collections.unmodifiableMap(secrets);
    }

    /**
     * Reads and checks the whole file; plaintext passwords get their SCRAM secrets here, which
     * takes a few milliseconds per user.
     *
     * @throws IOException if the file cannot be read, or naming the file, the line and what is wrong
     */
    public static UserList load(Path file) throws IOException {
        return parse(file.toString(), readUtf8(file), new SecureRandom());
    }

    static UserList parse(String source, String text, SecureRandom random) throws IOException {
        Map<String, UserSecret> secrets = new HashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            try {
                Optional<UsersFileLine> entry = UsersFileLine.parse(lines.get(i));
                if (entry.isEmpty()) continue;
                String user = entry.get().user();
                Integer earlier = firstLine.putIfAbsent(user, lineNumber);
                if (earlier != null) {
                    throw new IllegalArgumentException("user \"" + user + "\" is already listed on line " + earlier);
                }
                secrets.put(user, UserSecret.parse(entry.get().secret(), random));
            } catch (IllegalArgumentException e) {
                throw new IOException(source + " line " + lineNumber + ": " + e.getMessage());
            }
        }
        return new UserList(secrets);
    }

    public Optional<UserSecret> find(String user) {
        return Optional.ofNullable(secrets.get(user));
    }

    public int size() {
        return secrets.size();
    }

    @Override
    public String toString() {
        return "UserList[" + secrets.size() + " users]";
    }

    private static String readUtf8(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read the users file " + file + ": " + e, e);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            // Editors on Windows like to start UTF-8 files with a byte order mark.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IOException("the users file " + file + " is not valid UTF-8; save it as UTF-8", e);
        }
    }
}
