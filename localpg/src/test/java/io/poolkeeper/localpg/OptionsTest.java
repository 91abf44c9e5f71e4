package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolkeeper.localpg.LocalPostgres.Options;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsAreOneReplicaHundredConnectionsAndApp() {
        assertThat(Options.defaults()).isEqualTo(new Options(1, 100, "app"));
    }

    @Test
    void withersChangeOnlyTheirValue() {
        Options options = Options.defaults().withReplicas(2).withMaxConnections(50).withDatabase("orders");
        assertThat(options).isEqualTo(new Options(2, 50, "orders"));
    }

    @Test
    void rejectsNegativeReplicas() {
        assertThatThrownBy(() -> Options.defaults().withReplicas(-1)).hasMessageContaining("replicas must be 0 or more");
    }

    @Test
    void rejectsTooFewConnectionsForPostgres() {
        assertThatThrownBy(() -> Options.defaults().withMaxConnections(3)).hasMessageContaining("at least 4");
    }

    @Test
    void rejectsDatabaseNamesThatWouldNeedQuoting() {
        assertThatThrownBy(() -> Options.defaults().withDatabase("My DB\"; drop"))
                .hasMessageContaining("plain lower-case SQL name");
    }
}
