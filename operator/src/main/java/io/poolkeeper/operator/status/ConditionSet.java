package io.poolkeeper.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A resource's conditions being updated: {@code lastTransitionTime} moves only when a condition's
 * status flips, so the time says since when, not when last looked at; kept sorted by type so the
 * same conditions always serialize the same way and an unchanged status is never rewritten.
 */
public final class ConditionSet {
    private final Map<String, Condition> byType = new TreeMap<>();
    private final long generation;
    private final String now;

    public ConditionSet(List<Condition> existing, long generation, Instant now) {
        existing.forEach(c -> byType.put(c.getType(), c));
        this.generation = generation;
        this.now = now.toString();
    }

    public void set(String type, boolean status, String reason, String message) {
        String value = status ? "True" : "False";
        Condition old = byType.get(type);
        String since = old != null && value.equals(old.getStatus()) ? old.getLastTransitionTime() : now;
        byType.put(type, new ConditionBuilder()
                .withType(type)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build());
    }

    public List<Condition> toList() {
        return List.copyOf(byType.values());
    }
}
