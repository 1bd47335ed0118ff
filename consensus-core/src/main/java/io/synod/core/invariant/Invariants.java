package io.synod.core.invariant;

/**
 * Always-on invariant checks. Java's {@code assert} is off by default, so safety conditions are
 * checked with these instead; they cost a branch when they hold. Messages name the group, slot
 * and ballots involved so a failure in a simulation or in production can be traced.
 */
public final class Invariants {
    private Invariants() {
    }

    /** Throws {@link InvariantViolation} with the formatted message when {@code condition} is false. */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, args));
        }
    }
}
