package io.poolkeeper.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({"500ms, 500", "2s, 2000", "30m, 1800000", "1h, 3600000", "0, 0", "0s, 0", "' 2s ', 2000"})
    void whenTheTextHasAUnitThenItParses(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2x", "1.5s", "-1s", "2 seconds", "PT2S", "s", ""})
    void whenTheTextIsNotADurationThenTheMessageShowsHowToWriteOne(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration: write a whole number with ms, s, m or h, e.g. 2s or 500ms");
    }

    @Test
    void whenANumberHasNoUnitThenOnlyZeroIsAllowed() {
        assertThatThrownBy(() -> Durations.parse("30"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'30' needs a unit (ms, s, m or h); only 0 may go without one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "9999999999999999h", "9223372036854775807s"})
    void whenTheDurationCannotBeHeldInMillisecondsThenItIsRejectedNotOverflowed(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is too long a duration");
    }

    @ParameterizedTest(name = "{0} formats as {1}")
    @CsvSource({"0, 0", "500, 500ms", "1500, 1500ms", "2000, 2s", "90000, 90s", "1800000, 30m", "7200000, 2h"})
    void whenFormattedThenTheLargestWholeUnitIsUsedAndParsesBack(long millis, String text) {
        Duration d = Duration.ofMillis(millis);

        assertThat(Durations.format(d)).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(d);
    }
}
