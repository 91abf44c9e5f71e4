package io.poolkeeper.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SidecarConfigYamlTest {

    @Test
    void whenAFieldIsLeftOutThenItsDefaultIsUsed() {
        SidecarConfig config = SidecarConfigYaml.parse("database: app\n");

        assertThat(config.listen()).isEqualTo("127.0.0.1:6432");
        assertThat(config.admin()).isEqualTo("127.0.0.1:9187");
        assertThat(config.serverDatabase()).isEqualTo("app");
        assertThat(config.server().user()).isEqualTo("postgres");
        assertThat(config.auth().method()).isEqualTo(AuthMethod.SCRAM_SHA_256);
        assertThat(config.tls().enabled()).isFalse();
        assertThat(config.pool()).isEqualTo(new SidecarConfig.Pool(
                20, 5, Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(2), Duration.ofSeconds(5), 7500));
        assertThat(config.timeouts()).isEqualTo(new SidecarConfig.Timeouts(Duration.ZERO, Duration.ofSeconds(15)));
        assertThat(config.limits()).isEqualTo(new SidecarConfig.Limits(10_000, 64 << 20));
    }

    @Test
    void whenATopLevelFieldIsUnknownThenItIsNamedWithTheFieldsThatExist() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\ndatabse: app\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("databse: unknown field; the fields here are admin, auth, database, limits, listen, "
                        + "pool, primary, server, serverDatabase, timeouts, tls");
    }

    @Test
    void whenANestedFieldIsUnknownThenItsFullPathIsNamed() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool:\n  maxSzie: 4\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pool.maxSzie: unknown field; the fields here are acquireTimeout, connectTimeout,");
    }

    @Test
    void whenADurationIsMisspeltThenItsPathAndTheRightSpellingAreGiven() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\ntimeouts: {query: 30 seconds}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeouts.query: '30 seconds' is not a duration: write a whole number with ms, s, m or h, e.g. 2s or 500ms");
    }

    @Test
    void whenADurationIsNotAScalarThenTheFormIsShown() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("pool:\n  acquireTimeout: [2s]\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool.acquireTimeout (line 2): expected a duration such as 500ms, 2s, 30m or 1h");
    }

    @Test
    void whenANumberIsTextThenThePathAndLineAreGiven() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool:\n  maxSize: many\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool.maxSize (line 3): expected a whole number");
    }

    @Test
    void whenTheAuthMethodIsUnknownThenTheChoicesAreListed() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("auth: {method: password}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth.method (line 1): 'password' is not an auth method: use trust, md5 or scram-sha-256");
    }

    @Test
    void whenThePrimaryIsWrittenAsTextThenTheMappingFormIsShown() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("primary: pg-0:5432\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primary (line 1): expected a mapping such as {host: pg-0.pg, port: 5432}");
    }

    @Test
    void whenTheFileIsEmptyOrNotAMappingThenThatIsSaid() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("# nothing here\n")).hasMessage("the config is empty");
        assertThatThrownBy(() -> SidecarConfigYaml.parse("- database: app\n"))
                .hasMessage("the config must be a mapping of fields (name: value), e.g. database: app");
    }

    @Test
    void whenTheYamlIsMalformedThenTheLineIsGiven() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool: {maxSize: 4\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 3: expected ',' or '}', but got <stream end> (while parsing a flow mapping at line 2)");
    }

    @Test
    void whenAFieldIsGivenTwiceThenTheSecondIsNotSilentlyTaken() {
        assertThatThrownBy(() -> SidecarConfigYaml.parse("database: app\npool: {maxSize: 4}\ndatabase: shop\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 3: Duplicate field 'database'");
    }

    @Test
    void whenWrittenThenDurationsAreInTheHandWrittenFormAndParseBack() {
        SidecarConfig config = SidecarConfigYaml.parse("database: app\npool: {acquireTimeout: 1500ms, maxLifetime: 1h}\n");

        String yaml = SidecarConfigYaml.write(config);

        assertThat(yaml).contains("acquireTimeout: \"1500ms\"").contains("maxLifetime: \"1h\"");
        assertThat(SidecarConfigYaml.parse(yaml)).isEqualTo(config);
    }
}
