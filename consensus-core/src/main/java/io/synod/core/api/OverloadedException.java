package io.synod.core.api;

/**
 * The command was refused before it was proposed because a limit was reached; it certainly had no
 * effect. {@link #limit()} names the option that bounds it, so callers can back off and operators
 * can tune it.
 */
public final class OverloadedException extends SynodException {
    private final String limit;

    public OverloadedException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** The option whose limit was reached, e.g. {@code maxPendingProposals}. */
    public String limit() {
        return limit;
    }
}
