package io.synod.testkit.sim;

import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.ProtocolConfig;
import io.synod.core.protocol.RandomSource;
import io.synod.core.protocol.Replica;

/** How the simulator builds a replica (at start and after each restart); tests swap in broken variants. */
@FunctionalInterface
public interface ReplicaFactory {
    ReplicaFactory CORRECT = Replica::new;

    Replica create(ProtocolConfig config, DurableState recovered, RandomSource random);
}
