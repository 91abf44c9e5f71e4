package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads {@code --config}; every failure names the file, since a pod may mount several. */
final class ConfigFile {
    private ConfigFile() {}

    static SidecarConfig read(Path file) throws ConfigFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigFileException("--config " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigFileException("--config " + file + ": permission denied");
        } catch (IOException e) {
            throw new ConfigFileException("--config " + file + ": cannot read it: " + e);
        }
        try {
            return SidecarConfigYaml.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigFileException(file + ": " + e.getMessage());
        }
    }

    /** A config file that cannot be read or parsed; the message is ready to show the user. */
    static final class ConfigFileException extends Exception {
        ConfigFileException(String message) {
            super(message);
        }
    }
}
