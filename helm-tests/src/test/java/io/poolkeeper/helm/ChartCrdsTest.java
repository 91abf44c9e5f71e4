package io.poolkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart installs exactly the CRDs under crds/ (generated from the api types), byte for byte.
 * After regenerating crds/: {@code mvn -B verify -pl helm-tests -am -Dtest=ChartCrdsTest
 * -Dpoolkeeper.regenerate=true -Dsurefire.failIfNoSpecifiedTests=false} copies them into the chart.
 */
class ChartCrdsTest {
    private static final Path CHART_CRDS = Repo.CHART.resolve("crds");

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void whenTheChartIsInstalledThenItsCrdsAreTheGeneratedOnes() throws IOException {
        if (Repo.regenerate()) {
            for (String name : names(CHART_CRDS)) Files.delete(CHART_CRDS.resolve(name));
            for (String name : names(Repo.CRDS)) Files.copy(Repo.CRDS.resolve(name), CHART_CRDS.resolve(name));
        }
        assertThat(names(CHART_CRDS)).as("helm/poolkeeper/crds/ holds the files of crds/").isEqualTo(names(Repo.CRDS)).isNotEmpty();
        for (String name : names(Repo.CRDS)) {
            assertThat(Files.readAllBytes(CHART_CRDS.resolve(name)))
                    .as("helm/poolkeeper/crds/%s differs from crds/%s: rerun with -Dpoolkeeper.regenerate=true and commit", name, name)
                    .isEqualTo(Files.readAllBytes(Repo.CRDS.resolve(name)));
        }
    }
}
