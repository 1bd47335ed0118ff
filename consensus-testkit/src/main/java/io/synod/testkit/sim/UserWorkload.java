package io.synod.testkit.sim;

import java.util.Random;
import java.util.function.BooleanSupplier;

/** An embedder's {@link Workload} as the simulated clients use it. */
final class UserWorkload implements SimWorkload {
    private final Workload workload;

    UserWorkload(Workload workload) {
        this.workload = workload;
    }

    @Override
    public Operation next(SimRandom random, int client, long sequence, BooleanSupplier readOutsideLog) {
        // A java.util.Random for the embedder's code, seeded from the run's stream: the run still replays.
        Random theirs = new Random(random.nextLong());
        if (readOutsideLog.getAsBoolean()) {
            byte[] query = workload.query(theirs, client);
            if (query != null) {
                return Operation.read(query.clone());
            }
        }
        byte[] command = workload.command(theirs, client);
        if (command == null) {
            throw new IllegalStateException(workload.getClass().getName() + ".command returned null for client "
                    + client + "; return the bytes of a command");
        }
        return Operation.write(command.clone());
    }
}
