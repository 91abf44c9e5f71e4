package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin port of a sidecar in front of a real server reports what the pool really did. */
@ExtendWith(LocalPostgresExtension.class)
class AdminEndpointsIT {

    @Test
    void whenClientsRunQueriesThenMetricsStatusAndProbesShowIt(LocalPostgres pg) throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "pool: {maxSize: 3, minIdle: 1}\n");
             Connection c = proxy.connect()) {
            RunningSidecar.awaitPrimaryProbed(proxy);
            for (int i = 0; i < 5; i++) TransactionPoolingIsolationIT.one(c, "select " + i);
            assertThat(proxy.admin("/healthz").statusCode()).isEqualTo(200);
            assertThat(proxy.admin("/readyz").statusCode()).isEqualTo(200);
            String metrics = proxy.admin("/metrics").body();
            assertThat(metrics).contains("hikaricp_connections{");
            assertThat(metrics).containsPattern("poolkeeper_clients\\{[^}]*state=\"idle\"[^}]*} 1");
            assertThat(metrics).containsPattern("poolkeeper_transactions_total\\{[^}]*role=\"primary\"[^}]*} [5-9]");
            assertThat(metrics).containsPattern("poolkeeper_queries_total\\{[^}]*} [5-9]");
            String status = proxy.admin("/status").body().replaceAll("\\s+", "");
            assertThat(status).contains("\"listen\":\"127.0.0.1:" + proxy.port() + "\"")
                    .contains("\"role\":\"primary\"").contains("\"healthy\":true").contains("\"breaker\":\"CLOSED\"")
                    .contains("\"maxSize\":3").contains("\"idle\":1");
        }
    }

    @Test
    void whenTheServerCannotBeReachedThenReadyzSaysWhy(LocalPostgres pg) throws Exception {
        try (LocalPostgres lonely = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(0))) {
            var server = lonely.primary();
            try (RunningSidecar proxy = RunningSidecar.start(server, "pool: {maxSize: 2, minIdle: 0, acquireTimeout: 300ms, connectTimeout: 1s}\n")) {
                server.stop();
                var ready = proxy.admin("/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("primary pool").contains(String.valueOf(server.port()));
            }
        }
    }
}
