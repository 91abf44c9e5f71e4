package io.poolkeeper.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionSetTest {
    static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2026-01-01T00:05:00Z");

    @Test
    void whenTheStatusStaysThenTheTransitionTimeStaysWhileReasonAndMessageUpdate() {
        ConditionSet first = new ConditionSet(List.of(), 1, T1);
        first.set("Ready", false, "PodsNotReady", "0 of 2");
        ConditionSet second = new ConditionSet(first.toList(), 2, T2);
        second.set("Ready", false, "PrimaryUnreachable", "pg-0 down");

        Condition ready = second.toList().getFirst();
        assertThat(ready.getLastTransitionTime()).isEqualTo(T1.toString());
        assertThat(ready.getReason()).isEqualTo("PrimaryUnreachable");
        assertThat(ready.getObservedGeneration()).isEqualTo(2);
    }

    @Test
    void whenTheStatusFlipsThenTheTransitionTimeMoves() {
        ConditionSet first = new ConditionSet(List.of(), 1, T1);
        first.set("Ready", false, "PodsNotReady", "0 of 2");
        ConditionSet second = new ConditionSet(first.toList(), 1, T2);
        second.set("Ready", true, "Reconciled", "2 pods");
        assertThat(second.toList().getFirst().getLastTransitionTime()).isEqualTo(T2.toString());
    }

    @Test
    void whenSetInAnyOrderThenSortedByTypeAndEqualSetsAreEqual() {
        ConditionSet a = new ConditionSet(List.of(), 1, T1);
        a.set("Ready", true, "Reconciled", "ok");
        a.set("Degraded", false, "AsRequested", "ok");
        ConditionSet b = new ConditionSet(List.of(), 1, T1);
        b.set("Degraded", false, "AsRequested", "ok");
        b.set("Ready", true, "Reconciled", "ok");
        assertThat(a.toList()).extracting(Condition::getType).containsExactly("Degraded", "Ready");
        assertThat(a.toList()).isEqualTo(b.toList());
    }
}
