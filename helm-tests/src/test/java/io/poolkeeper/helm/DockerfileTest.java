package io.poolkeeper.helm;

import static io.poolkeeper.helm.Chart.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.poolkeeper.api.render.SidecarLayout;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.cli.Poolkeeper;
import io.poolkeeper.operator.model.PoolPlan;
import io.poolkeeper.operator.model.SidecarPodParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * No Docker engine runs here, so the Dockerfile is checked against what it depends on: the files
 * it copies exist in the repository and after {@code mvn package} (cli/target/poolkeeper.jar and
 * cli/target/lib), its entrypoint runs the poolkeeper command from them, and its user, writable
 * directory, ports and commands are the ones the chart's operator Deployment and the operator's
 * pool pods expect.
 */
class DockerfileTest {
    private static final Dockerfile DOCKERFILE = Dockerfile.parse(Repo.read(Repo.ROOT.resolve("Dockerfile")));

    private static Container poolContainer() {
        return SidecarPodParts.container(pool(), plan());
    }

    private static DatabasePool pool() {
        return Chart.SERIALIZATION.unmarshal("""
                apiVersion: poolkeeper.io/v1alpha1
                kind: DatabasePool
                metadata: {name: orders, namespace: shop}
                spec:
                  database: orders
                  credentialsSecret: orders-db
                  clientAuthSecret: orders-clients
                  tlsSecret: orders-tls
                  primary: {host: pg-0.pg, port: 5432}
                """, DatabasePool.class);
    }

    private static PoolPlan plan() {
        return new PoolPlan("{}", "hash", "ghcr.io/poolkeeper/poolkeeper:test", Map.of("app", "orders"), false);
    }

    private static PodSpec chartPod() {
        return Chart.render("").one(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec();
    }

    /** A repository path for a path in the build stage (under its WORKDIR). */
    private static Path inRepository(String buildPath) {
        String workdir = DOCKERFILE.stage("build").last("WORKDIR").arguments();
        assertThat(buildPath).as("%s is under the build stage's WORKDIR %s", buildPath, workdir).startsWith(workdir + "/");
        return Repo.ROOT.resolve(buildPath.substring(workdir.length() + 1));
    }

    private static List<Dockerfile.Instruction> copiesFromBuild() {
        return DOCKERFILE.runtime().all("COPY").stream().filter(c -> c.flag("from").isPresent()).toList();
    }

    @Test
    void whenBuiltThenMavenOnTemurin25BuildsAndATemurin25JreRuns() {
        assertThat(DOCKERFILE.stages()).hasSize(2);
        assertThat(DOCKERFILE.stage("build").image()).contains("maven").contains("temurin-25");
        assertThat(DOCKERFILE.runtime().image()).contains("temurin").contains("25-jre");
        assertThat(DOCKERFILE.stage("build").last("RUN").arguments())
                .contains("mvn").contains("package").contains("-pl cli -am").contains("-Dmaven.test.skip=true");
        assertThat(copiesFromBuild()).allSatisfy(c -> assertThat(c.flag("from")).hasValue("build"));
    }

    @Test
    void whenTheBuildStageCopiesThenEverySourceExistsAndEveryModuleOfTheReactorIsThere() throws IOException {
        List<String> sources = new ArrayList<>();
        for (Dockerfile.Instruction copy : DOCKERFILE.stage("build").all("COPY")) {
            List<String> words = copy.words();
            sources.addAll(words.subList(0, words.size() - 1));
        }
        assertThat(sources).allSatisfy(s -> assertThat(Repo.ROOT.resolve(s)).as("COPY %s", s).exists());
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Repo.read(Repo.ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (module.find()) modules.add(module.group(1));
        assertThat(modules).contains("cli", "helm-tests");
        for (String m : modules) {
            assertThat(sources).as("the reactor reads every module's pom: COPY %s/pom.xml", m).contains(m + "/pom.xml");
            if (Files.isDirectory(Repo.ROOT.resolve(m).resolve("src/main"))) {
                assertThat(sources).as("COPY %s/src/main, the CLI may be built from it", m).contains(m + "/src/main");
            }
        }
    }

    @Test
    void whenTheRunStageCopiesFromTheBuildThenThoseAreWhatMavenPackageProduces() throws IOException {
        List<String> copied = copiesFromBuild().stream().map(c -> c.words().getFirst()).toList();
        assertThat(copied).containsExactlyInAnyOrder("/src/cli/target/lib/", "/src/cli/target/poolkeeper.jar");
        Path jar = inRepository("/src/cli/target/poolkeeper.jar");
        Path lib = inRepository("/src/cli/target/lib/");
        assertThat(jar).as("cli/target/poolkeeper.jar: run mvn package (./poolkeeper test does) before this test").isRegularFile();
        assertThat(lib).as("cli/target/lib: run mvn package before this test").isDirectory();
        try (Stream<Path> jars = Files.list(lib)) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("poolkeeper-operator-")).anyMatch(n -> n.startsWith("poolkeeper-sidecar-"))
                    .anyMatch(n -> n.startsWith("poolkeeper-api-")).anyMatch(n -> n.startsWith("picocli-"))
                    .allMatch(n -> n.endsWith(".jar"));
        }
    }

