package io.poolkeeper.operator.reconcile;

/**
 * Why the pool's objects cannot be brought up to date now: becomes {@code Ready=False} with this
 * reason and message, and the objects stay as they were.
 */
public record Blocker(String reason, String message) {}
