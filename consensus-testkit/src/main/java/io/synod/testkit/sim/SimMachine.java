package io.synod.testkit.sim;

/**
 * The replicated state machine a simulation runs, seen the way the checkers need it: results as
 * text (equal results, equal text), independent copies for snapshots, and a comparison of states.
 * Each replica has its own instance; the checkers keep reference instances of their own.
 */
interface SimMachine {

    /** Applies the next command of the agreed sequence and returns its result. */
    String apply(byte[] command);

    /** Answers a read outside the log against the current state, without changing it. */
    String query(byte[] query);

    /** An independent copy of the current state: what a snapshot of it holds once restored. */
    SimMachine copy();

    /**
     * Whether {@code other} holds the same state, for the check that every snapshot equals the
     * agreed sequence's state at its slot; machines that cannot tell answer true and are checked
     * through their results only.
     */
    boolean sameStateAs(SimMachine other);
}
