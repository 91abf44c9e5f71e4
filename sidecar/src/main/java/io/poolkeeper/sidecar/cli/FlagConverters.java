package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Durations;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.ReadStrategy;
import io.poolkeeper.api.config.SidecarConfig.Replica;
import io.poolkeeper.api.config.SplitReads;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
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

    static final class ReadStrategyConverter implements ITypeConverter<ReadStrategy> {
        @Override
        public ReadStrategy convert(String text) {
            try {
                return ReadStrategy.fromWireName(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SplitReadsConverter implements ITypeConverter<SplitReads> {
        @Override
        public SplitReads convert(String text) {
            try {
                return SplitReads.fromWireName(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * {@code true} or {@code false}, in any case, with our wording for anything else. The options
     * using it set {@code arity = "1"}: picocli's boolean options take no value by default.
     */
    static final class BooleanConverter implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String text) {
            if (text.equalsIgnoreCase("true")) return true;
            if (text.equalsIgnoreCase("false")) return false;
            throw new TypeConversionException("'" + text + "' is not true or false");
        }
    }

    /**
     * {@code HOST:PORT[,weight=N][,zone=Z]}. Only the form is checked here; the ranges (port,
     * weight) are the config's, reported by {@code problems()} as for a replica in the file.
     */
    static final class ReplicaConverter implements ITypeConverter<Replica> {
        static final String FORM = "expected HOST:PORT[,weight=N][,zone=Z], e.g. pg-1.pg:5432,weight=2,zone=eu-west-1b";

        @Override
        public Replica convert(String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + text + "': " + e.getMessage() + "; " + FORM);
            }
        }

        static Replica parse(String text) {
            if (text.isBlank()) throw new IllegalArgumentException("no server given");
            String[] parts = text.split(",", -1);
            Endpoint server = Endpoint.parse(parts[0].trim());
            Integer weight = null;
            String zone = null;
            Set<String> given = new HashSet<>();
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i].trim();
                if (part.isEmpty()) throw new IllegalArgumentException("an empty setting between commas");
                int eq = part.indexOf('=');
                String key = (eq < 0 ? part : part.substring(0, eq)).trim();
                String value = eq < 0 ? null : part.substring(eq + 1).trim();
                if (!key.equals("weight") && !key.equals("zone")) {
                    throw new IllegalArgumentException("unknown setting '" + key + "'; the settings are weight and zone");
                }
                if (!given.add(key)) throw new IllegalArgumentException(key + " is given twice");
                if (value == null || value.isEmpty()) {
                    throw new IllegalArgumentException(key + " needs a value: " + key + (key.equals("weight") ? "=N" : "=Z"));
                }
                if (key.equals("zone")) {
                    zone = value;
                } else {
                    try {
                        weight = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("weight '" + value + "' is not a whole number");
                    }
                }
            }
            return new Replica(server.host(), server.port(), weight, zone);
        }
    }
}
