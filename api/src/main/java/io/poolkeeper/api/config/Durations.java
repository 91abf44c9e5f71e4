package io.poolkeeper.api.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in YAML and Kubernetes resources: {@code 500ms}, {@code 2s},
 * {@code 30m}, {@code 1h}, {@code 0} (off). Hand-written because Jackson's ISO-8601 form
 * ({@code PT2S}) is not what an SRE types.
 */
public final class Durations {
    private static final Pattern TEXT = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Durations() {}

    public static Duration parse(String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                "'" + text + "' is not a duration: write a whole number with ms, s, m or h, e.g. 2s or 500ms");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw tooLong(text);
        }
        String unit = m.group(2);
        if (unit == null) {
            if (n != 0) {
                throw new IllegalArgumentException("'" + text + "' needs a unit (ms, s, m or h); only 0 may go without one");
            }
            return Duration.ZERO;
        }
        try {
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            d.toMillis(); // throws when too long for the milliseconds that format() and HikariCP work in
            return d;
        } catch (ArithmeticException e) {
            throw tooLong(text);
        }
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("'" + text + "' is too long a duration");
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) return "0";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
