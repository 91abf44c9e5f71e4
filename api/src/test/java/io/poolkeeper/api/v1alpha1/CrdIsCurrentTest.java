package io.poolkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD under crds/ is what fabric8's generator makes of the api types today. To regenerate it
 * after changing them: {@code mvn -pl api test -Dtest=CrdIsCurrentTest -Dcrds.update=true}.
 */
class CrdIsCurrentTest {

    static final String FILE = "databasepools.poolkeeper.io-v1.yml";
    static final Path COMMITTED = Path.of("..", "crds", FILE);

    @Test
    void whenTheTypesAreGeneratedThenTheCommittedCrdIsTheSame(@TempDir Path out) throws IOException {
        new CRDGenerator().inOutputDir(out.toFile()).forCRDVersions("v1").customResourceClasses(DatabasePool.class)
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String specVersion) {
                        return columnsInDeclaredOrder(crd);
                    }
                }).generate();
        String generated = Files.readString(out.resolve(FILE));
        if (Boolean.getBoolean("crds.update")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, generated);
        }
        assertThat(Files.exists(COMMITTED)).as(COMMITTED + " exists; generate it with -Dcrds.update=true").isTrue();
        assertThat(Files.readString(COMMITTED))
                .as("crds/%s is stale: run mvn -pl api test -Dtest=CrdIsCurrentTest -Dcrds.update=true and commit it", FILE)
                .isEqualTo(generated);
    }

    /** The generator sorts printer columns by JSON path; kubectl shows them in list order, so keep the class's. */
    private static HasMetadata columnsInDeclaredOrder(HasMetadata crd) {
        List<String> declared = Arrays.stream(DatabasePool.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        for (CustomResourceDefinitionVersion version : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
            version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
        }
        return crd;
    }

    @Test
    void whenTheCrdIsReadThenTheSchemaRejectsWhatItCan() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(COMMITTED), CustomResourceDefinition.class);
        CustomResourceDefinitionVersion v1alpha1 = crd.getSpec().getVersions().getFirst();
        JSONSchemaProps spec = v1alpha1.getSchema().getOpenAPIV3Schema().getProperties().get("spec");

        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(v1alpha1.getSubresources().getStatus()).isNotNull();
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("database", "credentialsSecret", "primary");
        assertThat(spec.getProperties().get("topology").getEnum()).extracting(n -> n.asText()).containsExactly("Sidecar", "Standalone");
        assertThat(spec.getProperties().get("clientAuthMethod").getEnum()).extracting(n -> n.asText())
                .containsExactlyInAnyOrder("trust", "md5", "scram-sha-256");
        assertThat(spec.getProperties().get("instances").getMinimum()).isEqualTo(1.0);
        JSONSchemaProps primary = spec.getProperties().get("primary");
        assertThat(primary.getProperties().get("port").getMaximum()).isEqualTo(65535.0);
        assertThat(spec.getProperties().get("timeouts").getProperties().get("acquire").getPattern()).isEqualTo("^(0|[0-9]+(ms|s|m|h))$");
        assertThat(spec.getProperties().get("sizing").getProperties().get("serverMaxConnections").getXKubernetesIntOrString()).isTrue();
        assertThat(spec.getProperties().get("failover").getProperties().get("policy").getEnum()).hasSize(2);
    }

    @Test
    void whenListedThenThePrinterColumnsShowPrimaryPodsSizeReadyAndAge() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(COMMITTED), CustomResourceDefinition.class);
        List<String> columns = crd.getSpec().getVersions().getFirst().getAdditionalPrinterColumns().stream()
                .filter(c -> c.getPriority() == null || c.getPriority() == 0).map(c -> c.getName()).toList();
        assertThat(columns).containsExactly("Primary", "Ready Pods", "Per Pod", "Ready", "Age");
    }
}
