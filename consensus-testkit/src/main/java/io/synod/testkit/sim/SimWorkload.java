package io.synod.testkit.sim;

import java.util.function.BooleanSupplier;

/** What the simulated clients ask of the state machine. */
interface SimWorkload {

    /** One client operation: a read outside the log ({@code query}) or a command for the log. */
    record Operation(byte[] query, byte[] command) {
        static Operation read(byte[] query) {
            return new Operation(query, null);
        }

        static Operation write(byte[] command) {
            return new Operation(null, command);
        }

        boolean isRead() {
            return query != null;
        }
    }

    /**
     * Client {@code client}'s next operation, its {@code sequence}-th. {@code readOutsideLog} says
     * whether the simulation wants a read outside the log this time (a workload without queries
     * answers with a command anyway); ask it at most once, at a fixed point, so runs replay.
     */
    Operation next(SimRandom random, int client, long sequence, BooleanSupplier readOutsideLog);
}
