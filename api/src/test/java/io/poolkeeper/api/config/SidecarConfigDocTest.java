package io.poolkeeper.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The reference must grow with the format: a field added to the records and not to the doc fails here. */
class SidecarConfigDocTest {
    private static final Path DOC = Path.of("../docs/sidecar-config.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);

    @Test
    void whenTheDocIsReadThenEveryFieldPathIsDocumented() throws IOException {
        String doc = Files.readString(DOC);

        assertThat(ConfigFields.paths()).contains("pool.maxSize", "primary.host");
        for (String path : ConfigFields.paths()) {
            assertThat(doc).as("docs/sidecar-config.md documents `%s`", path).contains("`" + path + "`");
        }
    }

    @Test
    void whenTheDocShowsConfigFilesThenEachIsValidAndTheCompleteOneIsTheExample() throws IOException {
        List<String> blocks = YAML_BLOCK.matcher(Files.readString(DOC)).results().map(m -> m.group(1)).toList();
        SidecarConfig example = SidecarConfigYaml.parse(Files.readString(Path.of("../examples/sidecar.yaml")));

        assertThat(blocks).hasSize(2);
        for (String block : blocks) {
            assertThat(SidecarConfigYaml.parse(block).problems()).as(block).isEmpty();
        }
        assertThat(SidecarConfigYaml.parse(blocks.getFirst())).isEqualTo(example);
    }
}
