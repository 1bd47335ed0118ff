package io.synod.core.invariant;

/**
 * Thrown when a protocol invariant does not hold. This is always a bug (in Synod or in a
 * component that breaks its contract, such as storage that loses synced writes), never an
 * expected condition: the replica that throws must stop rather than risk acting on bad state.
 */
public final class InvariantViolation extends RuntimeException {
    public InvariantViolation(String message) {
        super(message);
    }
}
