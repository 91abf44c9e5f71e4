package io.poolkeeper.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, from this module's directory (where Maven runs its tests). */
final class Repo {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("helm/poolkeeper");
    static final Path CRDS = ROOT.resolve("crds");
    static final Path DOCS = ROOT.resolve("docs");

    private Repo() {}

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code -Dpoolkeeper.regenerate=true}: tests that keep a generated file in step rewrite it instead of failing. */
    static boolean regenerate() {
        return Boolean.getBoolean("poolkeeper.regenerate");
    }
}
