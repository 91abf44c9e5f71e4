package io.poolkeeper.operator.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.FailoverPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailoverDeciderTest {
    static final Endpoint P = new Endpoint("pg-0", 5432);
    static final Endpoint R1 = new Endpoint("pg-1", 5432);
    static final Endpoint R2 = new Endpoint("pg-2", 5432);
    static final List<Endpoint> SERVERS = List.of(P, R1, R2);
    final Map<Endpoint, ServerHealth> health = new HashMap<>();

    void primary(Endpoint e) {
        health.put(e, new ServerHealth(new ProbeResult(e, true, false, 1000, 1000, 97, null), 0, Instant.EPOCH));
    }

    void replica(Endpoint e, long wal) {
        health.put(e, new ServerHealth(new ProbeResult(e, true, true, wal, wal, 97, null), 0, Instant.EPOCH));
    }

    void down(Endpoint e, int failed) {
        health.put(e, new ServerHealth(ProbeResult.unreachable(e, "refused"), failed, Instant.EPOCH));
    }

    PrimaryDecision decide(Set<Endpoint> fenced, FailoverPolicy policy) {
        return FailoverDecider.decide(SERVERS, fenced, health, P, policy, 3);
    }

    @Test
    void whenThePrimaryAnswersThenStable() {
        primary(P);
        replica(R1, 900);
        assertThat(decide(Set.of(), FailoverPolicy.Promote)).isEqualTo(new PrimaryDecision.Stable(P));
    }

    @Test
    void whenAnotherServerBecamePrimaryThenFollowIt() {
        down(P, 1);
        primary(R2);
        replica(R1, 900);
        assertThat(decide(Set.of(), FailoverPolicy.Follow)).isEqualTo(new PrimaryDecision.Changed(P, R2));
    }

    @Test
    void whenTheOldPrimaryComesBackBesideTheNewOneThenTheCurrentOneStays() {
        primary(P);
        primary(R1);
        assertThat(FailoverDecider.decide(SERVERS, Set.of(), health, R1, FailoverPolicy.Follow, 3))
                .isEqualTo(new PrimaryDecision.Stable(R1));
    }

    @Test
    void whenAFencedServerClaimsToBePrimaryThenItIsIgnored() {
        primary(P);
        replica(R1, 10);
        assertThat(decide(Set.of(P), FailoverPolicy.Follow)).isInstanceOf(PrimaryDecision.Lost.class);
    }

    @Test
    void whenThePrimaryIsDownLongEnoughUnderPromoteThenTheMostAdvancedReplicaIsChosen() {
        down(P, 3);
        replica(R1, 900);
        replica(R2, 950);
        assertThat(decide(Set.of(), FailoverPolicy.Promote)).isEqualTo(new PrimaryDecision.Promote(P, R2));
    }

    @Test
    void whenReplicasAreEquallyAdvancedThenTheFirstInTheSpecIsChosen() {
        down(P, 5);
        replica(R1, 900);
        replica(R2, 900);
        assertThat(decide(Set.of(), FailoverPolicy.Promote)).isEqualTo(new PrimaryDecision.Promote(P, R1));
    }

    @Test
    void whenThePrimaryHasFailedFewerProbesThanUnhealthyAfterThenNoPromotionYet() {
        down(P, 2);
        replica(R1, 900);
        PrimaryDecision d = decide(Set.of(), FailoverPolicy.Promote);
        assertThat(d).isInstanceOf(PrimaryDecision.Lost.class);
        assertThat(((PrimaryDecision.Lost) d).down()).isFalse();
        assertThat(((PrimaryDecision.Lost) d).why()).contains("failed 2 probes in a row", "refused");
    }

    @Test
    void whenThePolicyIsFollowThenAnUnreachablePrimaryIsNeverReplacedByTheOperator() {
        down(P, 10);
        replica(R1, 900);
        assertThat(decide(Set.of(), FailoverPolicy.Follow)).isEqualTo(new PrimaryDecision.Lost(P, true,
                "pg-0:5432 failed 10 probes in a row (refused), and no other server is primary"));
    }

    @Test
    void whenNoReplicaIsHealthyThenNothingToPromote() {
        down(P, 5);
        down(R1, 5);
        down(R2, 1);
        assertThat(decide(Set.of(), FailoverPolicy.Promote)).isInstanceOf(PrimaryDecision.Lost.class);
    }
}
