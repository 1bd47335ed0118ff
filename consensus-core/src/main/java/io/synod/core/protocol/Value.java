package io.synod.core.protocol;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a slot holds: a batch of commands, a no-op that fills a hole left by an earlier leader, or a
 * change of the group's membership.
 */
public sealed interface Value permits Value.Noop, Value.Batch, Value.Reconfigure {

    Noop NOOP = new Noop();

    /** Payload bytes carried, used for batching limits and accounting. */
    long sizeBytes();

    /** A slot with no commands; chosen so that later slots can be applied. */
    record Noop() implements Value {
        @Override
        public long sizeBytes() {
            return 0;
        }

        @Override
        public String toString() {
            return "noop";
        }
    }

    /** One or more commands chosen together in a single slot, applied in list order. */
    record Batch(List<Command> commands) implements Value {
        public Batch {
            commands = List.copyOf(commands);
            if (commands.isEmpty()) {
                throw new IllegalArgumentException("a batch needs at least one command; use Value.NOOP for none");
            }
        }

        @Override
        public long sizeBytes() {
            long bytes = 0;
            for (Command command : commands) {
                bytes += command.sizeBytes();
            }
            return bytes;
        }

        @Override
        public String toString() {
            return "batch" + commands.stream().map(c -> Long.toString(c.id())).toList();
        }
    }

    /**
     * A request to change the membership to {@code voters} and {@code learners} (majority quorums),
     * valid only if the membership at its slot is still epoch {@code expectedEpoch} and no earlier
     * change is still waiting to take effect; see {@link MembershipHistory} for when it applies.
     * Carries no commands: the application's state machine never sees it.
     *
     * @param requestId an id the proposing node uses to match the outcome to its caller
     */
    record Reconfigure(long requestId, long expectedEpoch, Set<Integer> voters, Set<Integer> learners,
                       Map<Integer, String> addresses) implements Value {
        public Reconfigure {
            voters = java.util.Collections.unmodifiableSet(new TreeSet<>(voters));
            learners = java.util.Collections.unmodifiableSet(new TreeSet<>(learners));
            addresses = java.util.Collections.unmodifiableMap(new TreeMap<>(addresses));
        }

        @Override
        public long sizeBytes() {
            return 0;
        }

        @Override
        public String toString() {
            return "reconfigure{from epoch " + expectedEpoch + " to voters " + voters
                    + (learners.isEmpty() ? "" : " learners " + learners) + "}";
        }
    }
}
