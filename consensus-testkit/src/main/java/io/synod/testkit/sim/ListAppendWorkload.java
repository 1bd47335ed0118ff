package io.synod.testkit.sim;

import java.util.function.BooleanSupplier;

/** Appends to and reads of three keys of the {@link ListAppendMachine}; a quarter of the commands read through the log. */
final class ListAppendWorkload implements SimWorkload {
    private static final String[] KEYS = {"x", "y", "z"};

    @Override
    public Operation next(SimRandom random, int client, long sequence, BooleanSupplier readOutsideLog) {
        String key = KEYS[random.nextInt(KEYS.length)];
        if (readOutsideLog.getAsBoolean()) {
            return Operation.read(ListAppendMachine.read(key));
        }
        return Operation.write(random.chance(0.25)
                ? ListAppendMachine.read(key)
                : ListAppendMachine.append(key, client + "." + sequence));
    }
}
