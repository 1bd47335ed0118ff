package io.synod.core.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The application's replicated state. Every replica applies the same commands in the same order,
 * so as long as {@link #apply} is deterministic, every replica's state is the same.
 *
 * <p><b>Threading.</b> Synod calls {@code apply}, {@code snapshot}, {@code restore} and
 * {@code query} from one thread at a time per group (never concurrently for one group), in log
 * order. A slow {@code apply} delays results and, past the apply backlog limit, new proposals —
 * never consensus itself.
 *
 * <p><b>Snapshots</b> are optional but recommended: without them the log is never compacted and a
 * replica that falls far behind catches up entry by entry. With them, Synod snapshots the state
 * every {@code snapshotEveryEntries} entries or {@code snapshotEveryBytes} bytes, truncates the log,
 * and sends the snapshot to replicas that are too far behind.
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

    /**
     * Captures the current state for a snapshot, or returns null if this state machine takes no
     * snapshots (the default). Called between two applies; it must return quickly — copy the state,
     * or freeze a persistent or copy-on-write structure — because applying waits for it. The
     * returned {@link Snapshot} is written later, on another thread, while applying goes on.
     */
    default Snapshot snapshot() {
        return null;
    }

    /**
     * Replaces the whole state with a snapshot's: on start, when the group has a snapshot, and when a
     * replica that fell too far behind installs another replica's snapshot. Read {@code snapshot}
     * to its end; do not close it.
     */
    default void restore(InputStream snapshot) throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " takes snapshots but cannot restore them:"
                + " implement StateMachine.restore");
    }

    /**
     * Answers a read-only query against the current state, for {@link ReplicatedGroup#read}; must not
     * change the state. The default refuses: implement it to serve reads without the log.
     */
    default byte[] query(byte[] query) {
        throw new UnsupportedOperationException(getClass().getName() + " answers no queries: implement"
                + " StateMachine.query to read without writing to the log");
    }

    /** A captured state, written to a stream on a snapshot thread. */
    @FunctionalInterface
    interface Snapshot {
        void writeTo(OutputStream out) throws IOException;
    }
}
