package io.synod.core.runtime;

import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Ready;
import io.synod.core.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * Serves one group's catch-up requests for slots the replica evicted from memory
 * ({@link Ready#journalReads()}): reads them from storage on the node's storage-reading thread, never
 * the consensus thread, and sends the reply from there (the transport is thread-safe). At most one
 * read per requester is in flight: a lagging replica re-asks every retransmit interval, and queuing
 * each of those would only repeat the same read.
 *
 * <p>{@link #serve} is called on the group's consensus thread only.
 */
final class JournalCatchUp {
    private static final Logger log = LoggerFactory.getLogger(JournalCatchUp.class);

    private final long groupId;
    private final NodeContext node;
    private final ConsensusLoop loop;
    /** Requesters with a read in flight; consensus thread only. */
    private final Set<Integer> inFlight = new HashSet<>();

    JournalCatchUp(long groupId, NodeContext node, ConsensusLoop loop) {
        this.groupId = groupId;
        this.node = node;
        this.loop = loop;
    }

    void serve(Ready.JournalRead read) {
        if (!inFlight.add(read.to())) {
            return; // the requester asks again after its retransmit interval
        }
        try {
            node.snapshotPool().execute(() -> readAndSend(read));
        } catch (RejectedExecutionException e) {
            inFlight.remove(read.to()); // shutting down
        }
    }

    private void readAndSend(Ready.JournalRead read) {
        try {
            List<ChosenEntry> chosen = node.storage().readChosen(groupId, read.fromSlot(), read.toSlot(), read.maxSlots());
            if (!chosen.isEmpty()) {
                node.transport().send(new Message.CatchUpReply(groupId, node.nodeId(), read.to(), chosen, 0));
            }
        } catch (StorageException.Corrupt e) {
            log.error("group {}: cannot serve node {} slots from {}: {}", groupId, read.to(), read.fromSlot(), e.getMessage());
        } catch (StorageException e) {
            log.warn("group {}: reading slots from {} for node {} failed ({}); it will ask again",
                    groupId, read.fromSlot(), read.to(), e.toString());
        } finally {
            loop.control(() -> inFlight.remove(read.to()));
        }
    }
}
