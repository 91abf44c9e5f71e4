package io.poolkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.poolkeeper.operator.OperatorSettings;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Chart.yaml and values.yaml agree with the build and the operator on versions and the image. */
class ChartMetadataTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The project's version, from the root pom. */
    static String projectVersion() {
        Matcher m = Pattern.compile("<artifactId>poolkeeper-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Repo.read(Repo.ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("the root pom's version").isTrue();
        return m.group(1);
    }

    @Test
    void whenTheImageTagIsLeftEmptyThenTheChartRunsTheImageOfTheVersionItWasBuiltWith() throws IOException {
        JsonNode chart = YAML.readTree(Repo.CHART.resolve("Chart.yaml").toFile());
        assertThat(chart.get("name").asText()).isEqualTo("poolkeeper");
        assertThat(chart.get("appVersion").asText()).as("Chart.yaml appVersion is the Maven project version").isEqualTo(projectVersion());
        assertThat(chart.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void whenTheOperatorHasNoImageSetThenItUsesTheRepositoryTheChartInstalls() throws IOException {
        JsonNode values = YAML.readTree(Repo.CHART.resolve("values.yaml").toFile());
        String repository = values.at("/image/repository").asText();
        assertThat(OperatorSettings.DEFAULT_IMAGE).startsWith(repository + ":");
        assertThat(values.at("/image/tag").asText()).isEmpty();
    }
}
