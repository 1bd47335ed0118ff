package io.synod.core.protocol;

import java.util.List;

/** What a slot holds: a batch of commands, or a no-op that fills a hole left by an earlier leader. */
public sealed interface Value permits Value.Noop, Value.Batch {

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
}
