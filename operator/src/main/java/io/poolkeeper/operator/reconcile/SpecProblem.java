package io.poolkeeper.operator.reconcile;

/** One thing wrong with a spec: the field's path, as the user wrote it, and what to do about it. */
public record SpecProblem(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
