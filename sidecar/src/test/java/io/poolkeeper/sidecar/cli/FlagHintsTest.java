package io.poolkeeper.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.SidecarConfig;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
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
    void whenAProblemNamesAListElementThenTheIndexIsKeptAndTheListsFlagAdded() {
        assertThat(FlagHints.annotate("replicas[2].weight: must be 0-1000, got -1"))
                .isEqualTo("replicas[2].weight (--replica): must be 0-1000, got -1");
        assertThat(FlagHints.annotate("replicas[10].host: required")).isEqualTo("replicas[10].host (--replica): required");
        assertThat(FlagHints.annotate("replicas[1]: pg-1:5432 is listed twice (servers must be distinct)"))
                .isEqualTo("replicas[1] (--replica): pg-1:5432 is listed twice (servers must be distinct)");
    }

    @Test
    void whenARoutingProbeOrBreakerFieldHasAProblemThenItsFlagIsAdded() {
        assertThat(FlagHints.annotate("listenReadOnly: 'x' is not HOST:PORT")).isEqualTo("listenReadOnly (--listen-ro): 'x' is not HOST:PORT");
        assertThat(FlagHints.annotate("probe.interval: must be at least 100ms, got 10ms"))
                .isEqualTo("probe.interval (--probe-interval): must be at least 100ms, got 10ms");
        assertThat(FlagHints.annotate("probe.timeout: must be at least 100ms, got 0"))
                .isEqualTo("probe.timeout (--probe-timeout): must be at least 100ms, got 0");
        assertThat(FlagHints.annotate("circuitBreaker.failureThreshold: must be at least 1, got 0"))
                .isEqualTo("circuitBreaker.failureThreshold (--breaker-failures): must be at least 1, got 0");
        assertThat(FlagHints.annotate("circuitBreaker.resetTimeout: must be at least 100ms, got 0"))
                .isEqualTo("circuitBreaker.resetTimeout (--breaker-reset): must be at least 100ms, got 0");
    }

    @Test
    void whenAFieldHasNoFlagThenTheProblemIsUnchanged() {
        assertThat(FlagHints.annotate("timeouts.login: must be more than 0")).isEqualTo("timeouts.login: must be more than 0");
        assertThat(FlagHints.annotate("no field here")).isEqualTo("no field here");
    }

    /**
     * Fields with no flag of their own: the mappings (their fields have flags) and what
     * docs/sidecar-config.md marks "file only". Every other field must name its flag in a problem.
     */
    private static final Set<String> NO_FLAG = Set.of(
            "server", "auth", "pool", "timeouts", "limits", "routing", "probe", "circuitBreaker", "monitoring",
            "pool.connectTimeout", "timeouts.login", "limits.maxClientConnections", "limits.maxMessageBytes",
            "server.tls", "server.tls.mode", "server.tls.rootCertFile", "server.tls.certFile", "server.tls.keyFile");

    @Test
    void whenAFieldIsNotFileOnlyThenAFlagIsNamedForIt() {
        List<String> fields = new ArrayList<>();
        collect(SidecarConfig.class, "", fields);

        assertThat(fields).contains("replicas.weight", "routing.readStrategy", "shutdownGrace");
        for (String field : fields) {
            if (!NO_FLAG.contains(field)) assertThat(FlagHints.FLAG_BY_FIELD).as(field).containsKey(field);
        }
    }

    private static void collect(Class<?> record, String prefix, List<String> out) {
        for (RecordComponent component : record.getRecordComponents()) {
            String path = prefix + component.getName();
            out.add(path);
            Class<?> type = component.getType();
            if (type == List.class && component.getGenericType() instanceof ParameterizedType list) {
                type = (Class<?>) list.getActualTypeArguments()[0];
            }
            if (type.isRecord()) collect(type, path + ".", out);
        }
    }

    @Test
    void whenAFlagExistsThenSomeFieldPointsToIt() {
        Collection<String> hinted = FlagHints.FLAG_BY_FIELD.values();
        for (OptionSpec option : new CommandLine(new SidecarFlags()).getCommandSpec().options()) {
            assertThat(hinted).as(option.longestName()).anyMatch(flags -> flags.contains(option.longestName()));
        }
    }
}