    @Test
    void whenTheImageStartsThenItRunsThePoolkeeperCommandFromTheCopiedJars() {
        List<String> entrypoint = DOCKERFILE.runtime().last("ENTRYPOINT").exec();
        assertThat(entrypoint).hasSize(4);
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.get(1)).isEqualTo("-cp");
        assertThat(entrypoint.get(3)).isEqualTo(Poolkeeper.class.getName());
        List<String> destinations = copiesFromBuild().stream().map(c -> c.words().getLast()).toList();
        for (String entry : entrypoint.get(2).split(":")) {
            String copiedAs = entry.endsWith("/*") ? entry.substring(0, entry.length() - 1) : entry;
            assertThat(destinations).as("classpath entry %s is a COPY destination", entry).contains(copiedAs);
        }
        assertThat(new CommandLine(new Poolkeeper()).getSubcommands()).containsKeys("operator", "sidecar");
        List<String> cmd = DOCKERFILE.runtime().last("CMD").exec();
        assertThat(new CommandLine(new Poolkeeper()).parseArgs(cmd.toArray(String[]::new)).isUsageHelpRequested()).isTrue();
    }

    @Test
    void whenItRunsThenItIsTheNumericNonRootUserTheChartAndTheOperatorRunPodsAs() {
        String[] user = DOCKERFILE.runtime().last("USER").arguments().split(":");
        assertThat(user).hasSize(2);
        assertThat(user[0]).as("numeric uid, so runAsNonRoot can check it").matches("[0-9]+");
        long uid = Long.parseLong(user[0]);
        long gid = Long.parseLong(user[1]);
        assertThat(uid).isNotZero().isEqualTo(SidecarPodParts.USER_ID);
        assertThat(gid).isEqualTo(SidecarPodParts.USER_ID);
        assertThat(DOCKERFILE.runtime().all("RUN").getFirst().arguments()).contains("--uid " + uid).contains("--gid " + gid);

        assertThat(poolContainer().getSecurityContext().getRunAsUser()).isEqualTo(uid);
        assertThat(SidecarPodParts.podSecurityContext().getRunAsUser()).isEqualTo(uid);
        assertThat(SidecarPodParts.podSecurityContext().getRunAsGroup()).isEqualTo(gid);
        PodSpec chart = chartPod();
        assertThat(chart.getSecurityContext().getRunAsUser()).isEqualTo(uid);
        assertThat(chart.getSecurityContext().getRunAsGroup()).isEqualTo(gid);
        assertThat(chart.getContainers().getFirst().getSecurityContext().getRunAsUser()).isEqualTo(uid);
    }

    @Test
    void whenTheRootFilesystemIsReadOnlyThenTheJvmWritesOnlyWhereBothPodsMountAnEmptyDir() {
        String env = DOCKERFILE.runtime().all("ENV").stream().map(Dockerfile.Instruction::arguments)
                .filter(a -> a.startsWith("JAVA_TOOL_OPTIONS=")).findFirst().orElseThrow();
        Matcher tmpdir = Pattern.compile("-Djava\\.io\\.tmpdir=(\\S+?)[\"\\s]").matcher(env);
        assertThat(tmpdir.find()).as("JAVA_TOOL_OPTIONS sets java.io.tmpdir: %s", env).isTrue();
        String tmp = tmpdir.group(1);

        Container pool = poolContainer();
        assertThat(pool.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertEmptyDirAt(tmp, pool.getVolumeMounts(), SidecarPodParts.volumes(pool()));
        PodSpec chart = chartPod();
        assertThat(chart.getContainers().getFirst().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertEmptyDirAt(tmp, chart.getContainers().getFirst().getVolumeMounts(), chart.getVolumes());
    }

    private static void assertEmptyDirAt(String path, List<VolumeMount> mounts, List<Volume> volumes) {
        VolumeMount mount = mounts.stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted at " + path + " among " + mounts));
        assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        Volume volume = volumes.stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getEmptyDir()).as("volume %s is an emptyDir", volume.getName()).isNotNull();
    }

    @Test
    void whenTheOperatorRendersAPoolPodThenItRunsTheImagesEntrypointAsPoolkeeperSidecar() {
        Container pool = poolContainer();
        assertThat(pool.getCommand()).as("no command: the image's ENTRYPOINT runs").isNullOrEmpty();
        assertThat(pool.getArgs()).containsExactly("sidecar", "--config", SidecarLayout.CONFIG_FILE);
        CommandLine.ParseResult parsed = new CommandLine(new Poolkeeper()).parseArgs(pool.getArgs().toArray(String[]::new));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("sidecar");
        assertThat(parsed.subcommand().hasMatchedOption("--config")).isTrue();
        assertThat(pool.getVolumeMounts()).anySatisfy(m -> assertThat(SidecarLayout.CONFIG_FILE).startsWith(m.getMountPath() + "/"));
        assertThat(exposed()).containsAll(pool.getPorts().stream().map(ContainerPort::getContainerPort).toList());
    }

    @Test
    void whenTheChartRunsTheOperatorThenItRunsTheImagesEntrypointAsPoolkeeperOperator() {
        Container operator = chartPod().getContainers().getFirst();
        assertThat(operator.getCommand()).isNullOrEmpty();
        assertThat(operator.getArgs()).containsExactly("operator");
        assertThat(new CommandLine(new Poolkeeper()).parseArgs("operator").subcommand().commandSpec().name()).isEqualTo("operator");
        assertThat(exposed()).containsAll(operator.getPorts().stream().map(ContainerPort::getContainerPort).toList());
    }

    private static List<Integer> exposed() {
        return DOCKERFILE.runtime().all("EXPOSE").stream().flatMap(e -> e.words().stream()).map(Integer::valueOf).toList();
    }
}
