package io.synod.testkit.sim;

import java.util.Random;

/**
 * What the simulated clients do with your state machine: the commands they propose and,
 * optionally, the read-only queries they send outside the log (answered by
 * {@link io.synod.core.api.StateMachine#query}). Use only the {@code random} passed in (never your
 * own randomness or the clock), so that a seed replays the run exactly.
 */
public interface Workload {

    /**
     * The next command client {@code client} proposes. Keep the key space small: operations that
     * touch the same state are where ordering bugs show.
     *
     * @param random the only source of randomness to use
     * @param client the client, numbered from 1
     * @return the command's bytes, as your clients would pass them to {@code propose}
     */
    byte[] command(Random random, int client);

    /**
     * The next read-only query client {@code client} sends outside the log (as a linearizable or a
     * lease read), or null to propose a command instead. The default sends none.
     */
    default byte[] query(Random random, int client) {
        return null;
    }
}
