package io.poolkeeper.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class FlagHintsTest {

    @Test
    void whenAProblemNamesAFieldWithAFlagThenTheFlagIsAdded() {
        assertThat(FlagHints.annotate("pool.minIdle: must be 0-4 (pool.maxSize), got 9"))
                .isEqualTo("pool.minIdle (--min-idle): must be 0-4 (pool.maxSize), got 9");
    }

    @Test
    void whenAFieldHasNoFlagThenTheProblemIsUnchanged() {
        assertThat(FlagHints.annotate("timeouts.login: must be more than 0")).isEqualTo("timeouts.login: must be more than 0");
        assertThat(FlagHints.annotate("no field here")).isEqualTo("no field here");
    }

    @Test
    void whenAFlagExistsThenSomeFieldPointsToIt() {
        Collection<String> hinted = FlagHints.FLAG_BY_FIELD.values();
        for (OptionSpec option : new CommandLine(new SidecarFlags()).getCommandSpec().options()) {
            assertThat(hinted).as(option.longestName()).anyMatch(flags -> flags.contains(option.longestName()));
        }
    }
}
