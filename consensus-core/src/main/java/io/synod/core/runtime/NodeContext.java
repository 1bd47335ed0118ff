package io.synod.core.runtime;

import io.synod.core.api.MonotonicClock;
import io.synod.core.api.SynodOptions;
import io.synod.core.storage.Storage;
import io.synod.core.transport.Transport;

import java.util.Set;
import java.util.concurrent.Executor;

/** What every group runtime of one node shares; {@code members} are the groups' initial voters. */
record NodeContext(int nodeId, Set<Integer> members, SynodOptions options, Storage storage, Transport transport,
                   Admission admission, NodeMetrics metrics, MonotonicClock clock, Executor applyPool,
                   Executor snapshotPool, PeerDirectory peers) {
}
