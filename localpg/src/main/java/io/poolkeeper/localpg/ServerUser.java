package io.poolkeeper.localpg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user the server programs run as. PostgreSQL refuses to run as root, so when
 * this JVM is root they run as {@value #UNPRIVILEGED} through runuser, and the files they need are
 * handed over to that user; otherwise they run as the current user.
 */
final class ServerUser {

    static final String UNPRIVILEGED = "postgres";
    private static final Path RUNUSER = Path.of("/usr/sbin/runuser");

    private final boolean root;

    private ServerUser(boolean root) {
        this.root = root;
    }

    static ServerUser current() {
        return new ServerUser(runningAsRoot());
    }

    List<String> command(List<String> argv) {
        if (!root) {
            return argv;
        }
        List<String> wrapped = new ArrayList<>(List.of(runuser(), "-u", UNPRIVILEGED, "--"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Makes {@code path} owned by the server user, so the server can write into it. */
    void handOver(Path path) {
        if (!root) {
            return;
        }
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        try {
            PosixFileAttributeView attributes = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            attributes.setOwner(users.lookupPrincipalByName(UNPRIVILEGED));
            attributes.setGroup(users.lookupPrincipalByGroupName(UNPRIVILEGED));
        } catch (UserPrincipalNotFoundException e) {
            throw new LocalPostgresException("Running as root, but PostgreSQL refuses to run as root and there is no '"
                    + UNPRIVILEGED + "' user to run it as. Install postgresql-15 (it creates that user) or run as a"
                    + " non-root user.", e);
        } catch (IOException e) {
            throw new LocalPostgresException("Could not hand " + path + " over to the '" + UNPRIVILEGED + "' user: " + e, e);
        }
    }

    private static String runuser() {
        return Files.isExecutable(RUNUSER) ? RUNUSER.toString() : "runuser";
    }

    private static boolean runningAsRoot() {
        try {
            // /proc/self is owned by the process's effective user, so this sees through a misleading user.name.
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
