package io.poolkeeper.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example users copy must stay valid as the format changes. */
class ExampleConfigTest {
    private static final Path EXAMPLE = Path.of("../examples/sidecar.yaml");

    @Test
    void whenTheExampleIsParsedThenItHasNoProblems() throws IOException {
        SidecarConfig config = SidecarConfigYaml.parse(Files.readString(EXAMPLE));

        assertThat(config.problems()).isEmpty();
    }

    @Test
    void whenTheExampleIsWrittenAndParsedAgainThenItIsTheSameConfig() throws IOException {
        SidecarConfig config = SidecarConfigYaml.parse(Files.readString(EXAMPLE));

        assertThat(SidecarConfigYaml.parse(SidecarConfigYaml.write(config))).isEqualTo(config);
    }

    @Test
    void whenTheExampleIsReadThenItSpellsOutEveryField() throws IOException {
        String yaml = Files.readString(EXAMPLE);

        for (String path : ConfigFields.paths()) {
            String leaf = path.substring(path.lastIndexOf('.') + 1);
            assertThat(yaml).as(path).containsPattern("(?m)^\\s*" + leaf + ":");
        }
    }
}
