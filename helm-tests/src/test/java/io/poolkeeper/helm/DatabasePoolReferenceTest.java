package io.poolkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/databasepool-reference.md is what {@link DatabasePoolReference} makes of the committed CRD.
 * After the CRD changes: {@code mvn -B verify -pl helm-tests -am -Dtest=DatabasePoolReferenceTest
 * -Dpoolkeeper.regenerate=true -Dsurefire.failIfNoSpecifiedTests=false}, then commit the file.
 */
class DatabasePoolReferenceTest {
    private static final String CRD = "crds/databasepools.poolkeeper.io-v1.yml";
    private static final Path DOC = Repo.DOCS.resolve("databasepool-reference.md");

    private static String generated() {
        CustomResourceDefinition crd = Chart.SERIALIZATION.unmarshal(Repo.read(Repo.ROOT.resolve(CRD)), CustomResourceDefinition.class);
        return DatabasePoolReference.render(crd, CRD);
    }

    @Test
    void whenTheCrdIsRenderedThenTheCommittedReferenceIsTheSame() {
        String generated = generated();
        if (Repo.regenerate()) Repo.write(DOC, generated);
        assertThat(Files.exists(DOC)).as("%s exists; make it with -Dpoolkeeper.regenerate=true", DOC).isTrue();
        assertThat(Repo.read(DOC))
                .as("docs/databasepool-reference.md is stale: rerun DatabasePoolReferenceTest with -Dpoolkeeper.regenerate=true and commit it")
                .isEqualTo(generated);
    }

    @Test
    void whenRenderedThenEveryFieldOfTheSchemaIsInAndEveryLinkHasItsSection() {
        String doc = generated();
        assertThat(doc).contains("| `database` | string | **required**, 1–63 characters | The database name clients connect to. |");
        assertThat(doc).contains("## `spec.replicas[]`", "## `spec.failover`", "## `status.servers[]`", "## `status.lastFailover`");
        assertThat(doc).contains("one of `Follow`, `Promote`").contains("| Ready | `.status.conditions[?(@.type==\"Ready\")].status` | always |");
        for (String link : doc.lines().flatMap(l -> java.util.regex.Pattern.compile("\\(#([^)]+)\\)").matcher(l).results().map(r -> r.group(1))).toList()) {
            assertThat(doc.lines().filter(l -> l.startsWith("## ")).map(l -> l.substring(3).toLowerCase().replaceAll("[^a-z0-9 -]", "")))
                    .as("a section for #%s", link).contains(link);
        }
    }
}
