package io.synod.core.api;

/**
 * The application's replicated state. Every replica applies the same commands in the same order,
 * so as long as {@link #apply} is deterministic, every replica's state is the same.
 *
 * <p><b>Threading.</b> Synod calls {@code apply} from one thread at a time per group (never
 * concurrently for one group), in log order. A slow {@code apply} delays results and, past the
 * apply backlog limit, new proposals — never consensus itself.
 */
public interface StateMachine {

    /**
     * Applies one command and returns its result, which completes the proposer's future.
     *
     * @param index   position of this command in the group's sequence of commands: 1, 2, 3, …,
     *                the same on every replica
     * @param command the bytes passed to {@link ReplicatedGroup#propose}
     * @return the result for the proposer (may be empty, never null)
     * @throws RuntimeException to report the command as failed to its proposer; the state machine
     *                          must then leave its state unchanged, and must fail the same way on
     *                          every replica (determinism)
     */
    byte[] apply(long index, byte[] command);
}
