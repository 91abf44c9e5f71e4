package io.poolkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps bench/run working: its smoke mode, run as a developer runs it, against real PostgreSQL,
 * PgBouncer, pgpool-II and the sidecar this build just packaged. Checks that it produced its
 * tables and chart, never how fast anything was.
 */
class BenchSmokeIT {
    private static final List<String> TARGETS = List.of("direct", "pgbouncer", "pgpool", "poolkeeper");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** Not a timed assertion: only so that a hung run fails the build instead of stalling it. */
    private static final long GIVE_UP_MINUTES = 15;

    @TempDir
    Path out;

    @Test
    void whenSmokeRunsThenEveryTargetHasResultsPgBouncerPreparedIsMarkedFailedAndFailoversAreTimed() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        Path script = repo.resolve("bench/run");
        assertThat(script).as("bench/run in the repository").isRegularFile();
        Path log = out.resolve("bench.log");
        Path results = out.resolve("results");

        // --no-build: this test runs inside Maven's build, which has just packaged cli/target.
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "--smoke", "--no-build", "--out", results.toString())
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process bench = builder.start();
        if (!bench.waitFor(GIVE_UP_MINUTES, TimeUnit.MINUTES)) {
            bench.destroy(); // SIGTERM: bench/run's trap stops what it started
            if (!bench.waitFor(1, TimeUnit.MINUTES)) bench.destroyForcibly();
            fail("bench/run --smoke did not finish within %d minutes:%n%s", GIVE_UP_MINUTES, read(log));
        }
        String printed = read(log);
        assertThat(bench.exitValue()).as(printed).isZero();

        String md = read(results.resolve("results.md"));
        Map<String, String> simple = tpsByTarget(md, "select-only (-S) · -M simple · 20 clients");
        assertThat(simple.keySet()).as(md).containsExactlyElementsOf(TARGETS);
        simple.forEach((target, tps) -> assertThat(number(tps)).as("%s tps in:%n%s", target, md).isPositive());

        Map<String, String> prepared = tpsByTarget(md, "select-only (-S) · -M prepared · 20 clients");
        assertThat(prepared.get("pgbouncer")).as("PgBouncer 1.18 cannot run -M prepared in transaction mode:%n%s", md)
                .isEqualTo("failed");
        assertThat(md).contains("- pgbouncer failed: ").containsPattern("prepared statement \"\\w+\" (already exists|does not exist)");
        assertThat(number(prepared.get("poolkeeper"))).as(md).isPositive();

        Map<String, String> follow = failoverFollowByTarget(md);
        assertThat(follow.keySet()).as(md).containsExactlyElementsOf(TARGETS);
        for (String target : List.of("direct", "pgbouncer", "poolkeeper")) {
            assertThat(follow.get(target)).as("%s wrote again after the failover, in:%n%s", target, md).matches("-?[0-9][0-9,]*");
        }
        assertThat(follow.get("pgpool")).isEqualTo("n/a");

        byte[] png = Files.readAllBytes(results.resolve("results.png"));
        assertThat(png.length).isGreaterThan(PNG_SIGNATURE.length);
        assertThat(Arrays.copyOf(png, PNG_SIGNATURE.length)).as("results.png is a PNG").isEqualTo(PNG_SIGNATURE);

        Matcher work = Pattern.compile("working in (\\S+)").matcher(printed);
        assertThat(work.find()).as(printed).isTrue();
        assertThat(Path.of(work.group(1))).as("bench/run removes its working directory").doesNotExist();
    }

    /** The tps column of one scenario's table in results.md, by target, as written ("12,345" or "failed"). */
    private static Map<String, String> tpsByTarget(String md, String scenarioTitle) {
        int start = md.indexOf("### " + scenarioTitle + "\n");
        assertThat(start).as("a section '%s' in:%n%s", scenarioTitle, md).isNotNegative();
        int end = md.indexOf("\n### ", start + 1);
        return firstColumnByTarget(md.substring(start, end < 0 ? md.length() : end));
    }

    /** The column after the target's in each row of a table that names a target. */
    private static Map<String, String> firstColumnByTarget(String section) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : section.lines().toList()) {
            String[] cells = line.split("\\|");
            if (cells.length > 2 && TARGETS.contains(cells[1].trim())) {
                values.put(cells[1].trim(), cells[2].trim());
            }
        }
        return values;
    }

    /** The follow column of results.md's failover table, by target, as written ("1,234", "failed" or "n/a"). */
    private static Map<String, String> failoverFollowByTarget(String md) {
        int start = md.indexOf("## Time to follow a failover\n");
        assertThat(start).as("a failover section in:%n%s", md).isNotNegative();
        return firstColumnByTarget(md.substring(start, md.indexOf("\n## ", start + 1)));
    }

    private static double number(String cell) {
        assertThat(cell).as("a number").matches("[0-9][0-9,]*(\\.[0-9]+)?");
        return Double.parseDouble(cell.replace(",", ""));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
