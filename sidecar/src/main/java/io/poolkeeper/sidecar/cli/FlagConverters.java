package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Durations;
import io.poolkeeper.api.config.Endpoint;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Flag text to config values with the config file's own parsers, so a flag and a file accept the
 * same spellings. Rethrowing as {@link TypeConversionException} makes picocli print our message
 * after the flag's name instead of a class name and stack.
 */
final class FlagConverters {
    private FlagConverters() {}

    static final class EndpointConverter implements ITypeConverter<Endpoint> {
        @Override
        public Endpoint convert(String text) {
            try {
                return Endpoint.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + ", e.g. 127.0.0.1:5432");
            }
        }
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class AuthMethodConverter implements ITypeConverter<AuthMethod> {
        @Override
        public AuthMethod convert(String text) {
            try {
                return AuthMethod.fromWireName(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
